package org.linlang.runtime.cpu;

/**
 * The oracles: both recurrences written plainly, token by token, in float64, over flat C-order
 * arrays ({@code [B, T, H, D]} inputs, {@code [B, H, K, V]} states). Independent of the kernels.
 */
final class NaiveRecurrences {
    private NaiveRecurrences() {}

    /** Outputs {@code [B, T, H, V]} and the final state {@code [B, H, K, V]}. */
    record Result(double[] output, double[] state) {}

    /**
     * {@code S_t = diag(exp(g_t)) S_(t-1) + k_t v_tᵀ}, {@code o_t = S_tᵀ (scale q_t)}. {@code g} is
     * null, per head ({@code [B, T, H]}) or per channel ({@code [B, T, H, K]}, {@code perChannel}).
     */
    static Result diagonal(int B, int T, int H, int K, int V, double[] q, double[] k, double[] v, double[] g,
                           boolean perChannel, double scale, double[] initial) {
        double[] o = new double[B * T * H * V], last = new double[B * H * K * V];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                double[][] s = initialState(b, h, H, K, V, initial);
                for (int t = 0; t < T; t++) {
                    int row = (b * T + t) * H + h;
                    for (int c = 0; c < K; c++) {
                        double decay = g == null ? 1 : Math.exp(perChannel ? g[row * K + c] : g[row]);
                        double kc = k[row * K + c];
                        for (int j = 0; j < V; j++) s[c][j] = decay * s[c][j] + kc * v[row * V + j];
                    }
                    output(s, q, row, K, V, scale, o);
                }
                store(s, b, h, H, K, V, last);
            }
        }
        return new Result(o, last);
    }

    /** {@code S_t = exp(g_t) (I - β_t k_t k_tᵀ) S_(t-1) + β_t k_t v_tᵀ}, {@code o_t = S_tᵀ (scale q_t)}; {@code g} may be null. */
    static Result delta(int B, int T, int H, int K, int V, double[] q, double[] k, double[] v, double[] beta, double[] g,
                        double scale, double[] initial) {
        double[] o = new double[B * T * H * V], last = new double[B * H * K * V];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                double[][] s = initialState(b, h, H, K, V, initial);
                for (int t = 0; t < T; t++) {
                    int row = (b * T + t) * H + h;
                    double gamma = g == null ? 1 : Math.exp(g[row]), bt = beta[row];
                    // S <- gamma S; then S <- S - bt k (kᵀ S) + bt k vᵀ
                    for (double[] r : s) for (int j = 0; j < V; j++) r[j] *= gamma;
                    double[] ks = new double[V];
                    for (int c = 0; c < K; c++) for (int j = 0; j < V; j++) ks[j] += k[row * K + c] * s[c][j];
                    for (int c = 0; c < K; c++) {
                        double kc = k[row * K + c];
                        for (int j = 0; j < V; j++) s[c][j] += bt * kc * (v[row * V + j] - ks[j]);
                    }
                    output(s, q, row, K, V, scale, o);
                }
                store(s, b, h, H, K, V, last);
            }
        }
        return new Result(o, last);
    }

    private static double[][] initialState(int b, int h, int H, int K, int V, double[] initial) {
        double[][] s = new double[K][V];
        if (initial != null) {
            for (int c = 0; c < K; c++) for (int j = 0; j < V; j++) s[c][j] = initial[((b * H + h) * K + c) * V + j];
        }
        return s;
    }

    private static void output(double[][] s, double[] q, int row, int K, int V, double scale, double[] o) {
        for (int j = 0; j < V; j++) {
            double acc = 0;
            for (int c = 0; c < K; c++) acc += scale * q[row * K + c] * s[c][j];
            o[row * V + j] = acc;
        }
    }

    private static void store(double[][] s, int b, int h, int H, int K, int V, double[] last) {
        for (int c = 0; c < K; c++) for (int j = 0; j < V; j++) last[((b * H + h) * K + c) * V + j] = s[c][j];
    }
}
