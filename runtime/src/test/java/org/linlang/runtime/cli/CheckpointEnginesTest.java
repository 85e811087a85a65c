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
}
