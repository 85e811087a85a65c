package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelsCommandTest {
    private static final String EXAMPLE = Path.of("..", "examples", "tiny_hybrid.lin").toString();

    @Test
    void printsTheFusedKernelsOfTheExampleHybrid(@TempDir Path dir) throws Exception {
        Path dot = dir.resolve("g.dot");
        var r = CliRunner.run("kernels", EXAMPLE, "--arg", "layers=4", "--dot", dot.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("kernels TinyHybrid(layers=4).forward: 64 kernels"), r.output());
        assertTrue(r.output().contains("recurrence(gated_delta_rule, chunked)"), r.output());
        assertTrue(Files.readString(dot).startsWith("digraph"), "a Graphviz graph");
    }

    @Test
    void theStepEntryRunsRecurrencesSequentially() {
        var r = CliRunner.run("kernels", EXAMPLE, "--entry", "TinyHybrid.step", "--arg", "layers=2");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("sequential"), r.output());
    }

    @Test
    void anEntryThatDoesNotExistIsAClearError() {
        var r = CliRunner.run("kernels", EXAMPLE, "--entry", "Nope");
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("cannot compile Nope"), r.output());
    }
}
