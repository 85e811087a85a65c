package org.linlang.runtime.stdlib;

import static org.linlang.runtime.stdlib.LinHarness.close;
import static org.linlang.runtime.stdlib.LinHarness.read;
import static org.linlang.runtime.stdlib.LinHarness.tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * Whole std.nn layers against float64 loops written from the layers' published definitions (fla's
 * layers, transformers' Mamba2Mixer and Qwen3-Next attention, MiniMax's lightning attention): random weights are written to a checkpoint under the
 * checkpoint's tensor names, loaded with m.load(path), and the layer's output compared (rel. RMS ≤ 1e-5).
 */
class StdNnReferenceTest {
    static final int B = 2, T = 9, D = 12;

    @TempDir Path dir;
    private final LinHarness data = new LinHarness(31);
    private final Map<String, Tensor> weights = new LinkedHashMap<>();

    /** A random weight, registered for the checkpoint, and its values. */
    private double[] weight(String name, double lo, double hi, long... shape) {
        int n = 1;
        for (long s : shape) n *= (int) s;
        double[] w = data.uniform(n, lo, hi);
        weights.put(name, Creation.of(w, shape));
        return w;
    }

    private double[] run(String construct, double[] x) throws IOException {
        Path file = dir.resolve("layer.safetensors");
        SafeTensors.write(file, weights);
        try (Context context = Context.newBuilder("lin").allowIO(IOAccess.ALL).build()) {
            String code = "import std.nn.*\nfn f(x: [B, T, " + D + "]) {\n let m = " + construct + "\n m.load(\""
                    + file.toString().replace("\\", "/") + "\")\n return m(x)\n}\nf\n";
            Value f = context.eval(Source.newBuilder("lin", code, "reference_test.lin").buildLiteral());
            return read(f.execute(tensor(x, B, T, D)), B, T, D);
        }
    }

    // ---- float64 helpers over [rows, n] arrays ----------------------------------------------------

