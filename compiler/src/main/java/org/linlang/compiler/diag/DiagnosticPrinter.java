package org.linlang.compiler.diag;

import java.util.List;
import org.linlang.compiler.source.Span;

/**
 * Renders diagnostics for people:
 * <pre>
 * model.lin:14:13: error[E031]: cannot broadcast [B, T, 512] with [B, T, 256]
 *    14 |     let y = x * gate
 *       |             ^^^^^^^^
 * model.lin:9:18: note: dimension 'd' is 256 here
 *     9 |     gate: f32[B, T, 256]
 *       |                     ^^^
 * </pre>
 */
public final class DiagnosticPrinter {
    private DiagnosticPrinter() {}

    public static String render(List<Diagnostic> diagnostics) {
        var out = new StringBuilder();
        for (Diagnostic d : diagnostics) out.append(render(d));
        return out.toString();
    }

    public static String render(Diagnostic d) {
        var out = new StringBuilder();
        out.append(d.span()).append(": ").append(d.severity().label())
                .append('[').append(d.code().name()).append("]: ").append(d.message()).append('\n');
        excerpt(out, d.span());
        for (Diagnostic.Note note : d.notes()) {
            if (note.span() == null) {
                out.append("  = note: ").append(note.message()).append('\n');
            } else {
                out.append(note.span()).append(": note: ").append(note.message()).append('\n');
                excerpt(out, note.span());
            }
        }
        return out.toString();
    }

    /**
     * The first line of the span with a caret underline; a multi-line span is underlined to its
     * line's end. Runtime errors use it too, so every message Lin prints looks the same.
     */
    public static void excerpt(StringBuilder out, Span span) {
        int line = span.line();
        String text = span.source().lineText(line).replace('\t', ' ');
        int from = span.column() - 1;
        int to = span.endLine() == line ? span.endColumn() - 1 : text.length();
        if (to <= from) to = from + 1;
        String number = Integer.toString(line);
        String gutter = " ".repeat(Math.max(0, 5 - number.length()));
        out.append(gutter).append(number).append(" | ").append(text).append('\n');
        out.append(" ".repeat(gutter.length() + number.length())).append(" | ")
                .append(" ".repeat(Math.min(from, text.length())))
                .append("^".repeat(to - from)).append('\n');
    }
}
