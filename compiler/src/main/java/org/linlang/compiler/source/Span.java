package org.linlang.compiler.source;

/** A half-open range [start, end) of characters in a source; every AST node carries one. */
public record Span(Source source, int start, int end) {
    public Span {
        if (end < start) end = start;
    }

    public int line() { return source.line(start); }
    public int column() { return source.column(start); }
    public int endLine() { return source.line(Math.max(start, end - 1)); }
    public int endColumn() { return source.column(end); }

    /** The smallest span covering both. */
    public Span to(Span other) {
        return new Span(source, Math.min(start, other.start), Math.max(end, other.end));
    }

    /** "line:col", as diagnostics print a related location. */
    public String position() { return line() + ":" + column(); }

    public String text() { return source.text().substring(start, Math.min(end, source.text().length())); }

    @Override public String toString() { return source.path() + ":" + position(); }
}
