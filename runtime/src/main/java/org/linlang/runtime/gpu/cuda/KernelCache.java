package org.linlang.runtime.gpu.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compiled kernels on disk: {@code DIR/<sha256 of source, options, architecture>.cubin}. A hit
 * skips the compiler; a file is written under a temporary name and moved into place, so two
 * processes never read half a file. The default folder is {@code $LIN_CACHE_DIR/cuda}, else
 * {@code ~/.cache/lin/cuda}.
 */
public final class KernelCache {
    private final Path dir;
    private final CudaCompiler compiler;
    private final AtomicInteger hits = new AtomicInteger(), misses = new AtomicInteger();

    public KernelCache(Path dir, CudaCompiler compiler) {
        this.dir = dir;
        this.compiler = compiler;
    }

    public static Path defaultDir() {
        String env = System.getenv("LIN_CACHE_DIR");
        return env != null && !env.isBlank() ? Path.of(env, "cuda") : Path.of(System.getProperty("user.home"), ".cache", "lin", "cuda");
    }

    /** The key of a source for an architecture: the options are part of it. */
    public static String key(String source, String arch) {
        try {
            var md = MessageDigest.getInstance("SHA-256");
            md.update(source.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(String.join(" ", CudaCompiler.OPTIONS).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(arch.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cubin, from the cache or compiled now and stored. */
    public byte[] cubin(String source, String arch) {
        Path file = dir.resolve(key(source, arch) + ".cubin");
        try {
            if (Files.isRegularFile(file)) {
                hits.incrementAndGet();
                return Files.readAllBytes(file);
            }
        } catch (IOException e) {
            // unreadable entry: compile again and overwrite it
        }
        misses.incrementAndGet();
        byte[] bin = compiler.compile(source, arch);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "k", ".tmp");
            Files.write(tmp, bin);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // a cache that cannot be written only costs a compile next time
        }
        return bin;
    }

    public int hits() { return hits.get(); }

    public int misses() { return misses.get(); }

    public Path dir() { return dir; }
}
