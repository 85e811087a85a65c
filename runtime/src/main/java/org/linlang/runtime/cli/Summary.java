package org.linlang.runtime.cli;

import java.util.List;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.Severity;

/** "2 errors in a.lin", "1 error and 1 warning in a.lin", "no errors in a.lin". */
final class Summary {
    private Summary() {}

    static String of(List<Diagnostic> diagnostics, String file) {
        long errors = diagnostics.stream().filter(d -> d.severity() == Severity.ERROR).count();
        long warnings = diagnostics.stream().filter(d -> d.severity() == Severity.WARNING).count();
        if (errors == 0 && warnings == 0) return "no errors in " + file;
        String e = errors == 0 ? null : count(errors, "error");
        String w = warnings == 0 ? null : count(warnings, "warning");
        String both = e == null ? w : w == null ? e : e + " and " + w;
        return both + " in " + file;
    }

    private static String count(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
