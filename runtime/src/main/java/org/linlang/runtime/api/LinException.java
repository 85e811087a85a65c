package org.linlang.runtime.api;

import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.source.Span;

/**
 * A Lin program failed. {@link #getMessage()} is the report the command line prints: the place as
 * {@code file:line:col}, the message, and the source line with a caret. For a program that does not
 * check it lists every diagnostic.
 */
public final class LinException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** Found before anything ran: syntax, names, types and shapes, or an import that is not allowed. */
        CHECK,
        /** Raised by the running program (division by zero, a file it may not read, …). */
        RUNTIME,
        /** Stopped from outside ({@code Lin.close()}, an interrupt). */
        INTERRUPTED,
        /** A bug in Lin itself. */
        INTERNAL
    }

    private final Kind kind;
    private final String file;
    private final int line;
    private final int column;

    private LinException(String message, Kind kind, String file, int line, int column, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public Kind kind() { return kind; }

    /** The file (or input name, such as {@code <eval 2>}) where it happened, or null when unknown. */
    public String file() { return file; }

    /** 1-based line, or 0 when unknown. */
    public int line() { return line; }

    /** 1-based column, or 0 when unknown. */
    public int column() { return column; }

    /** A problem found outside any program (a checkpoint folder's files): a RUNTIME error without a place. */
    static LinException runtime(String message) {
        return new LinException(message, Kind.RUNTIME, null, 0, 0, null);
    }

    static LinException of(PolyglotException e) {
        SourceSection at = e.getSourceLocation();
        String file = null;
        int line = 0;
        int column = 0;
        if (at != null) {
            var source = at.getSource();
            file = source.getPath() != null ? source.getPath() : source.getName();
            line = at.hasLines() ? at.getStartLine() : 0;
            column = at.hasColumns() ? at.getStartColumn() : 0;
        }
        Kind kind = e.isSyntaxError() ? Kind.CHECK
                : e.isInterrupted() || e.isCancelled() ? Kind.INTERRUPTED
                : e.isInternalError() || e.isHostException() ? Kind.INTERNAL
                : Kind.RUNTIME;
        String message;
        if (kind == Kind.CHECK) {
            message = e.getMessage(); // every diagnostic, rendered by the compiler
        } else if (kind == Kind.INTERNAL) {
            message = "internal error in Lin (" + e.getMessage() + "); please report it";
        } else if (at != null && at.hasCharIndex()) {
            var text = new Source(file, at.getSource().getCharacters().toString());
            Span span = new Span(text, at.getCharIndex(), at.getCharEndIndex());
            var out = new StringBuilder().append(span).append(": error: ").append(e.getMessage()).append('\n');
            DiagnosticPrinter.excerpt(out, span);
            message = out.toString().stripTrailing();
        } else {
            message = "error: " + e.getMessage();
        }
        return new LinException(message, kind, file, line, column, e);
    }
}
