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

    /** Every architecture's whole model (prefill and each decode step, KV caches included) on the cpu engine. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny_llama", "tiny_qwen3_next", "tiny_mamba2", "tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void theCpuEngineGivesTheReferenceLogitsAndContinuation(String fixture) throws IOException {
        Run cpu = run(fixture, "cpu");
        assertMatchesTheReference(fixture, cpu);
        assertEquals("", cpu.err());
    }

    /** Under auto a model the cpu engine compiles whole runs there, and nothing is said. */
    @Test
    void autoCompilesAWholeCheckpointModelSilently() throws IOException {
        Run auto = run("tiny_qwen3_next", "auto");
        assertMatchesTheReference("tiny_qwen3_next", auto);
        assertEquals("", auto.err());
    }

    /** Under auto a block the cpu engine refuses (a recurrence step calling a function of the program) runs on interp, said once, with interp's result. */
    @Test
    void autoRunsWhatTheCpuEngineRefusesOnInterpAndSaysSoOnce() {
        String program = """
                fn squash(x: [.., D]) -> [.., D] = tanh(x)
                recurrence ema(x: [D]) -> [D]
                    state m: [D] = 0
                {
                    m = squash(0.5 * m + x)
                    emit m
                }
                block Smooth(d: int) {
                    forward(x: [B, T, H, d]) -> [B, T, H, d] = ema(x)
                }
                let s = Smooth(4)
                s(ones([1, 5, 2, 4]))
                s(ones([1, 5, 2, 4]) * 2.0)
                """;
        var err = new ByteArrayOutputStream();
        float[] auto, interp;
        try (Lin lin = Lin.builder().engine("auto").err(err).build()) {
            auto = lin.eval(program).asFloatArray();
        }
        try (Lin lin = Lin.builder().engine("interp").build()) {
            interp = lin.eval(program).asFloatArray();
        }
        assertArrayEquals(interp, auto);
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), err.toString(StandardCharsets.UTF_8));
        assertTrue(lines.get(0).startsWith("lin: engine auto runs calls of Smooth on interp: "), lines.get(0));
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
