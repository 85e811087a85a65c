package org.linlang.compiler.recurrence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.source.Source;
import org.opentest4j.AssertionFailedError;

/**
 * Golden tests of the classifier: every {@code recurrence/X.lin} must check without diagnostics,
 * each of its recurrences must have the class its {@code // expect NAME: CLASS} line states, and
 * the rendered forms of all of them must equal {@code X.expected}.
 *
 * <p>{@code mvn test -pl compiler -Dtest='org.linlang.compiler.recurrence.**' -Dgolden.update=true}
 * rewrites the .expected files from what the classifier prints now (the classes are still checked
 * against the {@code expect} lines); read every changed file before committing it.
 */
class RecurrenceGoldenTest {
    static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final Pattern EXPECT = Pattern.compile("//\\s*expect\\s+(\\w+):\\s*(\\w+)");

    @TestFactory
    Stream<DynamicTest> goldens() {
        return programs().stream().map(file -> DynamicTest.dynamicTest(
                file.getFileName().toString(), file.toUri(), () -> check(file)));
    }

    static Path resources() {
        for (Path p : List.of(Path.of("src/test/resources"), Path.of("compiler/src/test/resources"))) {
            if (Files.isDirectory(p.resolve("recurrence"))) return p.toAbsolutePath().normalize();
        }
        throw new IllegalStateException("cannot find src/test/resources/recurrence from " + Path.of("").toAbsolutePath());
    }

    static List<Path> programs() {
        try (Stream<Path> files = Files.list(resources().resolve("recurrence"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".lin")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks a program of the recurrence folder as the tests do: its path relative to the resources. */
    static CheckResult checkProgram(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String name = resources().relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
        return Frontend.check(new Source(name, text), resources());
    }

    private static void check(Path file) throws IOException {
        CheckResult result = checkProgram(file);
        if (!result.diagnostics().isEmpty()) {
            throw new AssertionFailedError(file.getFileName() + " should check without diagnostics, but got:\n"
                    + DiagnosticPrinter.render(result.diagnostics()));
        }
        List<RecurrenceForm> forms = RecurrenceClassifier.classify(result.program(), result.program().main());
        assertTrue(!forms.isEmpty(), file.getFileName() + " defines no recurrence");

        String text = Files.readString(file, StandardCharsets.UTF_8);
        Matcher m = EXPECT.matcher(text);
        int expectations = 0;
        while (m.find()) {
            expectations++;
            RecurrenceForm form = forms.stream().filter(f -> f.name().equals(m.group(1))).findFirst().orElse(null);
            assertNotNull(form, file.getFileName() + " expects a recurrence " + m.group(1));
            assertEquals(m.group(2), form.kind().word(), file.getFileName() + ": class of " + m.group(1) + "\n" + form);
        }
        assertEquals(forms.size(), expectations, file.getFileName() + " needs one '// expect NAME: CLASS' line per recurrence");

        var rendered = new ArrayList<String>();
        for (RecurrenceForm f : forms) rendered.add(f.toString());
        compare(file, String.join("\n", rendered));
    }

    private static void compare(Path file, String actual) throws IOException {
        String base = file.getFileName().toString();
        Path expectedFile = file.resolveSibling(base.substring(0, base.length() - ".lin".length()) + ".expected");
        String expected = Files.exists(expectedFile)
                ? Files.readString(expectedFile, StandardCharsets.UTF_8).replace("\r\n", "\n") : null;
        if (actual.equals(expected)) return;
        if (UPDATE) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
            System.out.println("golden: wrote " + expectedFile.getFileName());
            return;
        }
        if (expected == null) {
            throw new AssertionFailedError("missing " + expectedFile.getFileName()
                    + " (run with -Dgolden.update=true to create it); the output is:\n" + actual);
        }
        throw new AssertionFailedError("output of " + base + " differs from " + expectedFile.getFileName()
                + ":\n--- expected\n" + expected + "--- actual\n" + actual, expected, actual);
    }
}
