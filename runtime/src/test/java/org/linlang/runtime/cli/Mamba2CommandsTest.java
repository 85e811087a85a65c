package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.runtime.generate.TextTokenizer;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * lin generate on the tiny Mamba-2 fixture: the text of the float64 reference's greedy continuation. The cpu
 * engine does not run whole checkpoints yet (for any architecture), and says so.
 */
class Mamba2CommandsTest {
    private static final Path DIR = Path.of("src/test/resources/fixtures/tiny_mamba2");
    private static final Path REFERENCE = Path.of("src/test/resources/fixtures/tiny_mamba2.reference.safetensors");
    /** The PROMPT_TEXT of tools/fixtures/make_tiny_mamba2.py, whose encoding is the reference's input_ids. */
    private static final String PROMPT = "the cat sat on the mat. the dog";

    @Test
    void generatePrintsTheReferencesGreedyContinuation() throws Exception {
        Map<String, Tensor> reference = SafeTensors.read(REFERENCE).tensors();
        long[] greedy = reference.get("greedy").toLongArray();
        String expected;
        try (TextTokenizer tokenizer = TextTokenizer.open(DIR, DIR.toString())) {
            assertArrayEquals(reference.get("input_ids").toLongArray(), tokenizer.encode(PROMPT, true));
            expected = tokenizer.decode(greedy, true);
        }
        CliRunner.Result r = CliRunner.run("generate", DIR.toString(), "--prompt", PROMPT, "--max-tokens", String.valueOf(greedy.length),
                "--ignore-eos");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().startsWith(expected + "\n"), r.output());
        assertTrue(r.output().contains("prefill 13 tokens in ") && r.output().endsWith("stopped by max tokens\n"), r.output());
    }

    @Test
    void theCpuEngineDoesNotRunWholeCheckpointsYet() {
        CliRunner.Result r = CliRunner.run("generate", DIR.toString(), "--prompt", PROMPT, "--engine", "cpu");
        assertEquals("lin generate: engine 'cpu' does not run whole models yet; use --engine interp\n", r.output());
        assertEquals(2, r.exitCode());
    }
}
