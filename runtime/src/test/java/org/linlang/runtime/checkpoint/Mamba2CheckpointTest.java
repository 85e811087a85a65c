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
import java.util.function.UnaryOperator;
import org.graalvm.polyglot.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.generate.DecodeSession;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * std.arch.mamba2 against the independent float64 numpy forward of tools/fixtures/make_tiny_mamba2.py (a
 * sequential SSD recurrence written from transformers' Mamba2Mixer.torch_forward): logits of every position
 * within 1e-4 (max error over max magnitude, f32 arithmetic), prefill-then-decode on a session equal to the
 * full forward, the greedy continuation identical; tied embeddings and a finite time_step_limit as variants;
 * config.json settings the model does not implement refused by name.
 */
class Mamba2CheckpointTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/tiny_mamba2");
    static final Path REFERENCE = Path.of("src/test/resources/fixtures/tiny_mamba2.reference.safetensors");
    private static final double TOLERANCE = 1e-4;

    @TempDir Path tmp;

    static Map<String, Tensor> reference() throws IOException {
        return SafeTensors.read(REFERENCE).tensors();
    }

    private static float[] logits(Path dir) throws IOException {
        try (Context context = TinyLlama.context()) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(dir));
            return model.logits(reference().get("input_ids")).toFloatArray();
        }
    }

    private Path variant(String name, UnaryOperator<Map<String, Tensor>> weights, UnaryOperator<String> config) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), config.apply(Files.readString(DIR.resolve("config.json"))));
        SafeTensors.write(dir.resolve("model.safetensors"),
                weights.apply(new LinkedHashMap<>(SafeTensors.read(DIR.resolve("model.safetensors")).tensors())));
        return dir;
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        assertEquals(expected.length, actual.length, what);
        double err = TinyLlama.relativeError(actual, expected);
        assertTrue(err <= TOLERANCE, what + ": relative error " + err);
    }

    @Test
    void configMapsOntoTheModelsParameters() {
        Checkpoint c = Checkpoint.open(DIR);
        assertEquals("mamba2", c.architecture().name());
        // time_step_limit is [0.0, Infinity] in config.json, as Python's json writes transformers' default
        assertEquals("{vocab=300, d=32, n_layers=2, groups=2, group_heads=2, head_dim=16, state_size=16, conv=4, eps=1.0E-5, "
                + "dt_min=0.0, dt_max=Infinity}", c.arguments().toString());
    }

    @Test
    void transformers5sTaggedInfinityIsReadToo() throws IOException {
        // transformers 5 writes floats JSON has no literal for as {"__float__": "Infinity"}
        Path dir = variant("tagged", w -> w, c -> c.replaceFirst("\"time_step_limit\": \\[[^]]*]",
                "\"time_step_limit\": [{\"__float__\": \"-Infinity\"}, {\"__float__\": \"Infinity\"}]"));
        Map<String, Number> args = Checkpoint.open(dir).arguments();
        assertEquals(Double.NEGATIVE_INFINITY, args.get("dt_min"));
        assertEquals(Double.POSITIVE_INFINITY, args.get("dt_max"));
        assertClose(logits(dir), reference().get("logits").toFloatArray(), "logits");
    }

    @Test
    void logitsOfEveryPositionMatchTheFloat64Reference() throws IOException {
        assertClose(logits(DIR), reference().get("logits").toFloatArray(), "logits");
    }

    @Test
    void prefillThenDecodeEqualsFullPrefill() throws IOException {
        long[] ids = reference().get("input_ids").toLongArray();
        float[] expected = reference().get("logits").toFloatArray();
        int V = expected.length / ids.length, split = 5;
        try (Context context = TinyLlama.context()) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(DIR));
            DecodeSession session = model.session();
            float[] got = session.prefill(Arrays.copyOf(ids, split));
            for (int t = split - 1; t < ids.length; t++) {
                if (t > split - 1) got = session.next(ids[t]);
                assertClose(got, Arrays.copyOfRange(expected, t * V, (t + 1) * V), "position " + t);
            }
            // a plain call still starts from empty conv caches and SSM states, whatever the session did
            assertClose(model.logits(reference().get("input_ids")).toFloatArray(), expected, "full forward after a session");
        }
    }

    @Test
    void greedyContinuationIsTheReferences() throws IOException {
        TinyLlama.assertGreedyContinuation(DIR, reference(), "interp");
    }

    @Test
    void tiedEmbeddingsReadTheEmbeddingForTheHead() throws IOException {
        Path dir = variant("tied", w -> {
            w.remove("lm_head.weight");
            return w;
        }, c -> c.replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
        assertClose(logits(dir), reference().get("logits_tied").toFloatArray(), "tied");
    }

    @Test
    void aFiniteTimeStepLimitClampsDt() throws IOException {
        // [0.02, 0.1] changes about half of this prompt's dt values, from below and from above
        Path dir = variant("clamped", w -> w, c -> c.replaceFirst("\"time_step_limit\": \\[[^]]*]", "\"time_step_limit\": [0.02, 0.1]"));
        assertEquals(0.1, Checkpoint.open(dir).arguments().get("dt_max"));
        assertClose(logits(dir), reference().get("logits_clamped").toFloatArray(), "clamped");
    }

    /** A context whose calls of the model are compiled and run on the cpu engine (refusals are errors, never a fallback). */
    private static Context cpuContext() {
        return Context.newBuilder("lin").allowIO(org.graalvm.polyglot.io.IOAccess.ALL).option("lin.Engine", "cpu")
                .err(new java.io.ByteArrayOutputStream()).build();
    }

    @Test
    void theCpuEngineGivesTheReferenceLogitsAndDecodes() throws IOException {
        long[] ids = reference().get("input_ids").toLongArray();
        float[] expected = reference().get("logits").toFloatArray();
        int V = expected.length / ids.length, split = 5;
        try (Context context = cpuContext()) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(DIR));
            assertClose(model.logits(reference().get("input_ids")).toFloatArray(), expected, "cpu engine logits");
            DecodeSession session = model.session();
            float[] got = session.prefill(Arrays.copyOf(ids, split));
            for (int t = split - 1; t < ids.length; t++) {
                if (t > split - 1) got = session.next(ids[t]);
                assertClose(got, Arrays.copyOfRange(expected, t * V, (t + 1) * V), "cpu engine, position " + t);
            }
        }
    }

    @Test
    void settingsTheModelDoesNotImplementAreRefusedByName() throws IOException {
        Path dir = variant("unsupported", w -> w, c -> c.replace("\"use_bias\": false", "\"use_bias\": true")
                .replace("\"n_groups\": 2", "\"n_groups\": 3"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
        assertEquals(dir + "/config.json: cannot configure Mamba2ForCausalLM:\n"
                + "  use_bias is true, but Mamba2ForCausalLM supports only false\n"
                + "  (num_heads ?? 128) / (n_groups ?? 8) needs 4 to be a multiple of 3", e.getMessage());
    }
}
