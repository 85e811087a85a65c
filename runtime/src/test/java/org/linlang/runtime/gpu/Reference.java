package org.linlang.runtime.gpu;

import java.util.Random;

/** float64 references written as plain loops, and the error measures the GPU tests use. */
final class Reference {
    private Reference() {}

    /**
     * The recurrence step by step in float64: decay, write (delta: read the decayed state first), read out.
     * Layouts [B, T, H, …]; g null (no decay), [B, T, H] (perChannel false) or [B, T, H, K]; beta null unless delta.
     * Returns the output [B, T, H, V] followed by the final state [B, H, K, V].
     */
    static double[][] recurrence(boolean delta, boolean perChannel, int B, int T, int H, int K, int V, double scale, float[] q, float[] k,
                                 float[] v, float[] g, float[] beta, float[] s0) {
        double[] o = new double[B * T * H * V];
        double[] fin = new double[B * H * K * V];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                double[][] S = new double[K][V];
                int sb = (b * H + h) * K * V;
                if (s0 != null) for (int i = 0; i < K; i++) for (int j = 0; j < V; j++) S[i][j] = s0[sb + i * V + j];
                for (int t = 0; t < T; t++) {
                    int row = (b * T + t) * H + h;
                    for (int i = 0; i < K; i++) {
                        double a = g == null ? 1 : Math.exp(perChannel ? g[row * K + i] : g[row]);
                        for (int j = 0; j < V; j++) S[i][j] *= a;
                    }
                    if (delta) {
                        for (int j = 0; j < V; j++) {
                            double ks = 0;
                            for (int i = 0; i < K; i++) ks += k[row * K + i] * S[i][j];
                            double u = beta[row] * (v[row * V + j] - ks);
                            for (int i = 0; i < K; i++) S[i][j] += k[row * K + i] * u;
                        }
                    } else {
                        for (int i = 0; i < K; i++) for (int j = 0; j < V; j++) S[i][j] += (double) k[row * K + i] * v[row * V + j];
                    }
                    for (int j = 0; j < V; j++) {
                        double acc = 0;
                        for (int i = 0; i < K; i++) acc += scale * q[row * K + i] * S[i][j];
                        o[row * V + j] = acc;
                    }
                }
                for (int i = 0; i < K; i++) for (int j = 0; j < V; j++) fin[sb + i * V + j] = S[i][j];
            }
        }
        return new double[][] {o, fin};
    }

    /** Causal softmax attention in float64 over [B, T, Hq, K] queries and [B, T, Hk, ·] keys and values. */
    static double[] attention(int B, int T, int Hq, int G, int K, int V, int window, double scale, float[] q, float[] k, float[] v) {
        return attention(B, T, T, Hq, G, K, V, window, scale, q, k, v, null, null);
    }

    /**
     * Causal attention over S ≥ T keys (a KV cache before the new tokens): query t sits at position
     * S − T + t (the bottom-right mask); {@code sinks} (one logit per query head) joins each
     * denominator without a value, {@code gate} multiplies the output by its sigmoid. Either may be null.
     */
    static double[] attention(int B, int T, int S, int Hq, int G, int K, int V, int window, double scale, float[] q, float[] k, float[] v,
                              float[] gate, float[] sinks) {
        int Hk = Hq / G;
        double[] o = new double[B * T * Hq * V];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int pos = S - T + t;
                for (int h = 0; h < Hq; h++) {
                    int hk = h / G;
                    int lo = window > 0 ? Math.max(0, pos - window + 1) : 0;
                    double[] s = new double[pos + 1];
                    double m = sinks == null ? Double.NEGATIVE_INFINITY : sinks[h];
                    for (int j = lo; j <= pos; j++) {
                        double d = 0;
                        for (int i = 0; i < K; i++) d += (double) q[((b * T + t) * Hq + h) * K + i] * k[((b * S + j) * Hk + hk) * K + i];
                        s[j] = d * scale;
                        m = Math.max(m, s[j]);
                    }
                    double sum = sinks == null ? 0 : Math.exp(sinks[h] - m);
                    for (int j = lo; j <= pos; j++) sum += Math.exp(s[j] - m);
                    for (int c = 0; c < V; c++) {
                        double acc = 0;
                        for (int j = lo; j <= pos; j++) acc += Math.exp(s[j] - m) / sum * v[((b * S + j) * Hk + hk) * V + c];
                        int at = ((b * T + t) * Hq + h) * V + c;
                        o[at] = gate == null ? acc : acc / (1 + Math.exp(-gate[at]));
                    }
                }
            }
        }
        return o;
    }

    /** rms(ref − x) / rms(ref); NaN anywhere gives +inf. */
    static double relRms(double[] ref, float[] x) {
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            if (Float.isNaN(x[i])) return Double.POSITIVE_INFINITY;
            num += (ref[i] - x[i]) * (ref[i] - x[i]);
            den += ref[i] * ref[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    static double maxAbs(double[] ref, float[] x) {
        double m = 0;
        for (int i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i] - x[i]));
        return m;
    }

    static float[] normal(Random r, int n, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * sd);
        return a;
    }

    /** Rounds to bf16 (nearest even), kept as f32 values: what a bf16 buffer holds. */
    static float[] bf16(float[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = Float.intBitsToFloat(bf16Bits(a[i]) << 16);
        return out;
    }

    static int bf16Bits(float f) {
        int u = Float.floatToRawIntBits(f);
        u += 0x7fff + ((u >>> 16) & 1);
        return u >>> 16;
    }
}
