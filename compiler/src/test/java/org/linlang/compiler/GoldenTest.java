package org.linlang.compiler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.ProgramSummary;
import org.opentest4j.AssertionFailedError;

/**
 * Golden tests in the style of SimpleLanguage's: every {@code golden/valid/X.lin} must check without
 * diagnostics and print {@code X.expected} as its {@link ProgramSummary}; every
 * {@code golden/invalid/EXXX_name.lin} must report diagnostics, the first of them (its main error)
 * with code EXXX, rendered exactly as {@code X.expected}. Paths in the output are relative to the test
 * resources, so the files pass from any checkout. Programs in the {@code lib/} folders are only
 * imported by others; {@code golden/pending/} holds programs the checker does not handle yet.
 *
 * <p>{@code mvn test -pl compiler -Dtest=GoldenTest -Dgolden.update=true} rewrites the .expected files
 * from what the checker prints now; read every changed file before committing it.
 */
class GoldenTest {
    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    @TestFactory
    Stream<DynamicTest> valid() {
        return TestPaths.golden("valid").stream().map(file -> DynamicTest.dynamicTest(
                "valid/" + file.getFileName(), file.toUri(), () -> checkValid(file)));
    }

    @TestFactory
    Stream<DynamicTest> invalid() {
        return TestPaths.golden("invalid").stream().map(file -> DynamicTest.dynamicTest(
                "invalid/" + file.getFileName(), file.toUri(), () -> checkInvalid(file)));
    }

    /** Checks one golden program the way the tests do: relative path, imports next to it. */
    static CheckResult check(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return Frontend.check(new Source(TestPaths.relativeName(file), text), TestPaths.resources());
    }

    private static void checkValid(Path file) throws IOException {
        CheckResult result = check(file);
        if (!result.diagnostics().isEmpty()) {
            throw new AssertionFailedError(TestPaths.relativeName(file) + " should check without diagnostics, but got:\n"
                    + DiagnosticPrinter.render(result.diagnostics()));
        }
        assertTrue(result.program() != null, "no program for " + file);
        compare(file, ProgramSummary.render(result.program()));
    }

    private static void checkInvalid(Path file) throws IOException {
        CheckResult result = check(file);
        String rendered = DiagnosticPrinter.render(result.diagnostics());
        assertFalse(result.diagnostics().isEmpty(), TestPaths.relativeName(file) + " should not check, but it does");
        String name = file.getFileName().toString();
        String code = name.substring(0, name.indexOf('_'));
        List<String> codes = result.diagnostics().stream().map(Diagnostic::code).map(Enum::name).toList();
        assertTrue(codes.getFirst().equals(code), name + " is named after " + code + ", its main error, but reports "
                + codes + " (the first in source order is the main one):\n" + rendered);
        assertFalse(codes.contains("E099"), "internal error:\n" + rendered);
        compare(file, rendered);
    }

    private static void compare(Path file, String actual) throws IOException {
        String base = file.getFileName().toString();
        Path expectedFile = file.resolveSibling(base.substring(0, base.length() - ".lin".length()) + ".expected");
        String expected = Files.exists(expectedFile)
                ? Files.readString(expectedFile, StandardCharsets.UTF_8).replace("\r\n", "\n") : null;
        if (actual.equals(expected)) return;
        if (UPDATE) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
            System.out.println("golden: wrote " + TestPaths.relativeName(expectedFile));
            return;
        }
        if (expected == null) {
            throw new AssertionFailedError("missing " + TestPaths.relativeName(expectedFile)
                    + " (run with -Dgolden.update=true to create it); the output is:\n" + actual);
        }
        throw new AssertionFailedError("output of " + TestPaths.relativeName(file) + " differs from "
                + expectedFile.getFileName() + " (- expected, + actual):\n" + diff(expected, actual), expected, actual);
    }

    /** A line diff (longest common subsequence) with two lines of context around each change. */
    static String diff(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                lines.add("  " + a[i]);
                i++;
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                lines.add("- " + a[i++]);
            } else {
                lines.add("+ " + b[j++]);
            }
        }
        var out = new StringBuilder();
        int lastShown = -1;
        for (int k = 0; k < lines.size(); k++) {
            boolean near = false;
            for (int d = -2; d <= 2 && !near; d++) {
                int m = k + d;
                near = m >= 0 && m < lines.size() && !lines.get(m).startsWith("  ");
            }
            if (!near) continue;
            if (lastShown >= 0 && k > lastShown + 1) out.append("  ...\n");
            out.append(lines.get(k)).append('\n');
            lastShown = k;
        }
        return out.toString();
    }
}
