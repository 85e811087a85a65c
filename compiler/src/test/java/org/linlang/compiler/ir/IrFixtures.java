package org.linlang.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.Program;
import org.opentest4j.AssertionFailedError;

/** Programs for the middle-end tests: the test resources under {@code ir/}, the examples, inline text. */
final class IrFixtures {
    private IrFixtures() {}

    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    /** {@code compiler/src/test/resources/ir}, whether Maven runs from {@code compiler/} or the root. */
    static Path resources() {
        for (Path p : List.of(Path.of("src/test/resources/ir"), Path.of("compiler/src/test/resources/ir"))) {
            if (Files.isDirectory(p)) return p.toAbsolutePath().normalize();
        }
        throw new IllegalStateException("cannot find src/test/resources/ir from " + Path.of("").toAbsolutePath());
    }

    static Path examples() { return resources().getParent().getParent().getParent().getParent().getParent().resolve("examples"); }

    /** A checked program from a file; fails the test on any diagnostic. */
    static Program check(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return check(new Source(file.getFileName().toString(), text), file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A checked program from text (imports of std work). */
    static Program check(String text) { return check(new Source("test.lin", text), resources()); }

    private static Program check(Source source, Path base) {
        CheckResult r = Frontend.check(source, base);
        assertTrue(r.ok() && r.diagnostics().isEmpty(), source.path() + ":\n" + DiagnosticPrinter.render(r.diagnostics()));
        return r.program();
    }

    static Program tinyHybrid() { return check(examples().resolve("tiny_hybrid.lin")); }

    /** Compares text with a golden file, or rewrites it with {@code -Dgolden.update=true}. */
    static void golden(Path expected, String actual) {
        try {
            if (UPDATE) {
                Files.writeString(expected, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(expected)) throw new AssertionFailedError("missing golden file " + expected + " (run with -Dgolden.update=true):\n" + actual);
            String want = Files.readString(expected, StandardCharsets.UTF_8);
            if (!want.equals(actual)) throw new AssertionFailedError(expected.getFileName() + " differs", want, actual);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
