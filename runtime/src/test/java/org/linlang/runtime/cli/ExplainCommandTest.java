package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {
    @Test
    void explainsTheStandardLibrarysRecurrences() {
        var r = CliRunner.run("explain", "std.ops");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("recurrence gla: diagonal"), r.output());
        assertTrue(r.output().contains("recurrence gated_delta_rule: delta"), r.output());
    }

    @Test
    void explainsAUsersRecurrenceAndWhyItCannotBeChunked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rnn.lin");
        Files.writeString(file, """
                recurrence squash(k: [K], v: [V]) -> [K, V]
                    state S: [K, V] = 0
                {
                    S = tanh(S + outer(k, v))
                    emit S
                }
                """);
        var r = CliRunner.run("explain", file.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("recurrence squash: nonlinear"), r.output());
        assertTrue(r.output().contains("4:9"), r.output());
    }

    @Test
    void aFileWithErrorsIsReportedNotExplained(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.lin");
        Files.writeString(file, "recurrence r(k: [K]) -> [K] { emit k @ k }\n");
        var r = CliRunner.run("explain", file.toString());
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("error[E053]"), r.output());
    }
}
