package org.linlang.runtime.tensor;

/**
 * Walks operands that share one shape in C order, handing the body runs of at most {@link #CHUNK}
 * elements along the innermost axis. Operands are described by element strides and offsets, so an
 * operand may be a broadcast view (stride 0) or a buffer that is not a tensor (an accumulator).
 *
 * <p>Axes of size 1 are dropped and neighbouring axes that are contiguous in every operand are
 * merged first, so a contiguous tensor is one long run however many axes it has: the per-element
 * work then happens in tight loops over Java arrays, which the JIT vectorizes.
 */
final class ChunkLoop {
    static final int CHUNK = 4096;

    /** One run: operand {@code k} is at element offsets {@code starts[k] + i * steps[k]}, i < n. */
    interface Body {
        void run(long[] starts, long[] steps, int n);
    }

    private ChunkLoop() {}

    /** The longest run the body will see for {@code numel} elements: the size its buffers need. */
    static int runLength(long numel) {
        return (int) Math.max(1, Math.min(CHUNK, numel));
    }

    static void run(Body body, Tensor... operands) {
        long[][] strides = new long[operands.length][];
        long[] offsets = new long[operands.length];
        for (int k = 0; k < operands.length; k++) {
            strides[k] = operands[k].strides;
            offsets[k] = operands[k].offset;
        }
        run(operands[0].shape, strides, offsets, body);
    }

    static void run(long[] shape, long[][] strides, long[] offsets, Body body) {
        int ops = strides.length, rank = shape.length;
        for (long d : shape) if (d == 0) return;
        // Merged axes, innermost first.
        long[] dims = new long[Math.max(rank, 1)];
        long[][] st = new long[ops][Math.max(rank, 1)];
        int r = 0;
        for (int ax = rank - 1; ax >= 0; ax--) {
            if (shape[ax] == 1) continue;
            if (r > 0 && mergeable(strides, st, dims, ax, r - 1)) {
                dims[r - 1] *= shape[ax];
                continue;
            }
            dims[r] = shape[ax];
            for (int k = 0; k < ops; k++) st[k][r] = strides[k][ax];
            r++;
        }
        if (r == 0) { // a single element
            dims[0] = 1;
            r = 1;
        }
        long[] pos = offsets.clone(), starts = new long[ops], steps = new long[ops];
        for (int k = 0; k < ops; k++) steps[k] = st[k][0];
        long[] index = new long[r];
        while (true) {
            for (long c = 0; c < dims[0]; c += CHUNK) {
                int n = (int) Math.min(CHUNK, dims[0] - c);
                for (int k = 0; k < ops; k++) starts[k] = pos[k] + c * steps[k];
                body.run(starts, steps, n);
            }
            int ax = 1;
            for (; ax < r; ax++) {
                index[ax]++;
                for (int k = 0; k < ops; k++) pos[k] += st[k][ax];
                if (index[ax] < dims[ax]) break;
                for (int k = 0; k < ops; k++) pos[k] -= st[k][ax] * dims[ax];
                index[ax] = 0;
            }
            if (ax >= r) return;
        }
    }

    private static boolean mergeable(long[][] strides, long[][] st, long[] dims, int ax, int inner) {
        for (int k = 0; k < strides.length; k++) {
            if (strides[k][ax] != st[k][inner] * dims[inner]) return false;
        }
        return true;
    }
}
