package org.linlang.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linlang.compiler.diag.DiagnosticPrinter;

/** The example programs in examples/ check without any diagnostic. */
class ExamplesTest {
    @ParameterizedTest
    @ValueSource(strings = {"hello.lin", "tiny_hybrid.lin", "linear_attention.lin", "retention.lin", "gla.lin", "hgrn2.lin",
        "lightning.lin", "mamba2.lin", "deltanet.lin", "gated_deltanet.lin", "liger.lin", "attention.lin",
        "hybrid_gated_deltanet.lin", "hybrid_gla_swa.lin"})
    void checksCleanly(String name) {
        Path file = TestPaths.repositoryRoot().resolve("examples").resolve(name);
        CheckResult result = Frontend.check(file);
        assertTrue(result.diagnostics().isEmpty(), "examples/" + name + ":\n" + DiagnosticPrinter.render(result.diagnostics()));
        assertTrue(result.ok());
    }
}
