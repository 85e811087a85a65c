package org.linlang.compiler;

import java.util.List;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.Severity;
import org.linlang.compiler.types.Program;

/**
 * What the front end produces for one entry file: the checked program (null when the file did not
 * parse) and every diagnostic, in source order.
 */
public record CheckResult(Program program, List<Diagnostic> diagnostics) {
    public CheckResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean ok() {
        return program != null && diagnostics.stream().noneMatch(d -> d.severity() == Severity.ERROR);
    }
}
