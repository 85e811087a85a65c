package org.linlang.runtime.tensor;

import java.util.Arrays;

/**
 * A matrix product small enough that a call into OpenBLAS costs more than it saves: numpy's {@code @}
 * semantics (vectors promoted and squeezed back, batch axes broadcast), accumulated in double and
 * rounded once to f32. Both engines use it, so their small products round the same way.
 */
public final class SmallProduct {
    private SmallProduct() {}

    /** {@code a @ b} as f32; the inner dimensions must agree (callers check and word the error). */
    public static Tensor of(Tensor a, Tensor b) {
        Tensor x = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor y = b.rank() == 1 ? b.unsqueeze(1) : b;
        long m = x.dim(-2), k = x.dim(-1), n = y.dim(-1);
        long[] batch = Shapes.broadcastShapes(Arrays.copyOf(x.shape(), x.rank() - 2), Arrays.copyOf(y.shape(), y.rank() - 2));
        long count = 1;
        for (long d : batch) count *= d;
        float[] xv = x.broadcastTo(withMatrix(batch, m, k)).toFloatArray();
        float[] yv = y.broadcastTo(withMatrix(batch, k, n)).toFloatArray();
        int M = (int) m, K = (int) k, N = (int) n;
        float[] out = new float[(int) (count * m * n)];
        double[] row = new double[N];
        for (int bi = 0; bi < count; bi++) {
            int xo = bi * M * K, yo = bi * K * N, oo = bi * M * N;
            for (int i = 0; i < M; i++) {
                Arrays.fill(row, 0);
                for (int p = 0; p < K; p++) {
                    double xip = xv[xo + i * K + p];
                    int yr = yo + p * N;
                    for (int j = 0; j < N; j++) row[j] += xip * yv[yr + j];
                }
                for (int j = 0; j < N; j++) out[oo + i * N + j] = (float) row[j];
            }
        }
        Tensor r = Creation.of(out, withMatrix(batch, m, n));
        if (a.rank() == 1) r = r.squeeze(-2);
        if (b.rank() == 1) r = r.squeeze(-1);
        return r;
    }

    private static long[] withMatrix(long[] batch, long rows, long cols) {
        long[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }
}
