package org.linlang.compiler.ir.passes;

import java.util.IdentityHashMap;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.Pass;
import org.linlang.compiler.ir.RecurrenceCall;
import org.linlang.compiler.ir.RecurrenceCall.Algorithm;
import org.linlang.compiler.ir.Rewriter;
import org.linlang.compiler.recurrence.RecurrenceClassifier;
import org.linlang.compiler.recurrence.RecurrenceForm;
import org.linlang.compiler.recurrence.RecurrenceForm.Kind;

/**
 * Pass 3: attaches to every recurrence node its classified form (docs/recurrences.md) and picks
 * its algorithm: {@code chunked} for the diagonal and delta classes in {@code forward},
 * {@code sequential} in {@code step} (one token per call) and for the general and nonlinear
 * classes (no chunked form), each with the reason in words.
 */
public final class ClassifyRecurrences implements Pass {
    @Override public String name() { return "classify-recurrences"; }

    @Override public Graph run(Graph g) {
        Map<Decl.Recurrence, RecurrenceForm> forms = new IdentityHashMap<>();
        return Rewriter.rewrite(g, (n, ins, b) -> {
            if (n.op() != Op.RECURRENCE) return null;
            if (g.program() == null) throw new IrException("classify-recurrences needs the program the graph came from");
            RecurrenceCall rc = n.recurrence();
            RecurrenceForm form = forms.computeIfAbsent(rc.decl(), d -> RecurrenceClassifier.classify(g.program(), d));
            return b.add(Op.RECURRENCE, ins, n.attrs(), choose(rc, form, g.mode()), null);
        });
    }

    /** The algorithm for a recurrence of this form in this entry, with the reason. */
    static RecurrenceCall choose(RecurrenceCall rc, RecurrenceForm form, Graph.Mode mode) {
        Kind k = form.kind();
        if (mode == Graph.Mode.STEP) {
            return rc.classified(form, Algorithm.SEQUENTIAL, "one token per call: the state is read, updated once and written back (class "
                    + k.word() + ")");
        }
        return switch (k) {
            case DIAGONAL, DELTA -> rc.classified(form, Algorithm.CHUNKED, k.word() + " class: " + form.reason());
            case GENERAL, NONLINEAR -> rc.classified(form, Algorithm.SEQUENTIAL, k.word() + " class: " + form.reason());
        };
    }
}
