package org.linlang.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.graalvm.polyglot.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.cli.Io;
import org.linlang.runtime.cli.LinCli;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.generate.DecodeSession;
import org.linlang.runtime.generate.TextTokenizer;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * std.arch.qwen3_next against the independent float64 numpy forward of tools/fixtures/make_tiny_qwen3_next.py
 * (4 layers: three Gated DeltaNet layers and one gated-attention layer, dense and shared-expert MoE MLPs):
 * logits of every position within 1e-4 (max error over max magnitude, f32 arithmetic), prefill-then-decode
 * equal to the full forward, the greedy continuation identical, tied embeddings, and `lin generate`.
 * On the interp engine (the cpu engine is checked in api/LinEnginesTest, opencl in api/LinDeviceEnginesTest and cli/CheckpointDeviceEnginesTest).
 */
class Qwen3NextCheckpointTest {
    private static final double TOLERANCE = 1e-4;
    private static final Path DIR = Path.of("src/test/resources/fixtures/tiny_qwen3_next");
    private static final Path REFERENCE = Path.of("src/test/resources/fixtures/tiny_qwen3_next.reference.safetensors");

    @TempDir Path tmp;

    private static Map<String, Tensor> reference() throws IOException {
        return SafeTensors.read(REFERENCE).tensors();
    }

    private static float[] logits(Path dir) throws IOException {
        try (Context context = TinyLlama.context()) {
            return CausalLM.load(context, Checkpoint.open(dir)).logits(reference().get("input_ids")).toFloatArray();
        }
    }

    @Test
    void configMapsOntoTheModelsParameters() {
        Checkpoint c = Checkpoint.open(DIR);
        assertEquals("qwen3_next", c.architecture().name());
        assertEquals("{vocab=300, d=32, n_layers=4, interval=4, kv_heads=2, groups=2, head_dim=16, rotary_factor=0.25, theta=10000.0, "
                + "k_heads=2, v_groups=2, dk=8, dv=12, conv=4, hidden=48, experts=4, top_k=2, expert_hidden=16, shared_hidden=24, "
                + "sparse_step=2, eps=1.0E-6}", c.arguments().toString());
    }

    @Test
    void logitsOfEveryPositionMatchTheFloat64Reference() throws IOException {
        float[] expected = reference().get("logits").toFloatArray();
        float[] actual = logits(DIR);
        assertEquals(expected.length, actual.length);
        double err = TinyLlama.relativeError(actual, expected);
        assertTrue(err <= TOLERANCE, "relative error " + err);
    }

