package org.linlang.runtime.stdlib;

import static org.linlang.runtime.stdlib.LinHarness.close;
import static org.linlang.runtime.stdlib.LinHarness.read;
import static org.linlang.runtime.stdlib.LinHarness.tensor;

import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linlang.runtime.truffle.OpsReference;

/**
 * The std.ops operations added for the families of std.nn — feature maps, HGRN2, softmax attention over a
 * KV cache, zero-centred RMSNorm, MoE routing — against float64 loops, at awkward sizes (T = 19, not a
 * multiple of 16; K = 5, V = 7; B = 2; three heads), with and without initial states; then identities
 * between the recurrences. Relative RMS error ≤ 1e-5 (f32).
 */
class StdlibOpsTest {
    static final int B = 2, T = 19, H = 3, K = 5, V = 7;
    static final double TOL = 1e-5;
    static final String OPS = "import std.ops.*";

    private static LinHarness lin;

    @BeforeAll
    static void start() {
        lin = new LinHarness(20251207);
    }

    @AfterAll
    static void stop() {
        lin.close();
    }

    @Test
    void zeroCenteredRmsnormScalesByOnePlusWeight() {
        double[] x = lin.normal(B * T * K), w = lin.uniform(K, -0.5, 0.5);
        Value r = lin.fn(OPS, "fn f(x, w) = zero_centered_rmsnorm(x, w)").execute(tensor(x, B, T, K), tensor(w, K));
        close(StdlibReference.zeroCenteredRmsnorm(x, w, K, 1e-6), read(r, B, T, K), TOL, "zero_centered_rmsnorm");
    }

    @Test
    void featureMapsByName() {
        double[] x = lin.normal(B * T * H * K);
        Value elu1 = lin.fn(OPS, "fn f(x) = feature_map(x, \"elu1\")").execute(tensor(x, B, T, H, K));
        close(StdlibReference.elu1(x), read(elu1, B, T, H, K), TOL, "feature_map elu1");
        Value relu = lin.fn(OPS, "fn f(x) = feature_map(x, \"relu\")").execute(tensor(x, B, T, H, K));
        close(StdlibReference.relu(x), read(relu, B, T, H, K), TOL, "feature_map relu");
        Value identity = lin.fn(OPS, "fn f(x) = feature_map(x)").execute(tensor(x, B, T, H, K));
        close(x, read(identity, B, T, H, K), 0, "feature_map identity");
    }

    @Test
    void hedgehogIsASoftmaxOverTheMapAndItsNegation() {
        double[] x = lin.normal(B * T * H * K), w = lin.normal(K * K), b = lin.normal(K);
        Value r = lin.fn(OPS, "fn f(x, w, b) = hedgehog(x, w, b)").execute(tensor(x, B, T, H, K), tensor(w, K, K), tensor(b, K));
        close(StdlibReference.hedgehog(x, w, b, K), read(r, B, T, H, 2 * K), TOL, "hedgehog");
    }

    @Test
    void hgrn2WithAndWithoutAnInitialState() {
        double[] q = lin.normal(B * T * H * K), v = lin.normal(B * T * H * V), gk = lin.uniform(B * T * H * K, -2, -0.02);
        double[] s0 = lin.normal(B * H * K * V);
        double scale = 1 / Math.sqrt(K);
        Value plain = lin.fn(OPS, "fn f(q, v, g) = hgrn2(q, v, g, output_final_state = true)")
                .execute(tensor(q, B, T, H, K), tensor(v, B, T, H, V), tensor(gk, B, T, H, K));
        double[] fin = new double[B * H * K * V];
        close(StdlibReference.hgrn2(q, v, gk, null, fin, B, T, H, K, V, scale), read(plain.getArrayElement(0), B, T, H, V), TOL, "hgrn2");
        close(fin, read(plain.getArrayElement(1), B, H, K, V), TOL, "hgrn2 final state");
        Value from = lin.fn(OPS, "fn f(q, v, g, s) = hgrn2(q, v, g, initial_state = s, output_final_state = true)")
                .execute(tensor(q, B, T, H, K), tensor(v, B, T, H, V), tensor(gk, B, T, H, K), tensor(s0, B, H, K, V));
        close(StdlibReference.hgrn2(q, v, gk, s0, fin, B, T, H, K, V, scale), read(from.getArrayElement(0), B, T, H, V), TOL,
                "hgrn2 from an initial state");
        close(fin, read(from.getArrayElement(1), B, H, K, V), TOL, "hgrn2 final state from an initial state");
    }

