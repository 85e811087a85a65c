package org.linlang.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.generate.DecodeSession;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * std.arch.llama against the independent float64 numpy forward of tools/fixtures/make_tiny.py: logits of
 * every position within 1e-4 (max error over max magnitude, f32 arithmetic), the greedy continuation
 * identical, prefill then decoding on a session — on the interp engine and on the cpu engine (the model's
 * calls compiled: positions P … P + T − 1 and the causal mask's rows read the KV cache's length P at run
 * time); and the same checkpoint as bf16, sharded, and with tied embeddings.
 */
class LlamaCheckpointTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir Path tmp;

    private static float[] logits(Path dir) {
        try (Context context = TinyLlama.context()) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(dir));
            return model.logits(referenceIds()).toFloatArray();
        }
    }

    private static Tensor referenceIds() {
        try {
            return TinyLlama.reference().get("input_ids");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void configMapsOntoTheModelsParameters() {
        Checkpoint c = Checkpoint.open(TinyLlama.DIR);
        assertEquals("llama", c.architecture().name());
        assertEquals("{vocab=300, d=64, n_layers=2, kv_heads=2, groups=2, half_dim=8, hidden=96, eps=1.0E-5, theta=500.0}", c.arguments().toString());
    }

    @Test
    void theRopeParametersOfTransformers5AreRead() throws IOException {
        // transformers 5 saves RoPE as rope_parameters {rope_type, rope_theta} instead of rope_theta
        Path dir = TinyLlama.variant(tmp.resolve("v5"), w -> w,
                c -> c.replace("\"rope_theta\": 500.0,", "\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 500.0},"));
        assertEquals(Checkpoint.open(TinyLlama.DIR).arguments(), Checkpoint.open(dir).arguments());
        Path yarn = TinyLlama.variant(tmp.resolve("yarn"), w -> w,
                c -> c.replace("\"rope_theta\": 500.0,", "\"rope_parameters\": {\"rope_type\": \"yarn\", \"rope_theta\": 500.0},"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(CheckpointException.class, () -> Checkpoint.open(yarn));
        assertTrue(e.getMessage().contains("rope_parameters.rope_type is \"yarn\""), e.getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"interp", "cpu"})
    void logitsOfEveryPositionMatchTheFloat64Reference(String engine) throws IOException {
        float[] expected = TinyLlama.reference().get("logits").toFloatArray();
        float[] actual;
        try (Context context = TinyLlama.context(engine)) {
            actual = CausalLM.load(context, Checkpoint.open(TinyLlama.DIR)).logits(referenceIds()).toFloatArray();
        }
        assertEquals(expected.length, actual.length);
        double err = TinyLlama.relativeError(actual, expected);
        assertTrue(err <= TOLERANCE, "relative error " + err);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"interp", "cpu"})
    void greedyContinuationIsTheReferences(String engine) throws IOException {
        TinyLlama.assertGreedyContinuation(TinyLlama.DIR, TinyLlama.reference(), engine);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"interp", "cpu"})
    void prefillThenDecodeEqualsFullPrefill(String engine) throws IOException {
        long[] ids = referenceIds().toLongArray();
        float[] expected = TinyLlama.reference().get("logits").toFloatArray();
        int V = expected.length / ids.length, split = 6;
        try (Context context = TinyLlama.context(engine)) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(TinyLlama.DIR));
            DecodeSession session = model.session();
            float[] got = session.prefill(java.util.Arrays.copyOf(ids, split));
            for (int t = split - 1; t < ids.length; t++) {
                if (t > split - 1) got = session.next(ids[t]);
                float[] want = java.util.Arrays.copyOfRange(expected, t * V, (t + 1) * V);
                double err = TinyLlama.relativeError(got, want);
                assertTrue(err <= TOLERANCE, "position " + t + ": relative error " + err);
            }
            // a plain call is still a full forward from empty caches, whatever the session did
            double err = TinyLlama.relativeError(model.logits(referenceIds()).toFloatArray(), expected);
            assertTrue(err <= TOLERANCE, "full forward after a session: relative error " + err);
        }
    }

    @Test
    void bf16WeightsConvertOnLoad() throws IOException {
        Path dir = TinyLlama.variant(tmp.resolve("bf16"), w -> {
            Map<String, Tensor> out = new LinkedHashMap<>();
            w.forEach((k, v) -> out.put(k, v.to(DType.BF16)));
            return out;
        }, c -> c.replace("\"float32\"", "\"bfloat16\""));
        float[] expected = TinyLlama.reference().get("logits_bf16").toFloatArray();
        double err = TinyLlama.relativeError(logits(dir), expected);
        assertTrue(err <= TOLERANCE, "relative error " + err);
    }

    @Test
    void f16WeightsConvertOnLoad() throws IOException {
        // f16 keeps 11 significant bits: these weights (|w| < 4) lose about 5e-4 relative, so the logits
        // are compared with the f32 reference at a looser bound that still catches a wrong conversion.
        Path dir = TinyLlama.variant(tmp.resolve("f16"), w -> {
            Map<String, Tensor> out = new LinkedHashMap<>();
            w.forEach((k, v) -> out.put(k, v.to(DType.F16)));
            return out;
        }, c -> c);
        double err = TinyLlama.relativeError(logits(dir), TinyLlama.reference().get("logits").toFloatArray());
        assertTrue(err <= 5e-3, "relative error " + err);
    }

    @Test
    void tiedEmbeddingsReadTheEmbeddingForTheHead() throws IOException {
        Path dir = TinyLlama.variant(tmp.resolve("tied"), w -> {
            w.remove("lm_head.weight");
            return w;
        }, c -> c.replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
        double err = TinyLlama.relativeError(logits(dir), TinyLlama.reference().get("logits_tied").toFloatArray());
        assertTrue(err <= TOLERANCE, "relative error " + err);
    }

    @Test
    void shardedCheckpointsReadTheIndex() throws IOException {
        Path dir = tmp.resolve("sharded");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), TinyLlama.config());
        Map<String, Tensor> w = TinyLlama.weights();
        List<String> names = List.copyOf(w.keySet());
        Map<String, Tensor> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            boolean a = i < names.size() / 2;
            (a ? first : second).put(names.get(i), w.get(names.get(i)));
            map.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":\"model-0000").append(a ? 1 : 2).append("-of-00002.safetensors\"");
        }
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), first);
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), second);
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{" + map + "}}");
        double err = TinyLlama.relativeError(logits(dir), TinyLlama.reference().get("logits").toFloatArray());
        assertTrue(err <= TOLERANCE, "relative error " + err);
    }

    @Test
    void f32WeightsStayViewsOfTheMappedFile() throws IOException {
        Map<String, Tensor> read = CheckpointFiles.read(TinyLlama.DIR, "tiny").byName();
        Tensor embed = read.get("model.embed_tokens.weight");
        assertTrue(embed.storage().isMapped(), "the tensor is a view of the mapped file");
        assertEquals(SafeTensors.read(TinyLlama.DIR.resolve("model.safetensors")).tensors().size(), read.size());
    }
}
