package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;

/**
 * The checked signatures of a module's definitions and the types of its script's lets, one per line:
 * what `lin check --types` prints and what the valid golden tests compare.
 */
public final class ProgramSummary {
    private ProgramSummary() {}

    public static String render(Program program) {
        var out = new StringBuilder();
        Checker ch = program.checker();
        for (Decl d : program.main().decls()) {
            switch (d) {
                case Decl.Fn f -> {
                    Signature s = ch.fnSignature(f);
                    if (s != null) out.append("fn ").append(signature(s)).append('\n');
                }
                case Decl.Recurrence r -> {
                    Checker.RecurrenceInfo info = ch.recurrenceInfo(r);
                    if (info == null) break;
                    out.append("recurrence ").append(signature(info.step())).append('\n');
                    info.states().forEach((n, t) -> out.append("  state ").append(n).append(": ").append(t).append('\n'));
                }
                case Decl.Block b -> {
                    Signature ctor = ch.blockSignature(b);
                    out.append(b.kindWord()).append(' ').append(b.name()).append('(').append(params(ctor)).append(")\n");
                    Checker.BlockInfo info = ch.blockInfo(b);
                    if (info == null) break;
                    info.members().forEach((n, t) -> out.append("  ").append(n).append(": ").append(t).append('\n'));
                    info.states().forEach((n, st) -> out.append("  state ").append(n).append(": ").append(st.type()).append('\n'));
                    info.methods().forEach((n, s) -> out.append("  ").append(signature(s)).append('\n'));
                }
            }
        }
        for (Map.Entry<String, Type> e : program.scriptLets().entrySet()) {
            out.append("let ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        return out.toString();
    }

    private static String signature(Signature s) {
        return s.name() + "(" + params(s) + ")" + (s.result() == null ? "" : " -> " + s.result());
    }

    private static String params(Signature s) {
        List<String> ps = new ArrayList<>();
        for (Signature.Param p : s.params()) ps.add(p.name() + ": " + p.type() + (p.defaultValue() != null ? " = " + p.defaultValue().span().text() : ""));
        return String.join(", ", ps);
    }
}
