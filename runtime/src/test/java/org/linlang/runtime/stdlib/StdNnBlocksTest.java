package org.linlang.runtime.stdlib;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linlang.runtime.stdlib.LinHarness.close;
import static org.linlang.runtime.stdlib.LinHarness.read;
import static org.linlang.runtime.stdlib.LinHarness.tensor;

import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every mixer and MLP of std.nn on random weights (B = 2, T = 9, d = 12): the output is finite and not
 * zero, the layer is causal (changing the last token changes nothing before it) and a prefix of the
 * sequence gives the prefix of the output — what decoding token by token relies on.
 */
class StdNnBlocksTest {
    static final int B = 2, T = 9, D = 12, PREFIX = 5;

    private static LinHarness lin;

    @BeforeAll
    static void start() {
        lin = new LinHarness(7);
    }

    @AfterAll
    static void stop() {
        lin.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SwiGLU(12, 20)",
        "MoE(12, 8, 4)",
        "SharedExpertMoE(12, 8, 4, 16, 2)",
        "LinearAttention(12, 2, 5, 7)",
        "LinearAttention(12, 2, 5, 7, \"relu\")",
        "HedgehogLinearAttention(12, 2, 5, 7)",
        "MultiScaleRetention(12, 2, 6, 7)",
        "GatedLinearAttention(12, 2, 5, 7, 4)",
        "HGRN2(12, 3, 4, 5)",
        "LightningAttention(12, 2, 5, 1, 3)",
        "Mamba2(12, 4, 3, 5, 2, 3)",
        "DeltaNet(12, 2, 5, 7, 3)",
        "GatedDeltaNet(12, 2, 5, 7, 4)",
        "Attention(12, 2, 2, 6, 4, qk_norm = true)",
        "Attention(12, 2, 3, 4, window = 3)",
        "GatedAttention(12, 2, 2, 6, 2, window = 4)",
        "LigerAttention(12, 1, 3, 4, window = 3)",
    })
    void causalAndPrefixConsistent(String construct) {
        double[] x = lin.normal(B * T * D);
        double[] changed = x.clone();
        for (int b = 0; b < B; b++) for (int c = 0; c < D; c++) changed[(b * T + T - 1) * D + c] += 1.0;
        Value f = lin.fn("import std.nn.*", "fn f(x: [B, T, 12], y: [B, T, 12]) {\n let m = " + construct
                + "\n return (m(x), m(x[:, 0:" + PREFIX + "]), m(y))\n}");
        Value r = f.execute(tensor(x, B, T, D), tensor(changed, B, T, D));
        double[] full = read(r.getArrayElement(0), B, T, D);
        double[] prefix = read(r.getArrayElement(1), B, PREFIX, D);
        double[] other = read(r.getArrayElement(2), B, T, D);
        close(rows(full, 0, PREFIX), prefix, 1e-5, construct + ": a prefix gives the output's prefix");
        close(rows(full, 0, T - 1), rows(other, 0, T - 1), 1e-6, construct + ": the last token changes nothing before it");
        double diff = 0;
        for (int i = 0; i < full.length; i++) diff += Math.abs(full[i] - other[i]);
        assertTrue(diff > 0, construct + ": the last token changes the last output");
    }

    /** Time steps [t0, t1) of a [B, T, D] array. */
    private static double[] rows(double[] x, int t0, int t1) {
        double[] out = new double[B * (t1 - t0) * D];
        for (int b = 0; b < B; b++) System.arraycopy(x, (b * T + t0) * D, out, b * (t1 - t0) * D, (t1 - t0) * D);
        return out;
    }

    @Test
    void ligerWithAllWeightOnAttentionIsSlidingWindowAttention() {
        // Top-level instances with the same member names draw the same random weights (seeded by path).
        double[] x = lin.normal(B * T * D);
        Value r = lin.fn("import std.nn.*", """
                fn f(x: [B, T, 12]) = (LigerAttention(12, 1, 3, 4, window = 3, alpha = 1.0)(x), Attention(12, 1, 3, 4, window = 3)(x))""")
                .execute(tensor(x, B, T, D));
        close(read(r.getArrayElement(1), B, T, D), read(r.getArrayElement(0), B, T, D), 1e-6, "Liger(alpha = 1) vs Attention(window)");
    }

    @Test
    void aWindowAsLongAsTheSequenceIsFullAttention() {
        double[] x = lin.normal(B * T * D);
        Value r = lin.fn("import std.nn.*", """
                fn f(x: [B, T, 12]) = (Attention(12, 2, 2, 6, window = 9)(x), Attention(12, 2, 2, 6)(x))""")
                .execute(tensor(x, B, T, D));
        close(read(r.getArrayElement(1), B, T, D), read(r.getArrayElement(0), B, T, D), 1e-6, "window = T vs no window");
    }
}