    @Test
    void hgrn2InTwoChainedCallsIsOneCall() {
        double[] q = lin.normal(B * T * H * K), v = lin.normal(B * T * H * V), gk = lin.uniform(B * T * H * K, -2, -0.02);
        Value r = lin.fn(OPS, """
                fn f(q: [B, T, H, K], v: [B, T, H, V], g: [B, T, H, K]) {
                    let (whole, last) = hgrn2(q, v, g, output_final_state = true)
                    let (first, mid) = hgrn2(q[:, 0:8], v[:, 0:8], g[:, 0:8], output_final_state = true)
                    let (second, end) = hgrn2(q[:, 8:], v[:, 8:], g[:, 8:], initial_state = mid, output_final_state = true)
                    return (whole, concat(first, second, axis = 1), last, end)
                }""").execute(tensor(q, B, T, H, K), tensor(v, B, T, H, V), tensor(gk, B, T, H, K));
        close(read(r.getArrayElement(0), B, T, H, V), read(r.getArrayElement(1), B, T, H, V), 1e-6, "hgrn2 in two calls");
        close(read(r.getArrayElement(2), B, H, K, V), read(r.getArrayElement(3), B, H, K, V), 1e-6, "hgrn2's final state in two calls");
    }

    @Test
    void hgrn2IsGlaWithTheComplementOfItsGateAsKey() {
        double[] q = lin.normal(B * T * H * K), v = lin.normal(B * T * H * V), gk = lin.uniform(B * T * H * K, -2, -0.02);
        Value both = lin.fn(OPS, "fn f(q, v, g) = (hgrn2(q, v, g), gla(q, 1.0 - exp(g), v, g))")
                .execute(tensor(q, B, T, H, K), tensor(v, B, T, H, V), tensor(gk, B, T, H, K));
        close(read(both.getArrayElement(1), B, T, H, V), read(both.getArrayElement(0), B, T, H, V), 1e-6, "hgrn2 vs gla");
    }

    @Test
    void glaWithAGateConstantOverKeysIsSimpleGla() {
        double[] q = lin.normal(B * T * H * K), k = lin.normal(B * T * H * K), v = lin.normal(B * T * H * V);
        double[] g = lin.uniform(B * T * H, -1.5, -0.01), s0 = lin.normal(B * H * K * V);
        Value both = lin.fn(OPS, """
                fn f(q, k, v, g: [B, T, H], s) = (gla(q, k, v, (g as [B, T, H, 1]) * ones([5]), initial_state = s, output_final_state = true),
                                       simple_gla(q, k, v, g, initial_state = s, output_final_state = true))""")
                .execute(tensor(q, B, T, H, K), tensor(k, B, T, H, K), tensor(v, B, T, H, V), tensor(g, B, T, H), tensor(s0, B, H, K, V));
        Value gla = both.getArrayElement(0), simple = both.getArrayElement(1);
        close(read(simple.getArrayElement(0), B, T, H, V), read(gla.getArrayElement(0), B, T, H, V), 1e-6, "gla(constant gk) vs simple_gla");
        close(read(simple.getArrayElement(1), B, H, K, V), read(gla.getArrayElement(1), B, H, K, V), 1e-6, "their final states");
        // And both agree with the float64 recurrence.
        double[] ref = OpsReference.recurrence(OpsReference.Kind.SIMPLE_GLA, q, k, v, g, null, s0, B, T, H, K, V, 1 / Math.sqrt(K)).o();
        close(ref, read(simple.getArrayElement(0), B, T, H, V), TOL, "simple_gla vs the reference");
    }

    @Test
    void softmaxAttentionOverAKvCacheAlignsQueriesBottomRight() {
        int Tq = 5, S = 13, Hk = 2, G = 3;
        double[] q = lin.normal(B * Tq * Hk * G * K), k = lin.normal(B * S * Hk * K), v = lin.normal(B * S * Hk * V);
        double scale = 1 / Math.sqrt(K);
        for (int window : new int[] {0, 1, 4, S}) {
            Value r = lin.fn(OPS, "fn f(q, k, v) = softmax_attn(q, k, v, G = 3, window = " + window + ")")
                    .execute(tensor(q, B, Tq, Hk * G, K), tensor(k, B, S, Hk, K), tensor(v, B, S, Hk, V));
            close(StdlibReference.attention(q, k, v, null, null, B, Tq, S, Hk, G, window, K, V, scale),
                    read(r, B, Tq, Hk * G, V), TOL, "softmax_attn over a cache, window " + window);
        }
    }

