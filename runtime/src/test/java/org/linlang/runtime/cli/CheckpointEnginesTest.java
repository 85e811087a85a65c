package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.linlang.runtime.generate.TextTokenizer;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * The engines of lin generate (and forward, chat): on the tiny Mamba-2 fixture the interpreter and the cpu
 * engine (the whole model compiled, prefill and each decode step) print the text of the float64 reference's
 * greedy continuation; a model with KV caches (Llama) streams the interpreter's text on cpu and auto.
 */
class CheckpointEnginesTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final Path DIR = Path.of("src/test/resources/fixtures/tiny_mamba2");
    private static final Path REFERENCE = Path.of("src/test/resources/fixtures/tiny_mamba2.reference.safetensors");
    /** The PROMPT_TEXT of tools/fixtures/make_tiny_mamba2.py, whose encoding is the reference's input_ids. */
    private static final String PROMPT = "the cat sat on the mat. the dog";

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"interp", "cpu"})
    void generatePrintsTheReferencesGreedyContinuation(String engine) throws Exception {
        Map<String, Tensor> reference = SafeTensors.read(REFERENCE).tensors();
        long[] greedy = reference.get("greedy").toLongArray();
        String expected;
        try (TextTokenizer tokenizer = TextTokenizer.open(DIR, DIR.toString())) {
            assertArrayEquals(reference.get("input_ids").toLongArray(), tokenizer.encode(PROMPT, true));
            expected = tokenizer.decode(greedy, true);
        }
        CliRunner.Result r = CliRunner.run("generate", DIR.toString(), "--prompt", PROMPT, "--max-tokens", String.valueOf(greedy.length),
                "--ignore-eos", "--engine", engine);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().startsWith(expected + "\n"), r.output());
        assertTrue(r.output().contains("prefill 13 tokens in ") && r.output().endsWith("stopped by max tokens\n"), r.output());
        assertTrue(r.output().contains("decode steps one token at a time on the model's session (recurrent states, conv caches); "), r.output());
    }

    @org.junit.jupiter.api.Test
    void aModelWithKvCachesGeneratesTheSameTextOnCpuAsOnInterp() {
        String llama = org.linlang.runtime.checkpoint.TinyLlama.DIR.toString();
        CliRunner.Result interp = CliRunner.run("generate", llama, "--prompt", "the cat", "--max-tokens", "4", "--ignore-eos");
        for (String engine : java.util.List.of("cpu", "auto")) {
            CliRunner.Result r = CliRunner.run("generate", llama, "--prompt", "the cat", "--max-tokens", "4", "--ignore-eos", "--engine", engine);
            assertEquals(0, r.exitCode(), r.output());
            // nothing is refused, so auto says nothing either
            assertEquals(interp.output().substring(0, interp.output().lastIndexOf("prefill ")), r.output().substring(0, r.output().lastIndexOf("prefill ")));
        }
    }

    /** Every architecture's tiny fixture: `lin forward --engine cpu` gives the float64 reference's logits of every position. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tiny_llama", "tiny_qwen3_next", "tiny_mamba2", "tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void forwardOnCpuGivesEveryArchitecturesReferenceLogits(String fixture, @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path dir = FIXTURES.resolve(fixture), reference = FIXTURES.resolve(fixture + ".reference.safetensors"), out = tmp.resolve("out.safetensors");
        CliRunner.Result r = CliRunner.run("forward", dir.toString(), "--ids", reference.toString(), "--out", out.toString(), "--engine", "cpu");
        assertEquals(0, r.exitCode(), r.output());
        float[] logits = SafeTensors.read(out).tensors().get("logits").toFloatArray();
        double error = org.linlang.runtime.checkpoint.TinyLlama.relativeError(logits, SafeTensors.read(reference).tensors().get("logits").toFloatArray());
        assertTrue(error <= 1e-4, fixture + ": logits off the reference by " + error);
    }

    /** Every architecture's tiny fixture: `lin generate --engine cpu` (prefill, then one decode step per token) streams interp's text. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tiny_llama", "tiny_qwen3_next", "tiny_mamba2", "tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void generateOnCpuStreamsTheInterpretersTextForEveryArchitecture(String fixture) {
        String dir = FIXTURES.resolve(fixture).toString();
        CliRunner.Result interp = CliRunner.run("generate", dir, "--prompt", "the cat sat", "--max-tokens", "8", "--ignore-eos");
        CliRunner.Result cpu = CliRunner.run("generate", dir, "--prompt", "the cat sat", "--max-tokens", "8", "--ignore-eos", "--engine", "cpu");
        assertEquals(0, cpu.exitCode(), cpu.output());
        assertTrue(cpu.output().endsWith("stopped by max tokens\n"), cpu.output());
        assertEquals(interp.output().substring(0, interp.output().lastIndexOf("prefill ")), cpu.output().substring(0, cpu.output().lastIndexOf("prefill ")));
    }
}
