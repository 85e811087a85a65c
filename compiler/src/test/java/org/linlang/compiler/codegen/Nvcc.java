package org.linlang.compiler.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs nvcc for the compile tests: PTX for one architecture, every warning an error. */
final class Nvcc {
    private Nvcc() {}

    record Result(int status, String output) {}

    static String find() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/local/cuda/bin").split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "nvcc");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    static Result compile(String nvcc, Path source, Path out, String arch) throws IOException, InterruptedException {
        var pb = new ProcessBuilder(List.of(nvcc, "-ptx", "-arch=" + arch, "-Werror", "all-warnings", "-o", out.toString(), source.toString()));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        byte[] text = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "nvcc timed out");
        }
        return new Result(p.exitValue(), new String(text, StandardCharsets.UTF_8));
    }
}
