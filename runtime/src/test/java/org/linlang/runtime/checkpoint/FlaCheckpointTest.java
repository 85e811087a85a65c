package org.linlang.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.generate.DecodeSession;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * std.arch.fla_gla, fla_delta_net and fla_gated_deltanet against the independent float64 numpy forward of
 * tools/fixtures/make_tiny_fla.py (the sequential recurrences, written from fla's modelling code): logits
 * of every position within 1e-4 (max error over max magnitude, f32 arithmetic), a session's prefill then
 * one-token steps equal to the full forward, the greedy continuation identical; config.json's fields and
 * the settings the tables refuse by name.
 */
class FlaCheckpointTest {
    private static final double TOLERANCE = 1e-4;
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @TempDir Path tmp;

    private static Path dir(String name) {
        return FIXTURES.resolve(name);
    }

    private static Map<String, Tensor> reference(String name) throws IOException {
        return SafeTensors.read(FIXTURES.resolve(name + ".reference.safetensors")).tensors();
    }

    @Test
    void configMapsOntoTheModelsParameters() {
        assertEquals("{vocab=300, d=64, n_layers=2, kv_heads=2, groups=2, dk=8, dv=16, hidden=96, eps=1.0E-6}",
                Checkpoint.open(dir("tiny_gla")).arguments().toString());
        assertEquals("{vocab=300, d=64, n_layers=2, heads=4, dk=16, dv=16, conv=4, hidden=96, eps=1.0E-6}",
                Checkpoint.open(dir("tiny_delta_net")).arguments().toString());
        assertEquals("{vocab=300, d=64, n_layers=2, heads=2, dk=16, dv=32, conv=4, hidden=96, eps=1.0E-6}",
                Checkpoint.open(dir("tiny_gated_deltanet")).arguments().toString());
        assertEquals("fla_gated_deltanet", Checkpoint.open(dir("tiny_gated_deltanet")).architecture().name());
    }

    @Test
    void defaultsAreFlasWhenConfigJsonLeavesThemOut() throws IOException {
        // fla's configuration defaults; the MLP width is 2/3 · hidden_ratio · d rounded up to a multiple of 256
        Path gla = config("gla", "{\"model_type\": \"gla\", \"vocab_size\": 32000, \"hidden_size\": 2048, \"num_hidden_layers\": 24}");
        assertEquals("{vocab=32000, d=2048, n_layers=24, kv_heads=4, groups=1, dk=256, dv=512, hidden=5632, eps=1.0E-6}",
                Checkpoint.open(gla).arguments().toString());
        Path dn = config("dn", "{\"model_type\": \"delta_net\", \"vocab_size\": 32000, \"hidden_size\": 2048, \"num_hidden_layers\": 24,"
                + " \"hidden_ratio\": null, \"intermediate_size\": null}");
        assertEquals("{vocab=32000, d=2048, n_layers=24, heads=16, dk=128, dv=128, conv=4, hidden=5632, eps=1.0E-6}",
                Checkpoint.open(dn).arguments().toString());
        Path gdn = config("gdn", "{\"model_type\": \"gated_deltanet\", \"vocab_size\": 32000, \"hidden_size\": 2048, \"num_hidden_layers\": 21,"
                + " \"hidden_ratio\": 2}");
        assertEquals("{vocab=32000, d=2048, n_layers=21, heads=6, dk=256, dv=512, conv=4, hidden=2816, eps=1.0E-6}",
                Checkpoint.open(gdn).arguments().toString());
    }

    @Test
    void settingsTheModelsDoNotImplementAreRefusedByName() throws IOException {
        Path hybrid = config("hybrid", "{\"model_type\": \"gated_deltanet\", \"vocab_size\": 300, \"hidden_size\": 64, \"num_hidden_layers\": 2,"
                + " \"attn\": {\"layers\": [1], \"num_heads\": 4}, \"use_gate\": false, \"num_v_heads\": 4}");
        assertEquals(hybrid + "/config.json: cannot configure GatedDeltaNetForCausalLM:\n"
                + "  use_gate is false, but GatedDeltaNetForCausalLM supports only true\n"
                + "  num_v_heads is 4, but GatedDeltaNetForCausalLM supports only null (absent)\n"
                + "  attn is {layers=[1], num_heads=4}, but GatedDeltaNetForCausalLM supports only null (absent)",
                assertThrows(CheckpointException.class, () -> Checkpoint.open(hybrid)).getMessage());
        Path gla = config("gla", "{\"model_type\": \"gla\", \"vocab_size\": 300, \"hidden_size\": 64, \"num_hidden_layers\": 2,"
                + " \"num_heads\": 3, \"use_short_conv\": true, \"fuse_norm\": false, \"feature_map\": \"relu\"}");
        assertEquals(gla + "/config.json: cannot configure GLAForCausalLM:\n"
                + "  fuse_norm is false, but GLAForCausalLM supports only true\n"
                + "  use_short_conv is true, but GLAForCausalLM supports only false\n"
                + "  feature_map is \"relu\", but GLAForCausalLM supports only null (absent)\n"
                + "  int(hidden_size * (expand_k ?? 0.5)) / (num_heads ?? 4) needs 32 to be a multiple of 3\n"
                + "  int(hidden_size * (expand_v ?? 1.0)) / (num_heads ?? 4) needs 64 to be a multiple of 3",
                assertThrows(CheckpointException.class, () -> Checkpoint.open(gla)).getMessage());
        Path dn = config("dn", "{\"model_type\": \"delta_net\", \"vocab_size\": 300, \"hidden_size\": 64, \"num_hidden_layers\": 2,"
                + " \"qk_activation\": \"relu\", \"qk_norm\": \"sum\", \"use_beta\": false}");
        assertEquals(dn + "/config.json: cannot configure DeltaNetForCausalLM:\n"
                + "  use_beta is false, but DeltaNetForCausalLM supports only true\n"
                + "  qk_activation is \"relu\", but DeltaNetForCausalLM supports only \"silu\"\n"
                + "  qk_norm is \"sum\", but DeltaNetForCausalLM supports only \"l2\"",
                assertThrows(CheckpointException.class, () -> Checkpoint.open(dn)).getMessage());
    }

    private Path config(String name, String json) throws IOException {
        Path d = tmp.resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("config.json"), json);
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void logitsOfEveryPositionMatchTheFloat64Reference(String name) throws IOException {
        Map<String, Tensor> ref = reference(name);
        try (Context context = TinyLlama.context()) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(dir(name)));
            float[] actual = model.logits(ref.get("input_ids")).toFloatArray();
            float[] expected = ref.get("logits").toFloatArray();
            assertEquals(expected.length, actual.length);
            double err = TinyLlama.relativeError(actual, expected);
            assertTrue(err <= TOLERANCE, name + ": relative error " + err);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void prefillThenDecodeEqualsFullPrefill(String name) throws IOException {
        Map<String, Tensor> ref = reference(name);
        long[] ids = ref.get("input_ids").toLongArray();
        float[] expected = ref.get("logits").toFloatArray();
        int V = expected.length / ids.length, split = 6;
        try (Context context = TinyLlama.context()) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(dir(name)));
            DecodeSession session = model.session();
            // the split is past the short convolutions' window (4): their caches carry the last inputs over
            float[] got = session.prefill(Arrays.copyOf(ids, split));
            for (int t = split - 1; t < ids.length; t++) {
                if (t > split - 1) got = session.next(ids[t]);
                double err = TinyLlama.relativeError(got, Arrays.copyOfRange(expected, t * V, (t + 1) * V));
                assertTrue(err <= TOLERANCE, name + " position " + t + ": relative error " + err);
            }
            // a plain call is still a full forward from a zero state, whatever the session did
            double err = TinyLlama.relativeError(model.logits(ref.get("input_ids")).toFloatArray(), expected);
            assertTrue(err <= TOLERANCE, name + ": full forward after a session: relative error " + err);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void greedyContinuationIsTheReferences(String name) throws IOException {
        TinyLlama.assertGreedyContinuation(dir(name), reference(name), "interp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void tiedEmbeddingsReadTheEmbeddingForTheHead(String name) throws IOException {
        // fla ties lm_head.weight to model.embeddings.weight (Llama's is model.embed_tokens.weight)
        Path d = tmp.resolve("tied");
        Files.createDirectories(d);
        Files.writeString(d.resolve("config.json"), Files.readString(dir(name).resolve("config.json"))
                .replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
        Map<String, Tensor> w = new LinkedHashMap<>(SafeTensors.read(dir(name).resolve("model.safetensors")).tensors());
        w.remove("lm_head.weight");
        SafeTensors.write(d.resolve("model.safetensors"), w);
        Map<String, Tensor> ref = reference(name);
        try (Context context = TinyLlama.context()) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(d));
            double err = TinyLlama.relativeError(model.logits(ref.get("input_ids")).toFloatArray(), ref.get("logits_tied").toFloatArray());
            assertTrue(err <= TOLERANCE, name + ": relative error " + err);
        }
    }
}