    /** y[r, o] = Σ_i x[r, i] · w[o, i]: torch's Linear without bias. */
    static double[] linear(double[] x, double[] w, int in, int out) {
        int rows = x.length / in;
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < out; o++) {
                double acc = 0;
                for (int i = 0; i < in; i++) acc += x[r * in + i] * w[o * in + i];
                y[r * out + o] = acc;
            }
        return y;
    }

    /** Causal depthwise conv over time of [B, T, C] with weight [C, 1, W] (and bias), zeros before the start. */
    static double[] conv(double[] x, double[] w, double[] bias, int C, int W) {
        double[] y = new double[x.length];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int c = 0; c < C; c++) {
                    double acc = bias == null ? 0 : bias[c];
                    for (int j = 0; j < W; j++) {
                        int s = t - (W - 1) + j;
                        if (s >= 0) acc += w[c * W + j] * x[(b * T + s) * C + c];
                    }
                    y[(b * T + t) * C + c] = acc;
                }
        return y;
    }

    static double silu(double v) { return v / (1 + Math.exp(-v)); }
    static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }
    static double softplus(double v) { return Math.log1p(Math.exp(v)); }

    static double[] map(double[] x, java.util.function.DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = f.applyAsDouble(x[i]);
        return y;
    }

    /** x · rsqrt(mean x² + eps) · w over rows of n. */
    static double[] rmsnorm(double[] x, double[] w, int n, double eps) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / n; r++) {
            double ss = 0;
            for (int i = 0; i < n; i++) ss += x[r * n + i] * x[r * n + i];
            double f = 1 / Math.sqrt(ss / n + eps);
            for (int i = 0; i < n; i++) y[r * n + i] = x[r * n + i] * f * w[i];
        }
        return y;
    }

    static double[] l2norm(double[] x, int n) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / n; r++) {
            double ss = 0;
            for (int i = 0; i < n; i++) ss += x[r * n + i] * x[r * n + i];
            for (int i = 0; i < n; i++) y[r * n + i] = x[r * n + i] / Math.sqrt(ss + 1e-6);
        }
        return y;
    }

    // ---- layers ------------------------------------------------------------------------------------

    @Test
    void gatedDeltaNetAsFlaDefinesIt() throws IOException {
        int H = 2, dk = 5, dv = 7, W = 4;
        double[] wq = weight("q_proj.weight", -0.4, 0.4, H * dk, D), wk = weight("k_proj.weight", -0.4, 0.4, H * dk, D);
        double[] wv = weight("v_proj.weight", -0.4, 0.4, H * dv, D), wa = weight("a_proj.weight", -0.4, 0.4, H, D);
        double[] wb = weight("b_proj.weight", -0.4, 0.4, H, D), aLog = weight("A_log", -1, 0.5, H), dtBias = weight("dt_bias", -1, 1, H);
        double[] cq = weight("q_conv1d.weight", -0.6, 0.6, H * dk, 1, W), ck = weight("k_conv1d.weight", -0.6, 0.6, H * dk, 1, W);
        double[] cv = weight("v_conv1d.weight", -0.6, 0.6, H * dv, 1, W), wg = weight("g_proj.weight", -0.4, 0.4, H * dv, D);
        double[] norm = weight("o_norm.weight", 0.5, 1.5, dv), wo = weight("o_proj.weight", -0.4, 0.4, D, H * dv);
        double[] x = data.normal(B * T * D);

        double[] q = l2norm(map(conv(linear(x, wq, D, H * dk), cq, null, H * dk, W), StdNnReferenceTest::silu), dk);
        double[] k = l2norm(map(conv(linear(x, wk, D, H * dk), ck, null, H * dk, W), StdNnReferenceTest::silu), dk);
        double[] v = map(conv(linear(x, wv, D, H * dv), cv, null, H * dv, W), StdNnReferenceTest::silu);
        double[] a = linear(x, wa, D, H), beta = map(linear(x, wb, D, H), StdNnReferenceTest::sigmoid);
        double[] g = new double[B * T * H];
        for (int i = 0; i < g.length; i++) g[i] = -Math.exp(aLog[i % H]) * softplus(a[i] + dtBias[i % H]);
        double[] o = org.linlang.runtime.truffle.OpsReference.recurrence(org.linlang.runtime.truffle.OpsReference.Kind.GATED_DELTA,
                q, k, v, g, beta, null, B, T, H, dk, dv, 1 / Math.sqrt(dk)).o();
        double[] gate = linear(x, wg, D, H * dv);
        double[] normed = rmsnorm(o, norm, dv, 1e-5);
        for (int i = 0; i < normed.length; i++) normed[i] *= silu(gate[i]);
        double[] ref = linear(normed, wo, H * dv, D);

        close(ref, run("GatedDeltaNet(12, 2, 5, 7, 4)", x), 1e-5, "GatedDeltaNet");
    }

    @Test
    void mamba2AsTransformersDefinesIt() throws IOException {
        int H = 4, P = 3, N = 5, G = 2, W = 3;
        int convDim = H * P + 2 * G * N, inDim = 2 * H * P + 2 * G * N + H;
        double[] win = weight("in_proj.weight", -0.4, 0.4, inDim, D);
        double[] cw = weight("conv1d.weight", -0.6, 0.6, convDim, 1, W), cb = weight("conv1d.bias", -0.2, 0.2, convDim);
        double[] dtBias = weight("dt_bias", -1, 1, H), aLog = weight("A_log", -1, 0.7, H), dSkip = weight("D", 0.5, 1.5, H);
        double[] norm = weight("norm.weight", 0.5, 1.5, H * P), wout = weight("out_proj.weight", -0.4, 0.4, D, H * P);
        double[] x = data.normal(B * T * D);

        double[] zxbcdt = linear(x, win, D, inDim);
        double[] xbc = new double[B * T * convDim];
        for (int r = 0; r < B * T; r++) System.arraycopy(zxbcdt, r * inDim + H * P, xbc, r * convDim, convDim);
        xbc = map(conv(xbc, cw, cb, convDim, W), StdNnReferenceTest::silu);
        double[] y = new double[B * T * H * P];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                int group = h / (H / G);
                double[][] S = new double[N][P];
                for (int t = 0; t < T; t++) {
                    int r = b * T + t;
                    double dt = softplus(zxbcdt[r * inDim + 2 * H * P + 2 * G * N + h] + dtBias[h]);
                    double decay = Math.exp(-Math.exp(aLog[h]) * dt);
                    for (int n = 0; n < N; n++) {
                        double bn = xbc[r * convDim + H * P + group * N + n];
                        for (int p = 0; p < P; p++) S[n][p] = decay * S[n][p] + bn * dt * xbc[r * convDim + h * P + p];
                    }
                    for (int p = 0; p < P; p++) {
                        double acc = 0;
                        for (int n = 0; n < N; n++) acc += xbc[r * convDim + H * P + G * N + group * N + n] * S[n][p];
                        y[r * H * P + h * P + p] = acc + dSkip[h] * xbc[r * convDim + h * P + p];
                    }
                }
            }
        }
        for (int r = 0; r < B * T; r++)
            for (int c = 0; c < H * P; c++) y[r * H * P + c] *= silu(zxbcdt[r * inDim + c]);
        double[] ref = linear(rmsnorm(y, norm, H * P, 1e-5), wout, H * P, D);

        close(ref, run("Mamba2(12, 4, 3, 5, 2, 3)", x), 1e-5, "Mamba2");
    }

    @Test
    void gatedAttentionAsQwen3NextDefinesIt() throws IOException {
        int Hk = 1, G = 3, H = Hk * G, hd = 6, rotary = 4;
        double[] wq = weight("q_proj.weight", -0.4, 0.4, H * 2 * hd, D), wk = weight("k_proj.weight", -0.4, 0.4, Hk * hd, D);
        double[] wv = weight("v_proj.weight", -0.4, 0.4, Hk * hd, D), wo = weight("o_proj.weight", -0.4, 0.4, D, H * hd);
        double[] qn = weight("q_norm.weight", -0.3, 0.3, hd), kn = weight("k_norm.weight", -0.3, 0.3, hd);
        double[] x = data.normal(B * T * D);

        double[] qg = linear(x, wq, D, H * 2 * hd);
        double[] qRaw = new double[B * T * H * hd], gate = new double[B * T * H * hd];
        for (int r = 0; r < B * T * H; r++) {
            System.arraycopy(qg, r * 2 * hd, qRaw, r * hd, hd);           // per head: the query, then its gate
            System.arraycopy(qg, r * 2 * hd + hd, gate, r * hd, hd);
        }
        double[] positions = new double[B * T];
        for (int i = 0; i < positions.length; i++) positions[i] = i % T;
        double[] q = org.linlang.runtime.truffle.OpsReference.rope(StdlibReference.zeroCenteredRmsnorm(qRaw, qn, hd, 1e-6), positions,
                B, T, H, hd, rotary, 10000.0);
        double[] k = org.linlang.runtime.truffle.OpsReference.rope(StdlibReference.zeroCenteredRmsnorm(linear(x, wk, D, Hk * hd), kn, hd, 1e-6),
                positions, B, T, Hk, hd, rotary, 10000.0);
        double[] v = linear(x, wv, D, Hk * hd);
        double[] o = StdlibReference.attention(q, k, v, gate, null, B, T, T, Hk, G, 0, hd, hd, 1 / Math.sqrt(hd));
        double[] ref = linear(o, wo, H * hd, D);

        close(ref, run("GatedAttention(12, 1, 3, 6, 4)", x), 1e-5, "GatedAttention");
    }

    private static double[] recurrence(org.linlang.runtime.truffle.OpsReference.Kind kind, double[] q, double[] k, double[] v,
                                       double[] g, double[] beta, int H, int K, int V, double scale) {
        return org.linlang.runtime.truffle.OpsReference.recurrence(kind, q, k, v, g, beta, null, B, T, H, K, V, scale).o();
    }

    /** rmsnorm(o) · silu(gate) per head of `dv`, then o_proj. */
    private static double[] gatedOutput(double[] o, double[] gate, double[] norm, double[] wo, int H, int dv, double eps) {
        double[] normed = rmsnorm(o, norm, dv, eps);
        for (int i = 0; i < normed.length; i++) normed[i] *= silu(gate[i]);
        return linear(normed, wo, H * dv, D);
    }

    @Test
    void gatedLinearAttentionAsFlaDefinesIt() throws IOException {
        int H = 2, dk = 5, dv = 7, r = 4;
        double[] wq = weight("q_proj.weight", -0.4, 0.4, H * dk, D), wk = weight("k_proj.weight", -0.4, 0.4, H * dk, D);
        double[] wv = weight("v_proj.weight", -0.4, 0.4, H * dv, D), wg = weight("g_proj.weight", -0.4, 0.4, H * dv, D);
        double[] w0 = weight("gk_proj_0.weight", -0.4, 0.4, r, D), w1 = weight("gk_proj_1.weight", -0.4, 0.4, H * dk, r);
        double[] b1 = weight("gk_proj_1.bias", -0.5, 0.5, H * dk);
        double[] norm = weight("g_norm_swish_gate.weight", 0.5, 1.5, dv), wo = weight("o_proj.weight", -0.4, 0.4, D, H * dv);
        double[] x = data.normal(B * T * D);
        double[] gk = linear(linear(x, w0, D, r), w1, r, H * dk);
        for (int i = 0; i < gk.length; i++) gk[i] = Math.log(sigmoid(gk[i] + b1[i % (H * dk)])) / 16;
        double[] o = recurrence(org.linlang.runtime.truffle.OpsReference.Kind.GLA, linear(x, wq, D, H * dk), linear(x, wk, D, H * dk),
                linear(x, wv, D, H * dv), gk, null, H, dk, dv, 1 / Math.sqrt(dk));
        double[] ref = gatedOutput(o, linear(x, wg, D, H * dv), norm, wo, H, dv, 1e-5);
        close(ref, run("GatedLinearAttention(12, 2, 5, 7, 4)", x), 1e-5, "GatedLinearAttention");
    }

    @Test
    void lightningAttentionAsMiniMaxDefinesIt() throws IOException {
        int H = 2, hd = 5, layer = 1, layers = 3;
        double[] wqkv = weight("qkv_proj.weight", -0.4, 0.4, 3 * H * hd, D), wgate = weight("output_gate.weight", -0.4, 0.4, H * hd, D);
        double[] norm = weight("norm.weight", 0.5, 1.5, H * hd), wout = weight("out_proj.weight", -0.4, 0.4, D, H * hd);
        double[] x = data.normal(B * T * D);
        double[] qkv = map(linear(x, wqkv, D, 3 * H * hd), StdNnReferenceTest::silu);
        double[] q = new double[B * T * H * hd], k = new double[q.length], v = new double[q.length], g = new double[B * T * H];
        for (int row = 0; row < B * T * H; row++) {               // per head: q, k, v side by side
            System.arraycopy(qkv, row * 3 * hd, q, row * hd, hd);
            System.arraycopy(qkv, row * 3 * hd + hd, k, row * hd, hd);
            System.arraycopy(qkv, row * 3 * hd + 2 * hd, v, row * hd, hd);
            int h = row % H;
            g[row] = -Math.pow(Math.pow(2, -8.0 / H), h + 1) * (1 - layer / (layers - 1 + 1e-5) + 1e-5);
        }
        double[] o = rmsnorm(recurrence(org.linlang.runtime.truffle.OpsReference.Kind.SIMPLE_GLA, q, k, v, g, null, H, hd, hd, 1.0),
                norm, H * hd, 1e-5);
        double[] gate = linear(x, wgate, D, H * hd);
        for (int i = 0; i < o.length; i++) o[i] *= sigmoid(gate[i]);
        close(linear(o, wout, H * hd, D), run("LightningAttention(12, 2, 5, 1, 3)", x), 1e-5, "LightningAttention");
    }

    @Test
    void multiScaleRetentionAsFlaDefinesIt() throws IOException {
        int H = 2, dk = 6, dv = 7;
        double[] wq = weight("q_proj.weight", -0.4, 0.4, H * dk, D), wk = weight("k_proj.weight", -0.4, 0.4, H * dk, D);
        double[] wv = weight("v_proj.weight", -0.4, 0.4, H * dv, D), wg = weight("g_proj.weight", -0.4, 0.4, H * dv, D);
        double[] norm = weight("g_norm_swish_gate.weight", 0.5, 1.5, dv), wo = weight("o_proj.weight", -0.4, 0.4, D, H * dv);
        double[] x = data.normal(B * T * D);
        double[] positions = new double[B * T];
        for (int i = 0; i < positions.length; i++) positions[i] = i % T;
        double[] q = org.linlang.runtime.truffle.OpsReference.rope(linear(x, wq, D, H * dk), positions, B, T, H, dk, dk, 10000.0);
        double[] k = org.linlang.runtime.truffle.OpsReference.rope(linear(x, wk, D, H * dk), positions, B, T, H, dk, dk, 10000.0);
        double[] g = new double[B * T * H];
        for (int i = 0; i < g.length; i++) g[i] = Math.log(1 - Math.pow(2, -5 - (i % H)));
        double[] o = recurrence(org.linlang.runtime.truffle.OpsReference.Kind.SIMPLE_GLA, q, k, linear(x, wv, D, H * dv), g, null, H, dk, dv,
                1 / Math.sqrt(dk));
        close(gatedOutput(o, linear(x, wg, D, H * dv), norm, wo, H, dv, 1e-5), run("MultiScaleRetention(12, 2, 6, 7)", x), 1e-5,
                "MultiScaleRetention");
    }

    @Test
    void sharedExpertMoeAsQwenDefinesIt() throws IOException {
        int E = 4, hidden = 5, shared = 6, k = 2;
        double[] router = weight("gate.weight", -0.8, 0.8, E, D);
        double[][][] experts = new double[E][][];
        for (int e = 0; e < E; e++) {
            experts[e] = new double[][] {weight("experts." + e + ".gate_proj.weight", -0.4, 0.4, hidden, D),
                weight("experts." + e + ".up_proj.weight", -0.4, 0.4, hidden, D), weight("experts." + e + ".down_proj.weight", -0.4, 0.4, D, hidden)};
        }
        double[][] sharedExpert = {weight("shared_expert.gate_proj.weight", -0.4, 0.4, shared, D),
            weight("shared_expert.up_proj.weight", -0.4, 0.4, shared, D), weight("shared_expert.down_proj.weight", -0.4, 0.4, D, shared)};
        double[] sharedGate = weight("shared_expert_gate.weight", -0.4, 0.4, 1, D);
        double[] x = data.normal(B * T * D);
        double[] w = StdlibReference.moeRouting(linear(x, router, D, E), E, k, true);
        double[] ref = new double[B * T * D];
        double[] s = mlp(x, sharedExpert, shared), sg = linear(x, sharedGate, D, 1);
        for (int i = 0; i < ref.length; i++) ref[i] = sigmoid(sg[i / D]) * s[i];
        for (int e = 0; e < E; e++) {
            double[] y = mlp(x, experts[e], hidden);
            for (int i = 0; i < ref.length; i++) ref[i] += w[(i / D) * E + e] * y[i];
        }
        close(ref, run("SharedExpertMoE(12, 5, 4, 6, 2)", x), 1e-5, "SharedExpertMoE");
    }

    /** down(silu(gate(x)) · up(x)). */
    private static double[] mlp(double[] x, double[][] w, int hidden) {
        double[] gate = linear(x, w[0], D, hidden), up = linear(x, w[1], D, hidden);
        for (int i = 0; i < gate.length; i++) gate[i] = silu(gate[i]) * up[i];
        return linear(gate, w[2], hidden, D);
    }

    @Test
    void hgrn2AsFlaDefinesIt() throws IOException {
        int H = 3, hd = 4, e = 5;
        double[] wq = weight("q_proj.weight", -0.4, 0.4, H * e, D), wf = weight("f_proj.weight", -0.4, 0.4, H * e, D);
        double[] wi = weight("i_proj.weight", -0.4, 0.4, H * hd, D), norm = weight("g_norm.weight", 0.5, 1.5, H * hd);
        double[] wo = weight("o_proj.weight", -0.4, 0.4, D, H * hd);
        double[] x = data.normal(B * T * D);
        double[] q = map(linear(x, wq, D, H * e), StdNnReferenceTest::silu);
        double[] g = map(linear(x, wf, D, H * e), f -> Math.log(sigmoid(f)));
        double[] o = StdlibReference.hgrn2(q, linear(x, wi, D, H * hd), g, null, null, B, T, H, e, hd, 1 / Math.sqrt(e));
        close(linear(rmsnorm(o, norm, H * hd, 1e-5), wo, H * hd, D), run("HGRN2(12, 3, 4, 5)", x), 1e-5, "HGRN2");
    }

    @Test
    void ligerAttentionMixesWindowedSoftmaxAndGla() throws IOException {
        int Hk = 1, G = 2, H = Hk * G, hd = 4, window = 3;
        double[] wq = weight("q_proj.weight", -0.4, 0.4, H * hd, D), wk = weight("k_proj.weight", -0.4, 0.4, Hk * hd, D);
        double[] wv = weight("v_proj.weight", -0.4, 0.4, Hk * hd, D), wo = weight("o_proj.weight", -0.4, 0.4, D, H * hd);
        double[] x = data.normal(B * T * D);
        double[] q = linear(x, wq, D, H * hd), k = linear(x, wk, D, Hk * hd), v = linear(x, wv, D, Hk * hd);
        // Linear branch over the query heads: k and v repeated per group, softmax feature maps, gate log σ(k) / 16.
        double[] kg = new double[B * T * H * hd], vg = new double[kg.length];
        for (int row = 0; row < B * T; row++)
            for (int h = 0; h < H; h++) {
                System.arraycopy(k, (row * Hk + h / G) * hd, kg, (row * H + h) * hd, hd);
                System.arraycopy(v, (row * Hk + h / G) * hd, vg, (row * H + h) * hd, hd);
            }
        double[] gk = map(kg, z -> Math.log(sigmoid(z)) / 16);
        double[] linear = recurrence(org.linlang.runtime.truffle.OpsReference.Kind.GLA, softmaxRows(q, hd), softmaxRows(kg, hd), vg, gk,
                null, H, hd, hd, 1.0);
        double[] positions = new double[B * T];
        for (int i = 0; i < positions.length; i++) positions[i] = i % T;
        double[] attention = StdlibReference.attention(
                org.linlang.runtime.truffle.OpsReference.rope(q, positions, B, T, H, hd, hd, 10000.0),
                org.linlang.runtime.truffle.OpsReference.rope(k, positions, B, T, Hk, hd, hd, 10000.0), v, null, null,
                B, T, T, Hk, G, window, hd, hd, 1 / Math.sqrt(hd));
        double[] mixed = new double[attention.length];
        for (int i = 0; i < mixed.length; i++) mixed[i] = 0.3 * attention[i] + 0.7 * linear[i];
        close(linear(mixed, wo, H * hd, D), run("LigerAttention(12, 1, 2, 4, window = 3, alpha = 0.3)", x), 1e-5, "LigerAttention");
    }

    private static double[] softmaxRows(double[] x, int n) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / n; r++) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int i = 0; i < n; i++) max = Math.max(max, x[r * n + i]);
            for (int i = 0; i < n; i++) z += (y[r * n + i] = Math.exp(x[r * n + i] - max));
            for (int i = 0; i < n; i++) y[r * n + i] /= z;
        }
        return y;
    }

    @Test
    void linearAttentionWithElu1FeatureMaps() throws IOException {
        int H = 2, dk = 5, dv = 7;
        double[] wq = weight("q_proj.weight", -0.4, 0.4, H * dk, D), wk = weight("k_proj.weight", -0.4, 0.4, H * dk, D);
        double[] wv = weight("v_proj.weight", -0.4, 0.4, H * dv, D), norm = weight("norm.weight", 0.5, 1.5, dv);
        double[] wo = weight("o_proj.weight", -0.4, 0.4, D, H * dv);
        double[] x = data.normal(B * T * D);
        double[] o = recurrence(org.linlang.runtime.truffle.OpsReference.Kind.LINEAR, StdlibReference.elu1(linear(x, wq, D, H * dk)),
                StdlibReference.elu1(linear(x, wk, D, H * dk)), linear(x, wv, D, H * dv), null, null, H, dk, dv, 1 / Math.sqrt(dk));
        close(linear(rmsnorm(o, norm, dv, 1e-5), wo, H * dv, D), run("LinearAttention(12, 2, 5, 7)", x), 1e-5, "LinearAttention");
    }

    @Test
    void attentionAsQwen3DefinesItWithAWindow() throws IOException {
        int Hk = 2, G = 2, H = Hk * G, hd = 6, rotary = 4, window = 4;
        double[] wq = weight("q_proj.weight", -0.4, 0.4, H * hd, D), wk = weight("k_proj.weight", -0.4, 0.4, Hk * hd, D);
        double[] wv = weight("v_proj.weight", -0.4, 0.4, Hk * hd, D), wo = weight("o_proj.weight", -0.4, 0.4, D, H * hd);
        double[] qn = weight("q_norm.weight", 0.5, 1.5, hd), kn = weight("k_norm.weight", 0.5, 1.5, hd);
        double[] x = data.normal(B * T * D);
        double[] positions = new double[B * T];
        for (int i = 0; i < positions.length; i++) positions[i] = i % T;
        double[] q = org.linlang.runtime.truffle.OpsReference.rope(rmsnorm(linear(x, wq, D, H * hd), qn, hd, 1e-6), positions,
                B, T, H, hd, rotary, 10000.0);
        double[] k = org.linlang.runtime.truffle.OpsReference.rope(rmsnorm(linear(x, wk, D, Hk * hd), kn, hd, 1e-6), positions,
                B, T, Hk, hd, rotary, 10000.0);
        double[] o = StdlibReference.attention(q, k, linear(x, wv, D, Hk * hd), null, null, B, T, T, Hk, G, window, hd, hd, 1 / Math.sqrt(hd));
        close(linear(o, wo, H * hd, D), run("Attention(12, 2, 2, 6, 4, window = 4, qk_norm = true)", x), 1e-5, "Attention");
    }

    @Test
    void deltaNetAsFlaDefinesIt() throws IOException {
        int H = 2, dk = 5, dv = 7, W = 3;
        double[] wq = weight("q_proj.weight", -0.4, 0.4, H * dk, D), wk = weight("k_proj.weight", -0.4, 0.4, H * dk, D);
        double[] wv = weight("v_proj.weight", -0.4, 0.4, H * dv, D), wb = weight("b_proj.weight", -0.4, 0.4, H, D);
        double[] cq = weight("q_conv1d.weight", -0.6, 0.6, H * dk, 1, W), ck = weight("k_conv1d.weight", -0.6, 0.6, H * dk, 1, W);
        double[] cv = weight("v_conv1d.weight", -0.6, 0.6, H * dv, 1, W);
        double[] norm = weight("o_norm.weight", 0.5, 1.5, dv), wo = weight("o_proj.weight", -0.4, 0.4, D, H * dv);
        double[] x = data.normal(B * T * D);
        double[] q = l2norm(map(conv(linear(x, wq, D, H * dk), cq, null, H * dk, W), StdNnReferenceTest::silu), dk);
        double[] k = l2norm(map(conv(linear(x, wk, D, H * dk), ck, null, H * dk, W), StdNnReferenceTest::silu), dk);
        double[] v = map(conv(linear(x, wv, D, H * dv), cv, null, H * dv, W), StdNnReferenceTest::silu);
        double[] o = recurrence(org.linlang.runtime.truffle.OpsReference.Kind.DELTA, q, k, v, null,
                map(linear(x, wb, D, H), StdNnReferenceTest::sigmoid), H, dk, dv, 1 / Math.sqrt(dk));
        close(linear(rmsnorm(o, norm, dv, 1e-5), wo, H * dv, D), run("DeltaNet(12, 2, 5, 7, 3)", x), 1e-5, "DeltaNet");
    }

    @Test
    void hedgehogLinearAttention() throws IOException {
        int H = 2, dk = 3, dv = 4;
        double[] wq = weight("q_proj.weight", -0.4, 0.4, H * dk, D), wk = weight("k_proj.weight", -0.4, 0.4, H * dk, D);
        double[] wv = weight("v_proj.weight", -0.4, 0.4, H * dv, D);
        double[] fqw = weight("feature_map_q.layer.weight", -0.8, 0.8, dk, dk), fqb = weight("feature_map_q.layer.bias", -0.3, 0.3, dk);
        double[] fkw = weight("feature_map_k.layer.weight", -0.8, 0.8, dk, dk), fkb = weight("feature_map_k.layer.bias", -0.3, 0.3, dk);
        double[] norm = weight("norm.weight", 0.5, 1.5, dv), wo = weight("o_proj.weight", -0.4, 0.4, D, H * dv);
        double[] x = data.normal(B * T * D);
        double[] q = StdlibReference.hedgehog(linear(x, wq, D, H * dk), fqw, fqb, dk);
        double[] k = StdlibReference.hedgehog(linear(x, wk, D, H * dk), fkw, fkb, dk);
        double[] o = recurrence(org.linlang.runtime.truffle.OpsReference.Kind.LINEAR, q, k, linear(x, wv, D, H * dv), null, null,
                H, 2 * dk, dv, 1 / Math.sqrt(2 * dk));
        close(linear(rmsnorm(o, norm, dv, 1e-5), wo, H * dv, D), run("HedgehogLinearAttention(12, 2, 3, 4)", x), 1e-5,
                "HedgehogLinearAttention");
    }
}
