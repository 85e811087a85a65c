package org.linlang.runtime.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/**
 * {@code x Wᵀ} for a few rows of x (decoding: one token per sequence) and a weight stored as torch
 * does, {@code [out, in]} row-major: each output is a dot product of x's row with one contiguous row
 * of W, read straight from W's memory with the Vector API. The product is bound by reading W once,
 * which a general sgemm call (with its packing and thread start-up) does not reach at these shapes.
 * Outputs are shared out over {@link WorkerPool} in blocks of rows of W.
 */
final class RowsTimesWeight {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** At most this many rows of x take this path. */
    static final long MAX_ROWS = 8;
    private static final int BLOCK = 64;

    private RowsTimesWeight() {}

    /** Whether {@code x @ transpose(w)} fits: f32, w a contiguous [N, K] matrix, x [.., K] with few rows. */
    static boolean fits(Tensor x, Tensor w) {
        if (x.dtype() != org.linlang.runtime.tensor.DType.F32 || w.dtype() != org.linlang.runtime.tensor.DType.F32) return false;
        if (w.rank() != 2 || !w.isContiguous() || x.rank() < 1 || x.dim(-1) != w.dim(1)) return false;
        return x.numel() / Math.max(1, x.dim(-1)) <= MAX_ROWS;
    }

    static Tensor multiply(Tensor x, Tensor w) { return multiply(x, w, null); }

    /**
     * The product into {@code into} (f32, contiguous, of x's shape with the last axis W's rows) when
     * it is not null, else into a fresh tensor. x is read in place when it is contiguous, so a
     * decoding step's product allocates no tensor memory.
     */
    static Tensor multiply(Tensor x, Tensor w, Tensor into) {
        int k = (int) w.dim(1), n = (int) w.dim(0);
        int m = (int) (x.numel() / k);
        long[] shape = x.shape();
        shape[shape.length - 1] = n;
        Tensor out = into != null ? into : Creation.zeros(shape);
        Tensor xc = x.contiguous();
        MemorySegment xs = xc.storage(), os = out.storage(), seg = w.storage();
        long xBase = xc.offset() * 4, oBase = out.offset() * 4, base = w.offset() * 4;
        int blocks = (n + BLOCK - 1) / BLOCK;
        WorkerPool.Task task = (item, worker) -> {
            int j0 = item * BLOCK, j1 = Math.min(n, j0 + BLOCK);
            for (int j = j0; j < j1; j++) {
                long row = base + (long) j * k * 4;
                for (int i = 0; i < m; i++) os.set(LE, oBase + ((long) i * n + j) * 4, dot(xs, xBase + (long) i * k * 4, seg, row, k));
            }
        };
        if ((long) n * k < 1 << 16) for (int b = 0; b < blocks; b++) task.run(b, 0);
        else WorkerPool.shared().run(blocks, task);
        return out;
    }

    private static float dot(MemorySegment x, long xo, MemorySegment w, long wo, int k) {
        FloatVector acc = FloatVector.zero(F);
        int step = F.length(), p = 0;
        for (int bound = F.loopBound(k); p < bound; p += step) {
            acc = FloatVector.fromMemorySegment(F, x, xo + p * 4L, ByteOrder.LITTLE_ENDIAN)
                    .fma(FloatVector.fromMemorySegment(F, w, wo + p * 4L, ByteOrder.LITTLE_ENDIAN), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) s += x.get(LE, xo + p * 4L) * w.get(LE, wo + p * 4L);
        return s;
    }
}
