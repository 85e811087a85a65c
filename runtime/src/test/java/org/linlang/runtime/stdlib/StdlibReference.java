package org.linlang.runtime.stdlib;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Float64 loops for the std.ops operations that {@code truffle.OpsReference} does not cover, written from
 * the formulas in docs/stdlib.md and not from the Lin code. Arrays are flat, C order.
 */
final class StdlibReference {
    private StdlibReference() {}

    /** {@code x · rsqrt(mean(x²) + eps) · (1 + w)} over rows of length D. */
    static double[] zeroCenteredRmsnorm(double[] x, double[] w, int D, double eps) {
        double[] out = new double[x.length];
        for (int r = 0; r < x.length / D; r++) {
            double ss = 0;
            for (int i = 0; i < D; i++) ss += x[r * D + i] * x[r * D + i];
            double f = 1 / Math.sqrt(ss / D + eps);
            for (int i = 0; i < D; i++) out[r * D + i] = x[r * D + i] * f * (1 + w[i]);
        }
        return out;
    }

    static double[] elu1(double[] x) {
        return Arrays.stream(x).map(v -> v > 0 ? v + 1 : Math.exp(v)).toArray();
    }

    static double[] relu(double[] x) {
        return Arrays.stream(x).map(v -> Math.max(v, 0)).toArray();
    }

    /** Hedgehog: z = x Wᵀ + b per row of length D, then softmax over the 2D values [2z, −2z]. */
    static double[] hedgehog(double[] x, double[] w, double[] b, int D) {
        int rows = x.length / D;
        double[] out = new double[rows * 2 * D];
        for (int r = 0; r < rows; r++) {
            double[] e = new double[2 * D];
            for (int o = 0; o < D; o++) {
                double z = b[o];
                for (int i = 0; i < D; i++) z += x[r * D + i] * w[o * D + i];
                e[o] = 2 * z;
                e[D + o] = -2 * z;
            }
            double max = Arrays.stream(e).max().orElseThrow(), sum = 0;
            for (int j = 0; j < 2 * D; j++) sum += (e[j] = Math.exp(e[j] - max));
            for (int j = 0; j < 2 * D; j++) out[r * 2 * D + j] = e[j] / sum;
        }
        return out;
    }

    /**
     * HGRN2 over [B, T, H]: S_t = diag(exp(gk_t)) S_{t−1} + (1 − exp(gk_t)) v_tᵀ, o_t = S_tᵀ (scale · q_t).
     * Returns the outputs followed by nothing else; the final states go to {@code finalState} when it is not null.
     */
    static double[] hgrn2(double[] q, double[] v, double[] gk, double[] s0, double[] finalState,
                          int B, int T, int H, int K, int V, double scale) {
        double[] o = new double[B * T * H * V];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                double[][] S = new double[K][V];
                if (s0 != null) for (int i = 0; i < K; i++) for (int j = 0; j < V; j++) S[i][j] = s0[((b * H + h) * K + i) * V + j];
                for (int t = 0; t < T; t++) {
                    int row = (b * T + t) * H + h;
                    for (int i = 0; i < K; i++) {
                        double a = Math.exp(gk[row * K + i]);
                        for (int j = 0; j < V; j++) S[i][j] = a * S[i][j] + (1 - a) * v[row * V + j];
                    }
                    for (int j = 0; j < V; j++) {
                        double acc = 0;
                        for (int i = 0; i < K; i++) acc += scale * q[row * K + i] * S[i][j];
                        o[row * V + j] = acc;
                    }
                }
                if (finalState != null) for (int i = 0; i < K; i++) for (int j = 0; j < V; j++) finalState[((b * H + h) * K + i) * V + j] = S[i][j];
            }
        }
        return o;
    }

    /**
     * Softmax attention of T queries over S ≥ T keys, grouped (query head h reads key head h / G), causal
     * with the queries at positions S − T … S − 1, and with a window W > 0 seeing keys p − W + 1 … p.
     * {@code gate} ([B, T, H, V]) multiplies by sigmoid(gate) when not null; {@code sinks} ([H]) adds
     * exp(sink) to each softmax denominator when not null.
     */
    static double[] attention(double[] q, double[] k, double[] v, double[] gate, double[] sinks,
                              int B, int T, int S, int Hk, int G, int W, int K, int V, double scale) {
        int H = Hk * G;
        double[] o = new double[B * T * H * V];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                int kh = h / G;
                for (int t = 0; t < T; t++) {
                    int p = S - T + t;
                    int from = W > 0 ? Math.max(0, p - W + 1) : 0;
                    double[] s = new double[S];
                    double max = sinks != null ? sinks[h] : Double.NEGATIVE_INFINITY;
                    for (int u = from; u <= p; u++) {
                        double acc = 0;
                        for (int i = 0; i < K; i++) acc += q[((b * T + t) * H + h) * K + i] * k[((b * S + u) * Hk + kh) * K + i];
                        s[u] = acc * scale;
                        max = Math.max(max, s[u]);
                    }
                    double z = sinks != null ? Math.exp(sinks[h] - max) : 0;
                    for (int u = from; u <= p; u++) z += (s[u] = Math.exp(s[u] - max));
                    for (int j = 0; j < V; j++) {
                        double acc = 0;
                        for (int u = from; u <= p; u++) acc += s[u] / z * v[((b * S + u) * Hk + kh) * V + j];
                        int at = ((b * T + t) * H + h) * V + j;
                        o[at] = gate == null ? acc : acc / (1 + Math.exp(-gate[at]));
                    }
                }
            }
        }
        return o;
    }

    /** Top-k softmax routing per row of E logits: softmax, the k largest kept (the lower index wins a tie). */
    static double[] moeRouting(double[] logits, int E, int k, boolean normalize) {
        double[] out = new double[logits.length];
        for (int r = 0; r < logits.length / E; r++) {
            int base = r * E;
            double max = Double.NEGATIVE_INFINITY;
            for (int e = 0; e < E; e++) max = Math.max(max, logits[base + e]);
            double z = 0;
            double[] p = new double[E];
            for (int e = 0; e < E; e++) z += (p[e] = Math.exp(logits[base + e] - max));
            Integer[] order = IntStream.range(0, E).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble((Integer e) -> -logits[base + e]).thenComparingInt(e -> e));
            double kept = 0;
            for (int i = 0; i < k; i++) kept += p[order[i]] / z;
            for (int i = 0; i < k; i++) out[base + order[i]] = p[order[i]] / z / (normalize ? kept : 1);
        }
        return out;
    }
}
