package org.linlang.compiler.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.linlang.compiler.source.Span;

/** Collects diagnostics from every phase, so one run reports all the errors it can find. */
public final class Diagnostics {
    private final List<Diagnostic> all = new ArrayList<>();

    public Diagnostic error(Code code, Span span, String message) {
        return add(new Diagnostic(Severity.ERROR, code, span, message, List.of()));
    }

    public Diagnostic add(Diagnostic d) {
        // The same problem found twice (e.g. through two imports of one file) is reported once.
        for (Diagnostic seen : all) {
            if (seen.code() == d.code() && seen.span().equals(d.span()) && seen.message().equals(d.message())) {
                return seen;
            }
        }
        all.add(d);
        return d;
    }

    /** Replaces a diagnostic by a richer version of itself (with notes added). */
    public void replace(Diagnostic old, Diagnostic richer) {
        int i = all.indexOf(old);
        if (i >= 0) all.set(i, richer); else all.add(richer);
    }

    public boolean hasErrors() {
        return all.stream().anyMatch(d -> d.severity() == Severity.ERROR);
    }

    public int errorCount() {
        return (int) all.stream().filter(d -> d.severity() == Severity.ERROR).count();
    }

    /** In source order: by file, then position. */
    public List<Diagnostic> sorted() {
        var copy = new ArrayList<>(all);
        copy.sort(Comparator.comparing((Diagnostic d) -> d.span().source().path())
                .thenComparingInt(d -> d.span().start())
                .thenComparing(d -> d.code().name()));
        return copy;
    }

    public List<Diagnostic> all() { return List.copyOf(all); }

    public int size() { return all.size(); }
}
