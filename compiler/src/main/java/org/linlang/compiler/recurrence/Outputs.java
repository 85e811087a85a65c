package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Ident;
import org.linlang.compiler.recurrence.RecurrenceForm.Output;
import org.linlang.compiler.recurrence.RecurrenceForm.Phase;
import org.linlang.compiler.recurrence.RecurrenceForm.Readout;
import org.linlang.compiler.types.Dim;

/**
 * Analyses the emitted value in the environment of current state values. Its largest sub-expressions
 * that are linear in the states must be read-outs {@code q̃ @ S} (the state contracted over its key
 * axis); whatever is around them (a normalisation, a non-linear function) is applied after the
 * chunked kernel and kept as the combination {@code f(r1, r2, …)}.
 */
final class Outputs {
    private final Ctx cx;
    private final StepEvaluator ev;
    private final Map<String, Readout> readouts = new LinkedHashMap<>();

    Outputs(Ctx cx, StepEvaluator ev) {
        this.cx = cx;
        this.ev = ev;
    }

    /** Why the output cannot be produced from read-outs: the message is the reason. */
    private static final class NotReadout extends Exception {
        NotReadout(String reason) {
            super(reason, null, false, false);
        }
    }

    Output analyse() {
        StepEvaluator.Emit emit = ev.emit();
        if (emit == null) return new Output(List.of(), null, "the step emits nothing");
        try {
            if (emit.nestedIn() != null) {
                throw new NotReadout("the output is emitted inside " + emit.nestedIn() + ", so not at every step");
            }
            Expr combination = walk(emit.stmt().value(), emit.env(), null, emit);
            if (readouts.isEmpty()) throw new NotReadout("the output `" + cx.text(emit.stmt().value()) + "` reads no state");
            boolean single = readouts.size() == 1 && combination instanceof Expr.Name n
                    && n.name().equals(readouts.values().iterator().next().name());
            return new Output(new ArrayList<>(readouts.values()), single ? null : combination, null);
        } catch (NotReadout e) {
            return new Output(new ArrayList<>(readouts.values()), null, e.getMessage());
        }
    }

    private Expr walk(Expr e, StepEvaluator.Env env, Expr parent, StepEvaluator.Emit emit) throws NotReadout {
        Val v = ev.eval(e, env);
        switch (v) {
            case Val.Free f -> {
                return f.expr();
            }
            case Val.Lin l -> {
                return readout(l, e, parent, emit);
            }
            case Val.NonLin nl -> {
                if (e instanceof Expr.Name n && env.get(n.name()) != null && env.get(n.name()).def() != null) {
                    StepEvaluator.Binding b = env.get(n.name());
                    return walk(b.def(), b.defEnv(), parent, emit);
                }
                List<Expr> kids = Exprs.children(e);
                if (kids.isEmpty()) throw new NotReadout("the output " + nl.why());
                var walked = new ArrayList<Expr>();
                for (Expr k : kids) walked.add(walk(k, env, e, emit));
                Expr out = Exprs.withChildren(e, walked);
                return out == e ? e : cx.shaped(out, cx.shape(e));
            }
        }
    }

    /** A linear sub-expression of the output as a sum of read-out placeholders (and its free part). */
    private Expr readout(Val.Lin l, Expr e, Expr parent, StepEvaluator.Emit emit) throws NotReadout {
        String around = parent == null ? "" : " inside `" + cx.text(parent) + "`";
        var groups = new LinkedHashMap<String, List<Term>>();
        for (Term t : l.terms()) {
            if (t.isOpaque()) throw new NotReadout("the output " + t.opaque() + around);
            boolean contracted = !t.rowsKept() && !t.transposed();
            boolean wholeVector = t.stateRank() == 1 && t.rowsKept() && !(t.left() instanceof Term.Rank1);
            if (!(contracted || wholeVector) || t.w() != null) {
                throw new NotReadout("the output uses `" + cx.text(e) + "`" + position(e) + around + ", which is not a read-out q @ "
                        + t.state() + (t.w() != null ? " (it contracts the value axis)" : " (it needs the whole state)")
                        + ": the chunked forms give only read-outs of the state");
            }
            groups.computeIfAbsent(t.state() + "#" + t.version() + "#" + contracted + "#" + t.left() + "#" + t.right(),
                    k -> new ArrayList<>()).add(t);
        }
        Expr sum = null;
        for (List<Term> g : groups.values()) {
            Term first = g.getFirst();
            Phase phase = phase(first, e, emit);
            Expr r;
            if (first.rowsKept()) {
                // A vector state read whole (an EMA's emit m): the read-out is the state itself, scaled elementwise.
                var coefficients = new ArrayList<Factors>();
                for (Term t : g) coefficients.add(t.coeff());
                Factors coeff = Factors.sum(coefficients, cx, e.span());
                r = placeholder(first.state(), null, phase, first, e);
                if (first.left() instanceof Term.Diag(Factors d)) r = cx.mul(r, d.toExpr(cx, e.span()));
                if (!coeff.isOne()) r = cx.mul(coeff.toExpr(cx, e.span()), r);
            } else {
                var parts = new ArrayList<Factors>();
                for (Term t : g) parts.add(t.coeff().times(t.x()));
                Expr query = Factors.sum(parts, cx, e.span()).toExpr(cx, e.span());
                r = placeholder(first.state(), query, phase, first, e);
                if (first.right() instanceof Term.Diag(Factors d)) r = cx.mul(r, d.toExpr(cx, e.span()));
                else if (first.right() instanceof Term.Rank1) {
                    throw new NotReadout("the output multiplies the read-out `" + cx.text(e) + "` by a matrix on the value side");
                }
            }
            sum = sum == null ? r : cx.add(sum, r);
        }
        if (l.free() != null) sum = cx.add(sum, l.free());
        return sum;
    }

    private Phase phase(Term t, Expr e, StepEvaluator.Emit emit) throws NotReadout {
        int last = ev.finalVersion(t.state());
        if (t.version() == last) return Phase.AFTER_UPDATE;
        if (t.version() == 0) return Phase.BEFORE_UPDATE;
        throw new NotReadout("the output reads " + t.state() + " between its updates (`" + cx.text(e) + "`" + position(e)
                + " sees it after " + t.version() + " of its " + last + " assignments): the chunked forms give S_t or S_{t-1} only");
    }

    private Expr placeholder(String state, Expr query, Phase phase, Term t, Expr e) {
        String key = state + "#" + phase + "#" + (query == null ? "whole" : Factors.key(query, cx));
        Readout r = readouts.get(key);
        if (r == null) {
            r = new Readout("r" + (readouts.size() + 1), state, query, phase);
            readouts.put(key, r);
        }
        List<Dim> shape = t.stateRank() == 2 ? List.of(t.dims().get(1)) : query == null ? t.dims() : List.of();
        return cx.shaped(new Expr.Name(new Ident(r.name(), e.span())), shape);
    }

    private static String position(Expr e) {
        return e.span() == null ? "" : " at " + e.span().position();
    }
}
