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

/**
 * Prefill and step agree for every block of std.nn that carries state, and for DecoderLM with each
 * mixer: T tokens in one call equal T one-token calls of a session, and equal a prefill of part of
 * the sequence followed by steps (conv caches, recurrent states, KV caches and positions carried over).
 * A one-token call without a session sees nothing earlier, so it must differ — the state is really used.
 */
class StdNnSessionTest {
    static final int B = 2, T = 7, D = 12;

    private static LinHarness lin;

    @BeforeAll
    static void start() {
        lin = new LinHarness(11);
    }

    @AfterAll
    static void stop() {
        lin.close();
    }

    /** (full, token by token, prefill of 4 then steps, the last token alone without a session) of a block. */
    private static final String CHECK = """
            fn f(m, x: [B, 7, D]) {
                let full = m(x)
                let s = m.session()
                let steps = concat(s(x[:, 0:1]), s(x[:, 1:2]), s(x[:, 2:3]), s(x[:, 3:4]), s(x[:, 4:5]), s(x[:, 5:6]), s(x[:, 6:7]), axis = 1)
                s.reset()
                let mixed = concat(s(x[:, 0:4]), s(x[:, 4:5]), s(x[:, 5:7]), axis = 1)
                return (full, steps, mixed, m(x[:, 6:7]))
            }""";

    private static void agree(Value r, int width, String what) {
        double[] full = read(r.getArrayElement(0), B, T, width);
        close(full, read(r.getArrayElement(1), B, T, width), 1e-5, what + ": one token at a time vs prefill");
        close(full, read(r.getArrayElement(2), B, T, width), 1e-5, what + ": prefill of 4, then steps vs prefill");
        double[] alone = read(r.getArrayElement(3), B, 1, width);
        double diff = 0;
        for (int b = 0; b < B; b++) for (int c = 0; c < width; c++) diff += Math.abs(alone[b * width + c] - full[(b * T + T - 1) * width + c]);
        assertTrue(diff > 1e-4, what + ": the last token alone gives what it gives after the others (no state used?)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ShortConv(12, 4, \"silu\")",
        "ShortConvBias(12, 3)",
        "LinearAttention(12, 2, 5, 7)",
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
    void blockPrefillEqualsSteps(String construct) {
        Value f = lin.fn("import std.nn.*", CHECK);
        Value m = lin.eval("import std.nn.*\n" + construct + "\n");
        agree(f.execute(m, tensor(lin.normal(B * T * D), B, T, D)), D, construct);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear_attn", "retention", "gla", "hgrn2", "lightning", "mamba2", "deltanet", "gated_deltanet", "liger"})
    void decoderLmPrefillEqualsSteps(String mixer) {
        int vocab = 32;
        Value f = lin.fn("import std.models.*", """
                fn f(m, ids: [B, 7]) {
                    let full = m(ids)
                    let s = m.session()
                    let steps = concat(s(ids[:, 0:1]), s(ids[:, 1:2]), s(ids[:, 2:3]), s(ids[:, 3:4]), s(ids[:, 4:5]), s(ids[:, 5:6]), s(ids[:, 6:7]), axis = 1)
                    s.reset()
                    let mixed = concat(s(ids[:, 0:4]), s(ids[:, 4:5]), s(ids[:, 5:7]), axis = 1)
                    return (full, steps, mixed, m(ids[:, 6:7]))
                }""");
        Value m = lin.eval("import std.models.*\nDecoderLM(vocab = 32, d = 16, num_layers = 2, pattern = \"LA\", mixer = \"" + mixer
                + "\", attention = \"swa\", window = 3, heads = 2, head_dim = 8, kv_heads = 1, groups = 2, hidden = 24)\n");
        Value ids = lin.eval("(rand([2, 7], seed = 5) * 32.0) as i64\n");
        agree(f.execute(m, ids), vocab, "DecoderLM with " + mixer);
    }
}