    @Test
    void theLastQueriesOverACacheAreTheLastRowsOfFullAttention() {
        int S = 11, Tq = 4, Hk = 2, G = 2;
        double[] q = lin.normal(B * S * Hk * G * K), k = lin.normal(B * S * Hk * K), v = lin.normal(B * S * Hk * V);
        Value both = lin.fn(OPS, "fn f(q, k, v) = (softmax_attn(q, k, v, G = 2, window = 3), softmax_attn(q[:, 7:], k, v, G = 2, window = 3))")
                .execute(tensor(q, B, S, Hk * G, K), tensor(k, B, S, Hk, K), tensor(v, B, S, Hk, V));
        double[] full = read(both.getArrayElement(0), B, S, Hk * G, V);
        double[] tail = new double[B * Tq * Hk * G * V];
        int row = Hk * G * V;
        for (int b = 0; b < B; b++) System.arraycopy(full, (b * S + S - Tq) * row, tail, b * Tq * row, Tq * row);
        close(tail, read(both.getArrayElement(1), B, Tq, Hk * G, V), 1e-6, "cached queries vs the rows of full attention");
    }

    @Test
    void gatedAttentionWithSinks() {
        int Tq = 6, S = 10, Hk = 2, G = 2, H = Hk * G;
        double[] q = lin.normal(B * Tq * H * K), k = lin.normal(B * S * Hk * K), v = lin.normal(B * S * Hk * V);
        double[] gate = lin.normal(B * Tq * H * V), sinks = lin.normal(H);
        double scale = 1 / Math.sqrt(K);
        Value gated = lin.fn(OPS, "fn f(q, k, v, g) = softmax_attn(q, k, v, G = 2, gate = g)")
                .execute(tensor(q, B, Tq, H, K), tensor(k, B, S, Hk, K), tensor(v, B, S, Hk, V), tensor(gate, B, Tq, H, V));
        close(StdlibReference.attention(q, k, v, gate, null, B, Tq, S, Hk, G, 0, K, V, scale), read(gated, B, Tq, H, V), TOL, "gated softmax_attn");
        Value sunk = lin.fn(OPS, "fn f(q, k, v, s) = softmax_attn(q, k, v, G = 2, window = 3, sinks = s)")
                .execute(tensor(q, B, Tq, H, K), tensor(k, B, S, Hk, K), tensor(v, B, S, Hk, V), tensor(sinks, H));
        close(StdlibReference.attention(q, k, v, null, sinks, B, Tq, S, Hk, G, 3, K, V, scale), read(sunk, B, Tq, H, V), TOL,
                "softmax_attn with sinks and a window");
        Value both = lin.fn(OPS, "fn f(q, k, v, g, s) = softmax_attn(q, k, v, G = 2, gate = g, sinks = s)")
                .execute(tensor(q, B, Tq, H, K), tensor(k, B, S, Hk, K), tensor(v, B, S, Hk, V), tensor(gate, B, Tq, H, V), tensor(sinks, H));
        close(StdlibReference.attention(q, k, v, gate, sinks, B, Tq, S, Hk, G, 0, K, V, scale), read(both, B, Tq, H, V), TOL,
                "softmax_attn with a gate and sinks");
    }

    @Test
    void shortConvWithBiasAndActivation() {
        int C = 6, W = 4;
        double[] x = lin.normal(B * T * C), w = lin.normal(C * W), bias = lin.normal(C);
        double[] ref = OpsReference.shortConv(x, w, B, T, C, W);
        for (int i = 0; i < ref.length; i++) ref[i] = OpsReference.silu(ref[i] + bias[i % C]);
        Value r = lin.fn(OPS, "fn f(x, w, b) = short_conv(x, w, bias = b, activation = \"silu\")")
                .execute(tensor(x, B, T, C), tensor(w, C, W), tensor(bias, C));
        close(ref, read(r, B, T, C), TOL, "short_conv with bias and silu");
    }

    @Test
    void moeRoutingKeepsTheTopKOfTheSoftmax() {
        int E = 6;
        double[] logits = lin.normal(B * T * E);
        for (int k : new int[] {1, 2, 3}) {
            for (boolean normalize : new boolean[] {true, false}) {
                Value r = lin.fn(OPS, "fn f(x) = moe_routing(x, " + k + ", normalize = " + normalize + ")").execute(tensor(logits, B, T, E));
                close(StdlibReference.moeRouting(logits, E, k, normalize), read(r, B, T, E), TOL,
                        "moe_routing k = " + k + ", normalize = " + normalize);
            }
        }
    }
}
