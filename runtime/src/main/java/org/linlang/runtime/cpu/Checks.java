package org.linlang.runtime.cpu;

import java.util.Arrays;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/** Argument checks shared by the recurrence entry points. They allocate only to report a failure. */
final class Checks {
    private Checks() {}

    /** Gate kinds of a diagonal recurrence, from the rank of the log-decay tensor. */
    static final int NO_GATE = 0, HEAD_GATE = 1, CHANNEL_GATE = 2;

    static void rank(String op, String name, Tensor t, int rank, String layout) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " is required");
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + name + " must have shape " + layout + ", got " + Arrays.toString(t.shape()));
        }
        if (!t.dtype().isFloat()) {
            throw new IllegalArgumentException(op + ": " + name + " must be a float tensor (f32, bf16 or f16), got " + t.dtype().lin());
        }
    }

    /** Checks the leading {@code t.rank()} of the sizes {@code d0..d3} (no varargs: the decode path must not allocate). */
    static void dims(String op, String name, Tensor t, String layout, long d0, long d1, long d2, long d3) {
        int r = t.rank();
        if ((r > 0 && t.dim(0) != d0) || (r > 1 && t.dim(1) != d1) || (r > 2 && t.dim(2) != d2) || (r > 3 && t.dim(3) != d3)) {
            long[] expected = Arrays.copyOf(new long[] {d0, d1, d2, d3}, r);
            throw new IllegalArgumentException(op + ": " + name + " must have shape " + layout + " = " + Arrays.toString(expected)
                    + ", got " + Arrays.toString(t.shape()));
        }
    }

    /** Sizes are Java ints inside the kernels; a row of the state must fit an array too. */
    static int size(String op, String what, long n) {
        if (n > Integer.MAX_VALUE / 8) throw new IllegalArgumentException(op + ": " + what + " = " + n + " is too large");
        return (int) n;
    }

    static void scale(String op, double scale) {
        if (!Double.isFinite(scale)) throw new IllegalArgumentException(op + ": scale must be finite, got " + scale);
    }

    static void chunk(String op, int chunkSize) {
        if (chunkSize < 1 || chunkSize > 1024) throw new IllegalArgumentException(op + ": chunk size must be in [1, 1024], got " + chunkSize);
    }

    /** A buffer the kernel writes into: f32, contiguous, writable, of shape {@code [d0, d1, d2, d3]}. */
    static void buffer(String op, String name, Tensor t, String layout, long d0, long d1, long d2, long d3) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " is required");
        if (t.rank() != 4) {
            throw new IllegalArgumentException(op + ": " + name + " must have shape " + layout + ", got " + Arrays.toString(t.shape()));
        }
        dims(op, name, t, layout, d0, d1, d2, d3);
        if (t.dtype() != DType.F32 || !t.isContiguous() || t.isReadOnly()) {
            throw new IllegalArgumentException(op + ": " + name + " must be a writable contiguous f32 tensor (got " + t.dtype().lin()
                    + (t.isContiguous() ? "" : ", strided") + (t.isReadOnly() ? ", read-only" : "") + ")");
        }
    }
}
