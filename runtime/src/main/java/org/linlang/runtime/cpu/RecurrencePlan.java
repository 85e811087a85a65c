package org.linlang.runtime.cpu;

import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.recurrence.RecurrenceForm;
import org.linlang.compiler.recurrence.RecurrenceForm.Kind;
import org.linlang.compiler.recurrence.RecurrenceForm.StateForm;
import org.linlang.runtime.tensor.Tensor;

/**
 * How the cpu engine runs a classified recurrence on its kernels: which of the recurrence's inputs
 * are the query, key, value, log-decay and beta, and which kernel family takes them. Derived from
 * the {@link RecurrenceForm} the compiler found, never from the recurrence's name.
 *
 * <p>For now each piece must be one of the recurrence's inputs as written (the query may carry one
 * scalar parameter factor, {@code scale * q}); pieces that are expressions of the inputs (HGRN2's key
 * {@code 1 - exp(gk)}) need a fused prologue that is not built yet, and are refused with that reason.
 */
public record RecurrencePlan(String name, Kind kind, String query, String scale, String key, String value,
                             String logDecay, String beta) {

    /** The plan, or an exception whose message says why this recurrence cannot run on the cpu engine yet. */
    public static RecurrencePlan of(RecurrenceForm form) {
        String n = form.name();
        if (form.kind() != Kind.DIAGONAL && form.kind() != Kind.DELTA) {
            throw new IllegalArgumentException("recurrence " + n + " is " + form.kind().word() + ": " + form.reason());
        }
        if (form.states().size() != 1) throw new IllegalArgumentException("recurrence " + n + " has several states; the cpu kernels take one");
        StateForm s = form.states().getFirst();
        if (!form.output().chunkable() || !form.output().afterUpdate() || form.output().query() == null) {
            throw new IllegalArgumentException("recurrence " + n + "'s output is not one read-out q @ S_t of the updated state");
        }
        Expr q = form.output().query();
        String query;
        String scale = null;
        if (q instanceof Expr.Name qn) {
            query = qn.name();
        } else if (q instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL && b.left() instanceof Expr.Name l && b.right() instanceof Expr.Name r) {
            scale = l.name();
            query = r.name();
        } else {
            throw unsupported(n, "query", q);
        }
        if (s.decay() != null && s.order() != RecurrenceForm.Order.BEFORE) {
            throw new IllegalArgumentException("recurrence " + n + " decays after its write; the cpu kernels decay first");
        }
        String g = null;
        if (s.decay() != null) {
            if (s.decay().space() != RecurrenceForm.Space.LOG) throw unsupported(n, "decay", s.decay().factor());
            g = nameOf(n, "log-decay", s.decay().logDecay());
        }
        if (form.kind() == Kind.DELTA) {
            if (s.delta() == null) throw new IllegalArgumentException("recurrence " + n + " has no delta step");
            if (s.decay() != null && s.decay().perChannel()) throw unsupported(n, "per-channel decay of a delta step", s.decay().factor());
            return new RecurrencePlan(n, Kind.DELTA, query, scale, nameOf(n, "key", s.delta().key()), nameOf(n, "value", s.delta().value()),
                    g, nameOf(n, "beta", s.delta().beta()));
        }
        List<RecurrenceForm.Write> writes = s.writes();
        if (writes.size() != 1) throw new IllegalArgumentException("recurrence " + n + " writes " + writes.size() + " outer products; the kernels take one");
        return new RecurrencePlan(n, Kind.DIAGONAL, query, scale, nameOf(n, "key", writes.getFirst().key()),
                nameOf(n, "value", writes.getFirst().value()), g, null);
    }

    private static String nameOf(String recurrence, String piece, Expr e) {
        if (e instanceof Expr.Name name) return name.name();
        throw unsupported(recurrence, piece, e);
    }

    private static IllegalArgumentException unsupported(String recurrence, String piece, Expr e) {
        return new IllegalArgumentException("recurrence " + recurrence + "'s " + piece + " is the expression `" + e.span().text()
                + "`, not one of its inputs; the cpu engine does not fuse such prologues yet (use --engine interp)");
    }

    /** The inputs this plan reads from a call's tensors. */
    public List<String> tensorInputs() {
        return java.util.stream.Stream.of(query, key, value, logDecay, beta).filter(java.util.Objects::nonNull).toList();
    }

    /** Runs the chunked (prefill) kernel of the plan's family. */
    public RecurrenceResult run(Map<String, Tensor> inputs, double scaleValue, Tensor initialState, boolean outputFinalState) {
        Tensor g = logDecay == null ? null : inputs.get(logDecay);
        return kind == Kind.DELTA
                ? DeltaRecurrence.chunked(inputs.get(query), inputs.get(key), inputs.get(value), inputs.get(beta), g, scaleValue,
                        initialState, outputFinalState)
                : DiagonalRecurrence.chunked(inputs.get(query), inputs.get(key), inputs.get(value), g, scaleValue,
                        initialState, outputFinalState);
    }
}
