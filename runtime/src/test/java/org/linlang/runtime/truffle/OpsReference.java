package org.linlang.runtime.truffle;

/**
 * The operations of std.ops written once more, plainly, in float64 Java loops: the oracles the
 * interpreter is compared with. Arrays are flat, in C order; shapes are given with each call.
 * Layout as in std.ops: {@code q, k: [B, T, H, K]}, {@code v: [B, T, H, V]}, gates {@code [B, T, H]}
 * (per key channel {@code [B, T, H, K]}), states {@code [B, H, K, V]}.
 */
public final class OpsReference {
    private OpsReference() {}

    /** Output and final state of a recurrence. */
    public record Run(double[] o, double[] state) {}

    /** The kinds of transition the std.ops recurrences use. */
    public enum Kind { LINEAR, SIMPLE_GLA, GLA, DELTA, GATED_DELTA }

    /**
     * One recurrence over [B, T, H]: {@code g} is [B, T, H] (or [B, T, H, K] for GLA), {@code beta}
     * [B, T, H]; either may be null when the kind does not use it. {@code s0} may be null (zeros).
     */
    public static Run recurrence(Kind kind, double[] q, double[] k, double[] v, double[] g, double[] beta, double[] s0,
                          int B, int T, int H, int K, int V, double scale) {
        double[] o = new double[B * T * H * V];
        double[] fin = new double[B * H * K * V];
        double[][] S = new double[K][V];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                for (int i = 0; i < K; i++) {
                    for (int j = 0; j < V; j++) S[i][j] = s0 == null ? 0 : s0[((b * H + h) * K + i) * V + j];
                }
                for (int t = 0; t < T; t++) {
                    int row = (b * T + t) * H + h;
                    double[] qt = new double[K], kt = new double[K], vt = new double[V];
                    for (int i = 0; i < K; i++) {
                        qt[i] = q[row * K + i];
                        kt[i] = k[row * K + i];
                    }
                    for (int j = 0; j < V; j++) vt[j] = v[row * V + j];
                    switch (kind) {
                        case LINEAR -> addOuter(S, kt, vt, 1);
                        case SIMPLE_GLA -> {
                            scale(S, Math.exp(g[row]));
                            addOuter(S, kt, vt, 1);
                        }
                        case GLA -> {
                            for (int i = 0; i < K; i++) {
                                double d = Math.exp(g[row * K + i]);
                                for (int j = 0; j < V; j++) S[i][j] *= d;
                            }
                            addOuter(S, kt, vt, 1);
                        }
                        case DELTA, GATED_DELTA -> {
                            if (kind == Kind.GATED_DELTA) scale(S, Math.exp(g[row]));
                            double[] kS = new double[V];
                            for (int i = 0; i < K; i++) for (int j = 0; j < V; j++) kS[j] += kt[i] * S[i][j];
                            double[] u = new double[V];
                            for (int j = 0; j < V; j++) u[j] = beta[row] * (vt[j] - kS[j]);
                            addOuter(S, kt, u, 1);
                        }
                    }
                    for (int j = 0; j < V; j++) {
                        double acc = 0;
                        for (int i = 0; i < K; i++) acc += scale * qt[i] * S[i][j];
                        o[row * V + j] = acc;
                    }
                }
                for (int i = 0; i < K; i++) {
                    for (int j = 0; j < V; j++) fin[((b * H + h) * K + i) * V + j] = S[i][j];
                }
            }
        }
        return new Run(o, fin);
    }

    private static void addOuter(double[][] S, double[] a, double[] b, double c) {
        for (int i = 0; i < a.length; i++) for (int j = 0; j < b.length; j++) S[i][j] += c * a[i] * b[j];
    }

    private static void scale(double[][] S, double c) {
        for (double[] row : S) for (int j = 0; j < row.length; j++) row[j] *= c;
    }

    /**
     * RoPE as `transformers` applies it (rotate_half): x [B, T, H, D] with its first {@code rotary}
     * channels rotated, pair (i, i + rotary/2) by angle position · theta^(-2i / rotary).
     */
    public static double[] rope(double[] x, double[] positions, int B, int T, int H, int D, int rotary, double theta) {
        double[] o = x.clone();
        int half = rotary / 2;
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int h = 0; h < H; h++)
                    for (int i = 0; i < half; i++) {
                        double angle = positions[b * T + t] * Math.pow(theta, -2.0 * i / rotary);
                        int base = ((b * T + t) * H + h) * D;
                        double x1 = x[base + i], x2 = x[base + i + half];
                        o[base + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
                        o[base + i + half] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
                    }
        return o;
    }

    /** Causal softmax attention, max-subtracted, over [B, T, H, K] and [B, T, H, V]. */
    public static double[] softmaxAttention(double[] q, double[] k, double[] v, int B, int T, int H, int K, int V, double scale) {
        return softmaxAttention(q, k, v, B, T, H, 1, 0, K, V, scale);
    }

    /**
     * Grouped-query attention: q has Hk * G heads, k and v have Hk; query head h reads key/value head
     * h / G. With window W > 0, query t sees keys t - W + 1 … t.
     */
    public static double[] softmaxAttention(double[] q, double[] k, double[] v, int B, int T, int Hk, int G, int W, int K, int V,
                                            double scale) {
        int H = Hk * G;
        double[] o = new double[B * T * H * V];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                int kh = h / G;
                for (int t = 0; t < T; t++) {
                    int from = W > 0 ? Math.max(0, t - W + 1) : 0;
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = from; u <= t; u++) {
                        double acc = 0;
                        for (int i = 0; i < K; i++) acc += q[((b * T + t) * H + h) * K + i] * k[((b * T + u) * Hk + kh) * K + i];
                        s[u] = acc * scale;
                        max = Math.max(max, s[u]);
                    }
                    double z = 0;
                    for (int u = from; u <= t; u++) z += (s[u] = Math.exp(s[u] - max));
                    for (int j = 0; j < V; j++) {
                        double acc = 0;
                        for (int u = from; u <= t; u++) acc += s[u] / z * v[((b * T + u) * Hk + kh) * V + j];
                        o[((b * T + t) * H + h) * V + j] = acc;
                    }
                }
            }
        }
        return o;
    }

    /** {@code x * rsqrt(sum(x^2) + eps)} over rows of length D. */
    public static double[] l2norm(double[] x, int D, double eps) {
        double[] out = new double[x.length];
        for (int r = 0; r < x.length / D; r++) {
            double ss = 0;
            for (int i = 0; i < D; i++) ss += x[r * D + i] * x[r * D + i];
            double f = 1 / Math.sqrt(ss + eps);
            for (int i = 0; i < D; i++) out[r * D + i] = x[r * D + i] * f;
        }
        return out;
    }

    /** {@code x * rsqrt(mean(x^2) + eps) * w} over rows of length D. */
    public static double[] rmsnorm(double[] x, double[] w, int D, double eps) {
        double[] out = new double[x.length];
        for (int r = 0; r < x.length / D; r++) {
            double ss = 0;
            for (int i = 0; i < D; i++) ss += x[r * D + i] * x[r * D + i];
            double f = 1 / Math.sqrt(ss / D + eps);
            for (int i = 0; i < D; i++) out[r * D + i] = x[r * D + i] * f * w[i];
        }
        return out;
    }

    public static double silu(double x) { return x / (1 + Math.exp(-x)); }

    public static double[] gatedRmsnorm(double[] x, double[] gate, double[] w, int D, double eps) {
        double[] out = rmsnorm(x, w, D, eps);
        for (int i = 0; i < out.length; i++) out[i] *= silu(gate[i]);
        return out;
    }

    public static double[] swiglu(double[] gate, double[] up) {
        double[] out = new double[gate.length];
        for (int i = 0; i < out.length; i++) out[i] = silu(gate[i]) * up[i];
        return out;
    }

    /** {@code y[b, t, c] = sum_j w[c, j] * x[b, t - W + 1 + j, c]}, zero before the sequence starts. */
    public static double[] shortConv(double[] x, double[] w, int B, int T, int C, int W) {
        double[] y = new double[B * T * C];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                for (int c = 0; c < C; c++) {
                    double acc = 0;
                    for (int j = 0; j < W; j++) {
                        int s = t - W + 1 + j;
                        if (s >= 0) acc += w[c * W + j] * x[(b * T + s) * C + c];
                    }
                    y[(b * T + t) * C + c] = acc;
                }
            }
        }
        return y;
    }
}
