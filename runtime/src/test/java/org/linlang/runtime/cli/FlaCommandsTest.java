package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * lin generate on the tiny fla fixtures (GLA, DeltaNet, Gated DeltaNet of tools/fixtures/make_tiny_fla.py):
 * the interp engine streams the greedy continuation; the cpu engine refuses whole models by name (these
 * models have no attention, but the cpu engine does not run checkpoints' models yet).
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
    void theCpuEngineRefusesWholeModels(String name) {
        CliRunner.Result r = CliRunner.run("generate", FIXTURES.resolve(name).toString(), "--prompt", "the cat", "--max-tokens", "6", "--engine", "cpu");
        assertEquals("lin generate: engine 'cpu' does not run whole models yet; use --engine interp\n", r.output());
        assertEquals(2, r.exitCode());
    }
}
