package org.linlang.runtime.tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file under a temporary name, then renames it over the target. Tensors read from the old
 * file are memory-mapped: truncating that file in place would make reading them crash the JVM, while
 * a rename leaves the old contents alive until they are unmapped.
 */
final class FileReplacer {
    interface Body { void write(FileChannel out) throws IOException; }

    private FileReplacer() {}

    static void replace(Path file, Body body) throws IOException {
        Path target = file.toAbsolutePath();
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(out);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static void write(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) out.write(bytes);
    }

    /** Writes a segment of any size (a ByteBuffer view is limited to 2 GiB). */
    static void write(FileChannel out, MemorySegment bytes) throws IOException {
        long chunk = 1L << 30;
        if (!bytes.isNative() && !(bytes.heapBase().orElse(null) instanceof byte[])) {
            // a tensor over a float[] (or long[]) has no ByteBuffer view: copy it to bytes first
            bytes = java.lang.foreign.Arena.ofAuto().allocate(bytes.byteSize()).copyFrom(bytes);
        }
        for (long at = 0; at < bytes.byteSize(); at += chunk) {
            write(out, bytes.asSlice(at, Math.min(chunk, bytes.byteSize() - at)).asByteBuffer());
        }
    }

    /** The bytes of a tensor's elements in C order. */
    static MemorySegment bytes(Tensor t) {
        Tensor c = t.contiguous();
        long size = c.dtype.byteSize();
        return c.storage.asSlice(c.offset * size, c.numel() * size);
    }
}
