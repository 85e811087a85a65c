package org.linlang.runtime.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
 * The Java API on the cpu and auto engines ({@link Lin.Builder#engine}): each tiny checkpoint fixture gives
 * the logits of its float64 reference (max error over max magnitude ≤ 1e-4) and its greedy continuation
 * exactly; an embedded program's model with a recurrence gives the interpreter's result.
 */
class LinEnginesTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final double TOLERANCE = 1e-4;

    private record Run(float[] logits, long[] greedy, String err) {}

    /** Loads the fixture through the Java API on {@code engine}; its logits, greedy continuation and error stream. */
    private static Run run(String fixture, String engine) throws IOException {
        Path dir = FIXTURES.resolve(fixture).toAbsolutePath();
        Map<String, Tensor> reference = SafeTensors.read(FIXTURES.resolve(fixture + ".reference.safetensors")).tensors();
        long[] prompt = reference.get("input_ids").toLongArray();
        int steps = Math.toIntExact(reference.get("greedy").numel());
        var err = new ByteArrayOutputStream();
        try (Lin lin = Lin.builder().engine(engine).allowRead(dir).err(err).build(); LanguageModel m = lin.loadCheckpoint(dir)) {
            float[][] rows = m.logits(prompt);
            int V = rows[0].length;
            float[] flat = new float[rows.length * V];
            for (int t = 0; t < rows.length; t++) System.arraycopy(rows[t], 0, flat, t * V, V);
            Generator.Result r = m.generate(prompt, Sampling.greedy(steps));
            return new Run(flat, r.ids(), err.toString(StandardCharsets.UTF_8));
        }
    }

    private static void assertMatchesTheReference(String fixture, Run run) throws IOException {
        Map<String, Tensor> reference = SafeTensors.read(FIXTURES.resolve(fixture + ".reference.safetensors")).tensors();
        double error = TinyLlama.relativeError(run.logits(), reference.get("logits").toFloatArray());
        assertTrue(error <= TOLERANCE, fixture + ": logits off the reference by " + error);
        assertArrayEquals(reference.get("greedy").toLongArray(), run.greedy(), fixture + ": greedy continuation");
    }

    /** The architectures whose whole model (prefill and each decode step) the cpu engine compiles. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny_mamba2", "tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void theCpuEngineGivesTheReferenceLogitsAndContinuation(String fixture) throws IOException {
        Run cpu = run(fixture, "cpu");
        assertMatchesTheReference(fixture, cpu);
        assertEquals("", cpu.err());
    }

    /**
     * The architectures with KV caches (softmax attention, whose cache grows by a length P not known before
     * running) the cpu engine refuses today with the reason, as `lin generate --engine cpu` does. Once it
     * compiles them, move them to {@link #theCpuEngineGivesTheReferenceLogitsAndContinuation}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny_llama", "tiny_qwen3_next"})
    void theCpuEngineRefusesKvCacheModelsWithTheReason(String fixture) {
        String model = fixture.equals("tiny_llama") ? "LlamaForCausalLM" : "Qwen3NextForCausalLM";
        LinException e = assertThrows(LinException.class, () -> run(fixture, "cpu"));
        assertTrue(e.getMessage().startsWith("the cpu engine cannot compile model " + model + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(" is not known before running, so it cannot be a tensor value"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(use --engine interp or auto)"), e.getMessage());
    }

    /** Under auto the blocks the cpu engine refuses run on interp, each said once, and the result is the reference's. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny_llama", "tiny_qwen3_next"})
    void autoRunsWhatTheCpuEngineRefusesOnInterpAndSaysSoOnce(String fixture) throws IOException {
        Run auto = run(fixture, "auto");
        assertMatchesTheReference(fixture, auto);
        List<String> lines = auto.err().lines().toList();
        assertTrue(!lines.isEmpty(), "auto says which blocks run on interp");
        for (String line : lines) assertTrue(line.startsWith("lin: engine auto runs calls of "), auto.err());
        assertEquals(lines.size(), lines.stream().map(l -> l.substring(0, l.indexOf(" on interp: "))).distinct().count(), auto.err());
    }

    /** A program's own model, with a recurrence written in it, called from Java: the same on cpu as on interp. */
    @Test
    void anEmbeddedProgramsModelGivesTheInterpretersResultOnCpu() {
        String program = """
                import std.nn.{Linear, Embedding}

                /// A decayed running sum of k vᵀ, read by q: one gate per head.
                recurrence decayed(q: [K], k: [K], v: [V], g: f32) -> [V]
                    state S: [K, V] = 0
                {
                    S = exp(g) * S + outer(k, v)
                    emit q @ S
                }

                model Tiny(vocab: int, d: int, heads: int, dk: int) {
                    embed = Embedding(vocab, d)
                    q = Linear(d, heads * dk)
                    k = Linear(d, heads * dk)
                    v = Linear(d, heads * dk)
                    gate = Linear(d, heads)
                    head = Linear(heads * dk, vocab)

                    forward(ids: i64[B, T]) -> [B, T, vocab] {
                        let x = embed(ids)
                        let g = -softplus(-gate(x))
                        let o = decayed(q(x) as [B, T, heads, dk], k(x) as [B, T, heads, dk], v(x) as [B, T, heads, dk], g)
                        return head(o as [B, T, heads * dk])
                    }
                }

                let m = Tiny(50, 16, 2, 8)
                """;
        long[] ids = {3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 9, 3};
        float[] interp = logits("interp", program, ids);
        var err = new ByteArrayOutputStream();
        float[] cpu;
        try (Lin lin = Lin.builder().engine("cpu").err(err).build()) {
            lin.eval(program);
            cpu = lin.get("m").call(Lin.tensor(ids, 1, ids.length)).asFloatArray();
        }
        assertEquals(ids.length * 50, cpu.length);
        double error = TinyLlama.relativeError(cpu, interp);
        assertTrue(error <= 1e-5, "cpu vs interp: " + error);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    private static float[] logits(String engine, String program, long[] ids) {
        try (Lin lin = Lin.builder().engine(engine).build()) {
            lin.eval(program);
            return lin.get("m").call(Lin.tensor(ids, 1, ids.length)).asFloatArray();
        }
    }
}
