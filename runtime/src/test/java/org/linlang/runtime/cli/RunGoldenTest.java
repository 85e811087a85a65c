package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests of {@code lin run}: every {@code src/test/resources/run/NAME.lin} runs through the CLI
 * and its standard output and error, together, must equal {@code NAME.expected} (format in that
 * folder's README.md). Run with {@code -Dlin.golden.update=true} to rewrite the expected files from
 * the actual output — then review the diff.
 */
class RunGoldenTest {
    static final Path DIR = Path.of("src/test/resources/run");
    private static final boolean UPDATE = Boolean.getBoolean("lin.golden.update");

    @TestFactory
    Stream<DynamicTest> goldens() throws IOException {
        List<Path> programs;
        try (Stream<Path> files = Files.list(DIR)) {
            programs = files.filter(p -> p.toString().endsWith(".lin")).sorted().toList();
        }
        assertTrue(programs.size() >= 15, "expected at least 15 golden programs in " + DIR);
        return programs.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), p.toUri(), () -> check(p)));
    }

    private static void check(Path program) throws IOException {
        String actual = runGolden(program);
        Path expectedFile = expectedFile(program);
        if (UPDATE) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(expectedFile), "missing " + expectedFile + "; run with -Dlin.golden.update=true to create it");
        assertEquals(Files.readString(expectedFile, StandardCharsets.UTF_8), actual, "output of lin run " + program);
        assertFalse(actual.contains("Exception") || actual.contains("\tat "), "a Java stack trace leaked:\n" + actual);
    }

    static Path expectedFile(Path program) {
        String name = program.getFileName().toString();
        return program.resolveSibling(name.substring(0, name.length() - ".lin".length()) + ".expected");
    }

    /** Output in the golden format: the file's path shown as its bare name, then {@code [exit N]} if N != 0. */
    static String runGolden(Path program) {
        CliRunner.Result result = CliRunner.run("run", program.toString());
        return golden(result, program);
    }

    static String golden(CliRunner.Result result, Path program) {
        String out = result.output().replace(program.toString(), program.getFileName().toString());
        if (result.exitCode() != 0) {
            if (!out.isEmpty() && !out.endsWith("\n")) out += "\n";
            out += "[exit " + result.exitCode() + "]\n";
        }
        return out;
    }
}
