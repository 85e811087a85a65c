package org.linlang.runtime.stdlib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linlang.runtime.stdlib.LinHarness.tensor;

import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The standard library refuses names it does not know — a feature map, a mixer, an attention kind, a
 * layer-pattern letter, a convolution activation — with a Lin runtime error that names the bad value and
 * the accepted ones, at the error(...) call in std/*.lin; it never falls back to a default.
 */
class StdlibUnknownNamesTest {
    private static LinHarness lin;

    @BeforeAll
    static void start() {
        lin = new LinHarness(7);
    }

    @AfterAll
    static void stop() {
        lin.close();
    }

    /** Runs code that must fail; returns the error after checking it is a Lin error located in the given std file. */
    private static PolyglotException fails(String code, String stdFile) {
        PolyglotException e = assertThrows(PolyglotException.class, () -> lin.eval(code));
        assertTrue(e.isGuestException(), "a Lin error, not a crash: " + e);
        assertFalse(e.isInternalError(), e.toString());
        SourceSection at = e.getSourceLocation();
        assertTrue(at != null && at.getSource().getName().endsWith(stdFile), "located in " + stdFile + ": " + at);
        assertTrue(at.getCharacters().toString().startsWith("error("), "at the error(...) call: " + at.getCharacters());
        return e;
    }

    @Test
    void anUnknownFeatureMapFailsNamingTheKindAndTheChoices() {
        var x = tensor(lin.normal(2 * 3 * 4), 2, 3, 4);
        PolyglotException e = assertThrows(PolyglotException.class,
                () -> lin.fn("import std.ops.*", "fn f(x) = feature_map(x, \"elu2\")").execute(x));
        assertEquals("unknown feature map 'elu2'; expected \"identity\", \"elu1\" or \"relu\"", e.getMessage());
        assertTrue(e.getSourceLocation().getSource().getName().endsWith("ops.lin"), e.getSourceLocation().toString());
        // The known kinds still work.
        for (String kind : new String[] {"identity", "elu1", "relu"}) {
            lin.fn("import std.ops.*", "fn f(x) = feature_map(x, \"" + kind + "\")").execute(x);
        }
    }

    @Test
    void linearAttentionWithAnUnknownFeatureMapFailsWhenItRuns() {
        PolyglotException e = fails("""
                import std.nn.*
                let m = LinearAttention(8, 2, 4, 4, feature_map = "softmax")
                m(randn([1, 3, 8]))
                """, "ops.lin");
        assertTrue(e.getMessage().startsWith("unknown feature map 'softmax'"), e.getMessage());
    }

    @Test
    void anUnknownShortConvActivationFails() {
        PolyglotException e = fails("import std.ops.*\nshort_conv(randn([1, 5, 3]), randn([3, 2]), activation = \"gelu\")\n", "ops.lin");
        assertEquals("unknown activation 'gelu' for short_conv; expected \"silu\" or \"none\"", e.getMessage());
    }

    private static String decoder(String args) {
        return "import std.models.*\nDecoderLM(vocab = 16, d = 8, num_layers = 2, heads = 2, head_dim = 4, kv_heads = 1, groups = 2, hidden = 8, "
                + args + ")\n";
    }

    @Test
    void anUnknownLinearMixerFailsListingTheAcceptedKinds() {
        PolyglotException e = fails(decoder("pattern = \"L\", mixer = \"gated_delta_net\""), "models.lin");
        assertEquals("unknown linear mixer 'gated_delta_net'; expected one of linear_attn, retention, gla, hgrn2, lightning, "
                + "mamba2, deltanet, gated_deltanet, liger", e.getMessage());
    }

    @Test
    void anUnknownAttentionMixerFailsListingTheAcceptedKinds() {
        PolyglotException e = fails(decoder("pattern = \"A\", attention = \"flash\""), "models.lin");
        assertEquals("unknown attention mixer 'flash'; expected one of full, swa, gated", e.getMessage());
    }

    @Test
    void anUnknownPatternLetterOrAnEmptyPatternFails() {
        PolyglotException e = fails(decoder("pattern = \"LM\""), "models.lin");
        assertEquals("unknown letter 'M' in the layer pattern \"LM\"; expected \"A\" (attention) or \"L\" (linear)", e.getMessage());
        e = fails(decoder("pattern = \"\""), "models.lin");
        assertTrue(e.getMessage().startsWith("the layer pattern is empty"), e.getMessage());
    }

    @Test
    void theTiedHeadIsNeverCalledAndSaysSoIfItIs() {
        // A tied model runs: its logits come from the embedding matrix.
        lin.eval(decoder("pattern = \"LA\", mixer = \"gla\", attention = \"full\", tie_embeddings = true")
                .replace("\nDecoderLM", "\nlet m = DecoderLM") + "m((rand([1, 3], seed = 1) * 16.0) as i64)\n");
        PolyglotException e = fails("import std.models.*\nlet h = TiedHead(8, 16)\nh(randn([1, 3, 8]))\n", "models.lin");
        assertTrue(e.getMessage().contains("multiplies by its embedding matrix"), e.getMessage());
    }
}
