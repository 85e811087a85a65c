package org.linlang.compiler.recurrence;

import org.linlang.compiler.recurrence.RecurrenceForm.Decay;
import org.linlang.compiler.recurrence.RecurrenceForm.Output;
import org.linlang.compiler.recurrence.RecurrenceForm.Phase;
import org.linlang.compiler.recurrence.RecurrenceForm.Readout;
import org.linlang.compiler.recurrence.RecurrenceForm.StateForm;
import org.linlang.compiler.recurrence.RecurrenceForm.Write;

/**
 * Renders a {@link RecurrenceForm} as text, one fact a line: the class and its reason, then per
 * state the extracted pieces, then the output. What {@code lin explain} prints and the golden
 * tests compare.
 */
public final class FormPrinter {
    private FormPrinter() {}

    public static String render(RecurrenceForm f) {
        var out = new StringBuilder();
        out.append("recurrence ").append(f.name()).append(": ").append(f.kind().word()).append('\n');
        out.append("  reason: ").append(f.reason()).append('\n');
        for (StateForm s : f.states()) state(out, s, f.states().size() > 1);
        output(out, f.output());
        return out.toString();
    }

    private static void state(StringBuilder out, StateForm s, boolean withReason) {
        out.append("  state ").append(s.name()).append(": ").append(s.shape()).append(": ").append(s.kind().word()).append('\n');
        if (withReason) out.append("    reason: ").append(s.reason()).append('\n');
        boolean chunkable = s.kind() == RecurrenceForm.Kind.DIAGONAL || s.kind() == RecurrenceForm.Kind.DELTA;
        if (!chunkable) return;
        out.append("    decay: ").append(s.decay() == null ? "none" : decay(s.decay()));
        if (s.order() != null) {
            out.append(", ").append(s.order() == RecurrenceForm.Order.BEFORE ? "before" : "after")
                    .append(s.delta() != null ? " the delta step" : " the write");
        }
        out.append('\n');
        if (s.delta() != null) {
            out.append("    key: ").append(ExprPrinter.print(s.delta().key())).append('\n');
            out.append("    beta: ").append(ExprPrinter.print(s.delta().beta())).append('\n');
            out.append("    value: ").append(ExprPrinter.print(s.delta().value())).append('\n');
        }
        for (Write w : s.writes()) {
            out.append("    write: key ").append(ExprPrinter.print(w.key()));
            if (w.value() != null) out.append(", value ").append(ExprPrinter.print(w.value()));
            out.append('\n');
        }
    }

    private static String decay(Decay d) {
        return ExprPrinter.print(d.factor()) + (d.perChannel() ? " per key channel" : " per step") + ", log-decay "
                + ExprPrinter.print(d.logDecay()) + switch (d.space()) {
                    case LOG -> " (log space)";
                    case MULTIPLICATIVE -> " (multiplicative: log taken)";
                    case MIXED -> " (mixed: log taken of the factors)";
                };
    }

    private static void output(StringBuilder out, Output o) {
        if (o.problem() != null) {
            out.append("  output: general: ").append(o.problem()).append('\n');
            return;
        }
        if (o.combination() == null) {
            out.append("  output: ").append(readout(o.readouts().getFirst())).append('\n');
            return;
        }
        out.append("  output: ").append(ExprPrinter.print(o.combination())).append('\n');
        for (Readout r : o.readouts()) out.append("    ").append(r.name()).append(" = ").append(readout(r)).append('\n');
    }

    private static String readout(Readout r) {
        boolean after = r.phase() == Phase.AFTER_UPDATE;
        String when = after ? "_t (after the update)" : "_{t-1} (before the update)";
        if (r.query() == null) return r.state() + when + ", the whole vector state";
        return Formula.factor(r.query()) + " @ " + r.state() + when;
    }
}
