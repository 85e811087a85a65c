package org.linlang.runtime.cpu;

/**
 * The model flops of the chunked kernels as implemented: the matrix products only (elementwise
 * work is not counted), so a GFLOP/s figure compares with a matrix product's. numpy's chunked
 * baseline performs the same products, so the ratio of GFLOP/s is the ratio of times.
 */
public final class ChunkFlops {
    private ChunkFlops() {}

    /**
     * Gated DeltaNet (DeltaChunk): per chunk of L rows, [Q;K] Kᵀ (2·2L·K·L), [Qγ;Kβγ] S (2·2L·K·V),
     * the triangular solve (L²·V), the triangular P V_new (L²·V) and the state update (2·K·L·V).
     */
    public static double delta(int b, int t, int h, int k, int v, int chunk) {
        double total = 0;
        for (int t0 = 0; t0 < t; t0 += chunk) {
            double l = Math.min(chunk, t - t0);
            total += 4 * l * k * l + 4 * l * k * v + l * l * v + l * l * v + 2.0 * k * l * v;
        }
        return total * b * h;
    }

    /**
     * GLA (DiagonalChunk): (Q⊙a) S (2·L·K·V), the causal scores Q Kᵀ below the diagonal (L²·K), the
     * triangular P V (L²·V) and the state update (2·K·L·V).
     */
    public static double gla(int b, int t, int h, int k, int v, int chunk) {
        double total = 0;
        for (int t0 = 0; t0 < t; t0 += chunk) {
            double l = Math.min(chunk, t - t0);
            total += 2 * l * k * v + l * l * k + l * l * v + 2.0 * k * l * v;
        }
        return total * b * h;
    }
}
