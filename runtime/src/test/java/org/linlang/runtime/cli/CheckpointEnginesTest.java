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
 * greedy continuation; a model the cpu engine cannot compile (Llama's KV cache) is refused with the reason,
 * and auto runs that block on the interpreter.
 */
class CheckpointEnginesTest {
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
    void aModelTheCpuEngineCannotCompileIsRefusedWithTheReason() {
        String llama = org.linlang.runtime.checkpoint.TinyLlama.DIR.toString();
        CliRunner.Result r = CliRunner.run("generate", llama, "--prompt", "the cat", "--max-tokens", "2", "--engine", "cpu");
        assertEquals("lin generate: the cpu engine cannot compile model LlamaForCausalLM: the size P is not known before running, "
                + "so it cannot be a tensor value (use --engine interp or auto)\n", r.output());
        assertEquals(1, r.exitCode());
        r = CliRunner.run("generate", llama, "--prompt", "the cat", "--max-tokens", "2", "--engine", "auto");
        assertEquals(0, r.exitCode(), r.output());
        // each block that holds the KV cache, from the model down to LlamaAttention, is said once and interpreted
        assertTrue(r.output().startsWith("lin: engine auto runs calls of LlamaForCausalLM on interp: "), r.output());
        assertTrue(r.output().contains("\nlin: engine auto runs calls of LlamaAttention on interp: "), r.output());
    }
}
