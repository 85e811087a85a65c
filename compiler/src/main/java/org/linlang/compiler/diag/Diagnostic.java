package org.linlang.compiler.diag;

import java.util.List;
import org.linlang.compiler.source.Span;

/** One problem in a source: where, which code, what, and notes pointing at related places. */
public record Diagnostic(Severity severity, Code code, Span span, String message, List<Note> notes) {
    public Diagnostic {
        notes = List.copyOf(notes);
    }

    /** A related location ("dimension 'd' is 256 here") or a hint without a location. */
    public record Note(Span span, String message) {}

    public Diagnostic withNote(Span where, String message) {
        var all = new java.util.ArrayList<>(notes);
        all.add(new Note(where, message));
        return new Diagnostic(severity, code, span, message(), all);
    }
}