    @Test
    void prefillThenDecodeEqualsFullPrefill() throws IOException {
        // Split at 6: the first decode step continues the conv caches (kernel 4), the recurrent states and
        // the KV cache, and the partial RoPE positions 6 … 10.
        long[] ids = reference().get("input_ids").toLongArray();
        float[] expected = reference().get("logits").toFloatArray();
        int V = expected.length / ids.length, split = 6;
        try (Context context = TinyLlama.context()) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(DIR));
            DecodeSession session = model.session();
            float[] got = session.prefill(Arrays.copyOf(ids, split));
            for (int t = split - 1; t < ids.length; t++) {
                if (t > split - 1) got = session.next(ids[t]);
                double err = TinyLlama.relativeError(got, Arrays.copyOfRange(expected, t * V, (t + 1) * V));
                assertTrue(err <= TOLERANCE, "position " + t + ": relative error " + err);
            }
            double err = TinyLlama.relativeError(model.logits(reference().get("input_ids")).toFloatArray(), expected);
            assertTrue(err <= TOLERANCE, "full forward after a session: relative error " + err);
        }
    }

    @Test
    void greedyContinuationIsTheReferences() throws IOException {
        TinyLlama.assertGreedyContinuation(DIR, reference(), "interp");
    }

    @Test
    void tiedEmbeddingsReadTheEmbeddingForTheHead() throws IOException {
        Path dir = variant("tied", w -> w.remove("lm_head.weight"),
                c -> c.replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
        double err = TinyLlama.relativeError(logits(dir), reference().get("logits_tied").toFloatArray());
        assertTrue(err <= TOLERANCE, "relative error " + err);
    }

    @Test
    void generateOnTheCommandLineIsTheGreedyContinuationOfFullForwards() throws IOException {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = LinCli.execute(new String[] {"generate", DIR.toString(), "--prompt", "the cat", "--max-tokens", "6", "--ignore-eos"},
                new Io(InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()));
        String stats = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, stats);
        assertTrue(stats.contains("decode 5 tokens") && stats.contains("stopped by max tokens"), stats);
        // The same continuation without a session: each token the argmax of a full forward over all ids so far.
        try (Context context = TinyLlama.context(); TextTokenizer tokenizer = TextTokenizer.open(DIR, DIR.toString())) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(DIR));
            long[] ids = tokenizer.encode("the cat", true);
            int prompt = ids.length;
            for (int step = 0; step < 6; step++) {
                float[][] logits = model.logits(ids);
                ids = Arrays.copyOf(ids, ids.length + 1);
                ids[ids.length - 1] = argmax(logits[logits.length - 1]);
            }
            String expected = tokenizer.decode(Arrays.copyOfRange(ids, prompt, ids.length), true);
            assertEquals(expected + "\n", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void unsupportedSettingsAreRefusedByName() throws IOException {
        Path dir = variant("unsupported", w -> {}, c -> c.replace("\"mlp_only_layers\": []", "\"mlp_only_layers\": [1]")
                .replace("\"norm_topk_prob\": true", "\"norm_topk_prob\": false")
                .replace("\"full_attention_interval\": 4,", "\"layer_types\": [\"full_attention\", \"linear_attention\", \"linear_attention\", "
                        + "\"full_attention\"], \"rope_parameters\": {\"rope_type\": \"yarn\", \"factor\": 4.0},"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
        assertEquals(dir.resolve("config.json") + ": cannot configure Qwen3NextForCausalLM:\n"
                + "  norm_topk_prob is false, but Qwen3NextForCausalLM supports only true\n"
                + "  mlp_only_layers is [1], but Qwen3NextForCausalLM supports only []\n"
                + "  rope_parameters.rope_type is \"yarn\", but Qwen3NextForCausalLM supports only \"default\"\n"
                + "  layer_types has \"full_attention\" at layers [0, 3], not once every 1 layers (at [0, 1, 2, 3]), the only placement the model has",
                e.getMessage());
    }

    @Test
    void theConfigOfNewerTransformersReadsTheSame() throws IOException {
        // transformers 5 saves layer_types and rope_parameters instead of full_attention_interval, rope_theta and
        // partial_rotary_factor.
        Path dir = variant("v5", w -> {}, c -> c.replace("\"full_attention_interval\": 4,", "\"layer_types\": [\"linear_attention\", "
                + "\"linear_attention\", \"linear_attention\", \"full_attention\"],")
                .replace("\"partial_rotary_factor\": 0.25,", "").replace("\"rope_theta\": 10000.0,",
                        "\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 10000.0, \"partial_rotary_factor\": 0.25},"));
        assertEquals(Checkpoint.open(DIR).arguments(), Checkpoint.open(dir).arguments());
        double err = TinyLlama.relativeError(logits(dir), reference().get("logits").toFloatArray());
        assertTrue(err <= TOLERANCE, "relative error " + err);
        // and the values are read from there, not defaults that happen to agree
        Path other = variant("v5_other", w -> {}, c -> c.replace("\"full_attention_interval\": 4,", "\"layer_types\": [\"linear_attention\", "
                + "\"full_attention\", \"linear_attention\", \"full_attention\"],")
                .replace("\"partial_rotary_factor\": 0.25,", "").replace("\"rope_theta\": 10000.0,",
                        "\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 500.0, \"partial_rotary_factor\": 0.5},"));
        Map<String, Number> args = Checkpoint.open(other).arguments();
        assertEquals(2L, args.get("interval"));
        assertEquals(500.0, args.get("theta"));
        assertEquals(0.5, args.get("rotary_factor"));
    }

    @Test
    void theMultiTokenPredictionHeadIsIgnored() throws IOException {
        // Released checkpoints carry mtp.* tensors that the model (like transformers) does not read.
        Path dir = variant("mtp", w -> {
            w.put("mtp.fc.weight", w.get("lm_head.weight"));
            w.put("mtp.layers.0.input_layernorm.weight", w.get("model.norm.weight"));
        }, c -> c);
        double err = TinyLlama.relativeError(logits(dir), reference().get("logits").toFloatArray());
        assertTrue(err <= TOLERANCE, "relative error " + err);
    }

    private static long argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    private Path variant(String name, Consumer<Map<String, Tensor>> weights,
                         UnaryOperator<String> config) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), config.apply(Files.readString(DIR.resolve("config.json"))));
        Map<String, Tensor> w = new LinkedHashMap<>(SafeTensors.read(DIR.resolve("model.safetensors")).tensors());
        weights.accept(w);
        SafeTensors.write(dir.resolve("model.safetensors"), w);
        return dir;
    }
}
