package org.linlang.compiler.diag;

import java.util.List;
import org.linlang.compiler.source.Span;

/** Renders diagnostics as a JSON array for editors and tools (`lin check --json`). */
public final class DiagnosticJson {
    private DiagnosticJson() {}

    public static String render(List<Diagnostic> diagnostics) {
        var out = new StringBuilder("[");
        for (int i = 0; i < diagnostics.size(); i++) {
            Diagnostic d = diagnostics.get(i);
            out.append(i == 0 ? "\n  {" : ",\n  {");
            location(out, d.span());
            out.append(",\"severity\":").append(quote(d.severity().label()));
            out.append(",\"code\":").append(quote(d.code().name()));
            out.append(",\"message\":").append(quote(d.message()));
            out.append(",\"notes\":[");
            for (int j = 0; j < d.notes().size(); j++) {
                Diagnostic.Note n = d.notes().get(j);
                out.append(j == 0 ? "{" : ",{");
                if (n.span() != null) {
                    location(out, n.span());
                    out.append(',');
                }
                out.append("\"message\":").append(quote(n.message())).append('}');
            }
            out.append("]}");
        }
        return out.append(diagnostics.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    private static void location(StringBuilder out, Span s) {
        out.append("\"file\":").append(quote(s.source().path()))
                .append(",\"line\":").append(s.line())
                .append(",\"column\":").append(s.column())
                .append(",\"endLine\":").append(s.endLine())
                .append(",\"endColumn\":").append(s.endColumn());
    }

    public static String quote(String s) {
        var out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c)); else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
