package org.linlang.runtime.gpu.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The second way to compile: the {@code nvcc} program, {@code -cubin -arch=sm_XY}, every warning an error. */
public final class NvccCompiler implements CudaCompiler {
    private final String nvcc;

    public NvccCompiler(String nvcc) { this.nvcc = nvcc; }

    /** nvcc on the PATH or in /usr/local/cuda/bin, or null. */
    public static String locate() {
        var dirs = new ArrayList<String>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/local/cuda/bin");
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, "nvcc");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    @Override public String describe() { return "nvcc " + nvcc; }

    @Override
    public byte[] compile(String source, String arch) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("lin-nvcc");
            Path cu = dir.resolve("k.cu"), out = dir.resolve("k.cubin");
            Files.writeString(cu, source, StandardCharsets.UTF_8);
            var cmd = new ArrayList<>(List.of(nvcc, "-cubin", "-arch=" + arch, "-std=c++17", "-Werror", "all-warnings", "-o", out.toString(), cu.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("nvcc did not finish in 300 s");
            }
            if (p.exitValue() != 0) throw new IllegalStateException("nvcc failed for " + arch + ":\n" + log);
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run nvcc: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while nvcc ran", e);
        } finally {
            if (dir != null) {
                try (var s = Files.walk(dir)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // a temporary folder left behind is harmless
                }
            }
        }
    }
}
