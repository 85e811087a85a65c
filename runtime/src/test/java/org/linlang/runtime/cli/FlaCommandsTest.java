package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * lin generate on the tiny fla fixtures (GLA, DeltaNet, Gated DeltaNet of tools/fixtures/make_tiny_fla.py):
 * the interp engine streams the greedy continuation, and the cpu engine (the whole model compiled, prefill
 * and each decode step) streams the same text.
 */
class FlaCommandsTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @ParameterizedTest
    @ValueSource(strings = {"tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void generateRunsOnTheInterpreter(String name) {
        CliRunner.Result r = CliRunner.run("generate", FIXTURES.resolve(name).toString(), "--prompt", "the cat", "--max-tokens", "6");
        assertEquals(0, r.exitCode(), r.output());
        String[] lines = r.output().split("\n");
        // random weights: the continuation may reach one of the tokenizer's end-of-sequence ids first
        assertTrue(lines[lines.length - 1].matches("prefill 4 tokens in [0-9.]+ s \\([0-9.]+ tokens/s\\); decode [1-5] tokens in .*; "
                + "stopped by (max tokens|stop token)"), r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_gla", "tiny_delta_net", "tiny_gated_deltanet"})
    void theCpuEngineStreamsTheSameText(String name) {
        CliRunner.Result interp = CliRunner.run("generate", FIXTURES.resolve(name).toString(), "--prompt", "the cat", "--max-tokens", "6", "--ignore-eos");
        CliRunner.Result cpu = CliRunner.run("generate", FIXTURES.resolve(name).toString(), "--prompt", "the cat", "--max-tokens", "6", "--ignore-eos",
                "--engine", "cpu");
        assertEquals(0, cpu.exitCode(), cpu.output());
        assertEquals(text(interp.output()), text(cpu.output()));
        assertTrue(cpu.output().endsWith("stopped by max tokens\n"), cpu.output());
    }

    /** The streamed text: everything before the statistics line. */
    private static String text(String output) {
        return output.substring(0, output.lastIndexOf("prefill "));
    }
}
