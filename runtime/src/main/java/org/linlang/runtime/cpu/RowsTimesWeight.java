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

    static Tensor multiply(Tensor x, Tensor w) {
        int k = (int) w.dim(1), n = (int) w.dim(0);
        int m = (int) (x.numel() / k);
        float[] xs = x.contiguous().toFloatArray();
        float[] out = new float[m * n];
        MemorySegment seg = w.storage();
        long base = w.offset() * 4;
        int blocks = (n + BLOCK - 1) / BLOCK;
        WorkerPool.Task task = (item, worker) -> {
            int j0 = item * BLOCK, j1 = Math.min(n, j0 + BLOCK);
            for (int j = j0; j < j1; j++) {
                long row = base + (long) j * k * 4;
                for (int i = 0; i < m; i++) out[i * n + j] = dot(xs, i * k, seg, row, k);
            }
        };
        if ((long) n * k < 1 << 16) for (int b = 0; b < blocks; b++) task.run(b, 0);
        else WorkerPool.shared().run(blocks, task);
        long[] shape = x.shape();
        shape[shape.length - 1] = n;
        return Creation.of(out, shape);
    }

    private static float dot(float[] x, int xo, MemorySegment w, long wo, int k) {
        FloatVector acc = FloatVector.zero(F);
        int step = F.length(), p = 0;
        for (int bound = F.loopBound(k); p < bound; p += step) {
            acc = FloatVector.fromArray(F, x, xo + p).fma(FloatVector.fromMemorySegment(F, w, wo + p * 4L, ByteOrder.LITTLE_ENDIAN), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) s += x[xo + p] * w.get(LE, wo + p * 4L);
        return s;
    }
}
