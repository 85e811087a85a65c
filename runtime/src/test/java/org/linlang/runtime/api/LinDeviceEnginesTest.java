package org.linlang.runtime.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linlang.runtime.checkpoint.TinyLlama;
import org.linlang.runtime.generate.Generator;
import org.linlang.runtime.generate.Sampling;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * The Java API on the device engines ({@code Lin.builder().engine("opencl")}, PoCL here): a checkpoint loaded with
 * {@link Lin#loadCheckpoint} gives its float64 reference's logits (max error over max magnitude ≤ 1e-4) and greedy
 * continuation exactly (prefill, then decode steps on a session whose states are copied in and out per call), for a
 * model with KV caches and a hybrid one; an embedded program's model and session give interp's values; cuda without
 * a driver is a {@link LinException} of one sentence.
 */
class LinDeviceEnginesTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    /** Llama (KV caches, RoPE) and Qwen3-Next (gated DeltaNet and gated attention layers, top-k routed experts). */
    @ParameterizedTest
    @ValueSource(strings = {"tiny_llama", "tiny_qwen3_next"})
    void openClGivesTheReferenceLogitsAndContinuation(String fixture) throws IOException {
        Path dir = FIXTURES.resolve(fixture).toAbsolutePath();
        Map<String, Tensor> reference = SafeTensors.read(FIXTURES.resolve(fixture + ".reference.safetensors")).tensors();
        long[] prompt = reference.get("input_ids").toLongArray();
        long[] greedy = reference.get("greedy").toLongArray();
        var err = new ByteArrayOutputStream();
        try (Lin lin = Lin.builder().engine("opencl").allowRead(dir).err(err).build(); LanguageModel m = lin.loadCheckpoint(dir)) {
            assertEquals("opencl", lin.engine());
            float[][] rows = m.logits(prompt);
            int V = rows[0].length;
            float[] flat = new float[rows.length * V];
            for (int t = 0; t < rows.length; t++) System.arraycopy(rows[t], 0, flat, t * V, V);
            double error = TinyLlama.relativeError(flat, reference.get("logits").toFloatArray());
            assertTrue(error <= 1e-4, fixture + ": logits off the reference by " + error);
            Generator.Result r = m.generate(prompt, Sampling.greedy(greedy.length));
            assertArrayEquals(greedy, r.ids(), fixture + ": greedy continuation");
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    /** A program's own model and a session of it: the call, a prefill and a decode step give interp's values. */
    @Test
    void anEmbeddedModelAndItsSessionGiveTheInterpretersValuesOnOpenCl() {
        String program = """
                import std.models.{DecoderLM}
                let m = DecoderLM(vocab = 64, d = 16, num_layers = 2, pattern = "L", mixer = "linear_attn", heads = 2, head_dim = 8)
                """;
        long[] ids = {3, 14, 15, 9, 26, 5, 35};
        float[][] interp = run("interp", program, ids), opencl = run("opencl", program, ids);
        for (int i = 0; i < interp.length; i++) {
            double error = TinyLlama.relativeError(opencl[i], interp[i]);
            assertTrue(error <= 1e-4, "result " + i + ": opencl vs interp " + error);
        }
    }

    /** The whole call, then a session's prefill of all but the last token and a step of the last. */
    private static float[][] run(String engine, String program, long[] ids) {
        try (Lin lin = Lin.builder().engine(engine).build()) {
            lin.eval(program);
            LinValue m = lin.get("m");
            float[] whole = m.call(Lin.tensor(ids, 1, ids.length)).asFloatArray();
            LinValue s = m.session();
            float[] prefill = s.call(Lin.tensor(java.util.Arrays.copyOf(ids, ids.length - 1), 1, ids.length - 1)).asFloatArray();
            float[] step = s.call(Lin.tensor(new long[] {ids[ids.length - 1]}, 1, 1)).asFloatArray();
            return new float[][] {whole, prefill, step};
        }
    }

    @Test
    void cudaWithoutADriverIsOneSentence() {
        Path dir = TinyLlama.DIR.toAbsolutePath();
        try (Lin lin = Lin.builder().engine("cuda").allowRead(dir).build(); LanguageModel m = lin.loadCheckpoint(dir)) {
            long[] prompt = {1, 17, 42};
            LinException e;
            try {
                m.logits(prompt);
                return; // a machine with an NVIDIA GPU runs it
            } catch (LinException thrown) {
                e = thrown;
            }
            assertTrue(e.getMessage().startsWith("engine cuda: "), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(assertThrows(LinException.class, () -> m.generate(prompt, Sampling.greedy(2))).getMessage().startsWith("engine cuda: "));
        }
    }
}
