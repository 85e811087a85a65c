package org.linlang.runtime.gpu.suite;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU suite's harness without a GPU (bench/gpu/build-bundle.sh's dry run covers the rest on PoCL):
 * the references part on one numpy fixture, the fixture script's status lines, and the decode timing
 * of one small example on the cpu engine. Small and quick; no timing is asserted.
 */
class SuitePartsTest {
    @TempDir Path dir;

    private SuiteReport report(String name) {
        return new SuiteReport(dir.resolve("results-" + name + ".md"), new PrintStream(new ByteArrayOutputStream()), name);
    }

    @Test
    void referencesPartChecksAFixtureAndReportsTheScriptsStatus() throws Exception {
        Path fixtures = Path.of("src", "test", "resources", "fixtures").toAbsolutePath();
        Path refs = Files.createDirectories(dir.resolve("refs"));
        Files.createSymbolicLink(refs.resolve("tiny_mamba2"), fixtures.resolve("tiny_mamba2"));
        Files.createSymbolicLink(refs.resolve("tiny_mamba2.reference.safetensors"), fixtures.resolve("tiny_mamba2.reference.safetensors"));
        Files.writeString(refs.resolve("status.txt"), "tiny_mamba2: ok (model_type mamba2)\ngla: skipped: fla (flash-linear-attention) is not installed\n");
        SuiteReport r = report("references");
        new HfReferences(r).run(refs, "transformers", List.of("cpu"));
        String table = Files.readString(dir.resolve("results-references.md"));
        assertFalse(r.failed(), table);
        assertTrue(table.contains("| transformers tiny_mamba2: logits of 13 positions on cpu | ok |"), table);
        assertTrue(table.contains("| transformers tiny_mamba2: greedy continuation of 8 tokens on a session (cpu) | ok |"), table);
        assertTrue(table.contains("| transformers gla | skip | fla (flash-linear-attention) is not installed |"), table);

        Files.writeString(refs.resolve("status.txt"), "llama: FAILED: TypeError: bad config\n");
        SuiteReport failing = report("failing");
        new HfReferences(failing).run(refs, "transformers", List.of("cpu"));
        assertTrue(failing.failed(), "a failed reference is a failed check");
    }

    @Test
    void decodePartTimesASmallExampleOnTheCpuEngine() throws Exception {
        SuiteReport r = report("decode");
        var tiny = DecodeLatency.SMALL.stream().filter(s -> s.example().equals("tiny_hybrid")).toList();
        new DecodeLatency(r).run(Path.of("..", "examples"), tiny, List.of("cpu"), 2);
        String table = Files.readString(dir.resolve("results-decode.md"));
        assertFalse(r.failed(), table);
        assertTrue(table.contains("| cpu tiny_hybrid one-token call (no session)"), table);
        assertTrue(table.matches("(?s).*\\| ok \\| \\d+\\.\\d\\d ms median of 2 after 5 warm-up.*"), table);
    }
}
