package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.recurrence.RecurrenceForm.Decay;
import org.linlang.compiler.recurrence.RecurrenceForm.Delta;
import org.linlang.compiler.recurrence.RecurrenceForm.Kind;
import org.linlang.compiler.recurrence.RecurrenceForm.Order;
import org.linlang.compiler.recurrence.RecurrenceForm.Space;
import org.linlang.compiler.recurrence.RecurrenceForm.StateForm;
import org.linlang.compiler.recurrence.RecurrenceForm.Write;
import org.linlang.compiler.source.Span;
import org.linlang.compiler.types.Dim;

/**
 * Classifies one state's update from its symbolic value {@code S_t = free + Σ terms(S_{t-1})}:
 * the terms give the transition A_t (diagonal terms {@code c · diag(d) S} and rank-one terms
 * {@code c · a bᵀ S}), the free part gives the writes {@code Σ x uᵀ}.
 */
final class Transitions {
    private static final String CHUNK_DIAG = "chunked with cumulative log-space gates";
    private static final String CHUNK_DELTA = "chunked via the WY/UT representation";
    private static final String SEQUENTIAL = "runs sequential (generic step kernel)";

    private final Ctx cx;

    Transitions(Ctx cx) {
        this.cx = cx;
    }

    /** Why the classification stops at general, as an exception: its message is the reason. */
    static final class NotChunkable extends Exception {
        NotChunkable(String reason) {
            super(reason, null, false, false);
        }
    }

    StateForm classify(String name, String shape, Val value, int assignments, List<Dim> dims) {
        if (assignments == 0) {
            return general(name, shape, name + " is never assigned in the step, so it keeps its initial value: there is no recurrence to chunk");
        }
        switch (value) {
            case Val.NonLin nl -> {
                return new StateForm(name, shape, Kind.NONLINEAR, name + "_t is not linear in the states: " + nl.why()
                        + "; no chunked form, " + SEQUENTIAL, null, null, null, List.of());
            }
            case Val.Free f -> {
                String loop = cx.inexpressible(f.expr());
                return general(name, shape, name + "_t does not depend on " + name + "_{t-1}: the step overwrites it with `"
                        + cx.text(f.expr()) + "`" + (loop != null ? " (" + loop + ")" : ""));
            }
            case Val.Lin l -> {
                try {
                    return linear(name, shape, l, dims);
                } catch (NotChunkable e) {
                    return general(name, shape, e.getMessage());
                }
            }
        }
    }

    private StateForm general(String name, String shape, String why) {
        return new StateForm(name, shape, Kind.GENERAL, why + "; " + SEQUENTIAL, null, null, null, List.of());
    }

    // ---- linear updates --------------------------------------------------------------------------

    /** The transition's diagonal part {@code γ · diag(α)} (α is ONE for a scalar decay) and where it came from. */
    private record DiagPart(Factors gamma, Factors alpha, Factors whole, Span origin) {}

    /** The transition's rank-one part {@code c · a bᵀ} with the scalars of a and b moved into c. */
    private record Rank1Part(Factors c, Factors a, Factors b, Span origin) {}

    private StateForm linear(String name, String shape, Val.Lin l, List<Dim> dims) throws NotChunkable {
        var diag = new ArrayList<Term>();
        var rank1 = new ArrayList<Term>();
        for (Term t : l.terms()) {
            String at = t.origin() == null ? "" : " (at " + t.origin().position() + ")";
            if (!t.state().equals(name)) {
                throw new NotChunkable("the state " + t.state() + " feeds the update of " + name + at
                        + ": coupled states have no chunked form");
            }
            if (t.isOpaque()) throw new NotChunkable(name + "_t is linear in " + name + "_{t-1}, but " + t.opaque());
            if (t.transposed()) throw new NotChunkable("the update of " + name + " uses its transpose" + at);
            if (t.rank() != dims.size()) throw new NotChunkable("the update of " + name + " reads it in an unexpected shape" + at);
            if (!(t.right() instanceof Term.Id)) {
                throw new NotChunkable("the update" + at + " multiplies " + name + " on the value side by "
                        + describe(t.right(), name) + ": the chunked forms decay and erase along the key channels only");
            }
            if (t.left() instanceof Term.Rank1) rank1.add(t);
            else diag.add(t);
        }
        List<WriteTerm> writes = writes(l.free(), name, dims);
        if (rank1.isEmpty()) return diagonal(name, shape, diag, writes);
        return delta(name, shape, diag, rank1, writes);
    }

    private StateForm diagonal(String name, String shape, List<Term> diag, List<WriteTerm> writes) throws NotChunkable {
        if (diag.isEmpty()) {
            throw new NotChunkable(name + "_t does not depend on " + name + "_{t-1}: its terms cancel");
        }
        DiagPart d = diagPart(diag);
        Decay decay = decay(d.whole(), name);
        Order order = null;
        if (decay != null && !writes.isEmpty()) {
            boolean after = true;
            for (WriteTerm w : writes) after &= carries(w.value() == null ? w.key() : w.key().times(w.value()), d.whole());
            order = after ? Order.AFTER : Order.BEFORE;
        }
        List<Write> ws = new ArrayList<>();
        for (WriteTerm w : writes) ws.add(w.toWrite(cx));
        var out = new StringBuilder();
        out.append(name).append("_t = ").append(decay == null ? "" : Formula.decayText(decay) + " ").append(name).append("_{t-1}")
                .append(Formula.writesText(ws)).append(": ");
        if (decay == null) {
            out.append("A_t = I, no decay (linear attention); chunked without gates");
        } else {
            out.append(decay.perChannel() ? "A_t = diag(α_t), one decay per key channel" : "A_t = γ_t I, one decay per step");
            out.append(", log-decay ").append(ExprPrinter.print(decay.logDecay()));
            out.append(switch (decay.space()) {
                case LOG -> " (given in log space)";
                case MULTIPLICATIVE -> " (given as a factor: the log is taken)";
                case MIXED -> " (given partly as a factor: the log is taken)";
            });
            if (order == Order.AFTER) out.append("; the decay follows the write, so the written term carries it");
            out.append("; ").append(CHUNK_DIAG);
        }
        return new StateForm(name, shape, Kind.DIAGONAL, out.toString(), decay, null, order, ws);
    }

    private StateForm delta(String name, String shape, List<Term> diag, List<Term> rank1, List<WriteTerm> writes)
            throws NotChunkable {
        Rank1Part r = rank1Part(rank1, name);
        if (diag.isEmpty()) {
            throw new NotChunkable("the transition " + Formula.rank1Text(r.c(), r.a(), r.b(), cx)
                    + " (at " + r.origin().position() + ") has no diagonal part, so it is not a delta step I − β k kᵀ");
        }
        DiagPart d = diagPart(diag);
        String at = " (at " + r.origin().position() + ")";
        Factors key;
        if (d.alpha().isOne()) {
            if (!r.a().sameAs(r.b())) throw new NotChunkable(dplr(r, d, at));
            key = r.a();
        } else if (r.b().sameAs(r.a().times(d.alpha()))) {
            key = r.a();   // (I − β k kᵀ) diag(α): the decay comes first (KDA)
        } else if (r.a().sameAs(r.b().times(d.alpha()))) {
            throw new NotChunkable("the per-channel decay diag(" + print(d.alpha()) + ") follows the delta step" + at
                    + ": A_t = diag(α)(I − β k kᵀ) is not the form (I − β k kᵀ) diag(α) of the chunked algorithm (KDA);"
                    + " decay the state before the delta step");
        } else if (r.a().sameAs(r.b())) {
            throw new NotChunkable("the per-channel decay diag(" + print(d.alpha()) + ") and the rank-one term"
                    + at + " are added, not multiplied: A_t = diag(α) + c k kᵀ is not a decayed delta step");
        } else {
            throw new NotChunkable(dplr(r, d, at));
        }
        // c = −β γ
        Factors beta = r.c().times(d.gamma().inverse()).negate();
        if (writes.isEmpty()) {
            throw new NotChunkable("the delta step" + at + " erases along " + print(key) + " but writes nothing");
        }
        WriteTerm w = writes.getFirst();
        if (writes.size() > 1 || !w.key().sameAs(key)) {
            WriteTerm other = writes.size() > 1 && w.key().sameAs(key) ? writes.get(1) : w;
            throw new NotChunkable("the write `" + cx.text(other.origin()) + "` uses the key " + print(other.key())
                    + ", but the transition erases along " + print(key) + at
                    + ": a delta step writes with the key it erases (I − β k kᵀ with β k vᵀ)");
        }
        Factors v = w.value().times(beta.inverse());
        Order order = null;
        if (!d.whole().isOne()) order = d.alpha().isOne() && carries(v, d.gamma()) ? Order.AFTER : Order.BEFORE;
        Decay decay = decay(d.whole(), name);
        Expr k = expr(key);
        Expr b = beta.toExpr(cx, r.origin());
        Expr vv = v.toExpr(cx, r.origin());
        var out = new StringBuilder();
        out.append(name).append("_t = ");
        if (decay != null && !decay.perChannel()) out.append(Formula.decayText(decay)).append(" ");
        out.append("(I - ").append(Formula.factor(b)).append(" ").append(Formula.factor(k)).append(" ").append(Formula.factor(k)).append("ᵀ) ");
        if (decay != null && decay.perChannel()) out.append(Formula.decayText(decay)).append(" ");
        out.append(name).append("_{t-1} + ").append(Formula.factor(b)).append(" ").append(Formula.factor(k)).append(" ")
                .append(Formula.factor(vv)).append("ᵀ: the delta rule");
        if (decay == null) {
            out.append(" without decay");
        } else {
            out.append(decay.perChannel() ? " with a decay per key channel (KDA)" : " with one decay per step");
            out.append(", log-decay ").append(ExprPrinter.print(decay.logDecay()));
            out.append(order == Order.AFTER ? ", applied after the delta step (the written value carries it)"
                    : ", applied before the delta step");
        }
        out.append("; ").append(CHUNK_DELTA).append(decay != null && decay.perChannel() ? " with per-channel gates" : "");
        return new StateForm(name, shape, Kind.DELTA, out.toString(), decay, new Delta(k, b, vv), order,
                List.of(new Write(k, w.value().toExpr(cx, r.origin()))));
    }

    /** Whether a written product carries the decay as a factor (the decay was applied after the write). */
    private static boolean carries(Factors written, Factors decay) {
        return written.contains(decay) && (decay.coef == 1 || written.coef == decay.coef);
    }

    private String dplr(Rank1Part r, DiagPart d, String at) {
        return "the rank-one term " + Formula.rank1Text(r.c(), r.a(), r.b(), cx) + at + " uses two different vectors, "
                + print(r.a()) + " and " + print(r.b()) + ": A_t = " + (d.whole().isOne() ? "I" : Formula.diagText(d.whole(), cx))
                + Formula.plus(Formula.rank1Text(r.c(), r.a(), r.b(), cx)) + " is " + (d.alpha().isOne() ? "identity" : "diagonal")
                + "-plus-low-rank (" + (d.alpha().isOne() ? "IPLR" : "DPLR, as in RWKV-7") + "), not a delta step γ (I − β k kᵀ)";
    }

    /** Sums the diagonal terms into {@code γ · diag(α)}. */
    private DiagPart diagPart(List<Term> diag) {
        if (diag.size() == 1) {
            Term t = diag.getFirst();
            Factors alpha = t.left() instanceof Term.Diag(Factors dd) ? dd : Factors.ONE;
            Factors gamma = t.coeff().times(alpha.scalarPart(cx));
            alpha = alpha.vectorPart(cx);
            return new DiagPart(gamma, alpha, gamma.times(alpha), t.origin());
        }
        // Several: their sum is one factor (a scalar when every term is, else per channel).
        var parts = new ArrayList<Factors>();
        boolean vector = false;
        for (Term t : diag) {
            Factors f = t.left() instanceof Term.Diag(Factors dd) ? t.coeff().times(dd) : t.coeff();
            vector |= !f.vectorPart(cx).isOne();
            parts.add(f);
        }
        Factors whole = Factors.sum(parts, cx, diag.getFirst().origin());
        if (!vector) return new DiagPart(whole, Factors.ONE, whole, diag.getFirst().origin());
        return new DiagPart(whole.scalarPart(cx), whole.vectorPart(cx), whole, diag.getFirst().origin());
    }

    private Rank1Part rank1Part(List<Term> rank1, String name) throws NotChunkable {
        var groups = new LinkedHashMap<String, List<Rank1Part>>();
        for (Term t : rank1) {
            var op = (Term.Rank1) t.left();
            Factors c = t.coeff().times(op.a().scalarPart(cx)).times(op.b().scalarPart(cx));
            var part = new Rank1Part(c, op.a().vectorPart(cx), op.b().vectorPart(cx), t.origin());
            groups.computeIfAbsent(part.a().key() + " | " + part.b().key(), k -> new ArrayList<>()).add(part);
        }
        if (groups.size() > 1) {
            var where = new ArrayList<String>();
            for (List<Rank1Part> g : groups.values()) {
                Rank1Part p = g.getFirst();
                where.add(Formula.rank1Text(p.c(), p.a(), p.b(), cx) + " at " + p.origin().position());
            }
            throw new NotChunkable("the transition of " + name + " has " + groups.size() + " different rank-one terms ("
                    + String.join(", ", where) + "): products of delta steps (DeltaProduct) and higher-rank transitions are not chunked");
        }
        List<Rank1Part> g = groups.values().iterator().next();
        if (g.size() == 1) return g.getFirst();
        var coefficients = new ArrayList<Factors>();
        for (Rank1Part p : g) coefficients.add(p.c());
        Rank1Part first = g.getFirst();
        return new Rank1Part(Factors.sum(coefficients, cx, first.origin()), first.a(), first.b(), first.origin());
    }

    // ---- decays ----------------------------------------------------------------------------------

    /** The decay {@code factor} with its logarithm; null when the factor is 1 (A_t = I). */
    private Decay decay(Factors factor, String name) throws NotChunkable {
        if (factor.isOne()) return null;
        if (factor.coef <= 0) {
            throw new NotChunkable("the decay " + print(factor) + " of " + name + " is " + (factor.coef == 0 ? "zero" : "negative")
                    + ": the chunked forms work with the logarithm of a positive decay");
        }
        Expr log = null;
        int logParts = 0;
        int factorParts = 0;
        if (factor.coef != 1) {
            Span at = factor.atoms.isEmpty() ? null : factor.atoms.getFirst().expr().span();
            log = cx.call("log", List.of(), cx.number(factor.coef, at));
            factorParts++;
        }
        for (Factors.Atom a : factor.atoms) {
            Expr part;
            if (a.expr() instanceof Expr.Call c && isExp(c) && c.args().size() == 1) {
                part = c.args().getFirst().value();
                logParts++;
            } else {
                part = cx.call("log", cx.shape(a.expr()), a.expr());
                factorParts++;
            }
            if (a.power() == -1) {
                log = log == null ? cx.neg(part) : cx.sub(log, part);
                continue;
            }
            if (a.power() != 1) part = cx.mul(cx.number(a.power(), part.span()), part);
            log = log == null ? part : cx.add(log, part);
        }
        Space space = factorParts == 0 ? Space.LOG : logParts == 0 ? Space.MULTIPLICATIVE : Space.MIXED;
        boolean perChannel = !factor.vectorPart(cx).isOne();
        return new Decay(factor.toExpr(cx, log.span()), log, perChannel, space);
    }

    private boolean isExp(Expr.Call c) {
        String b = cx.builtinName(c.callee());
        return "exp".equals(b) || b == null && "exp".equals(Exprs.calleeName(c));
    }

    // ---- writes ----------------------------------------------------------------------------------

    /** One write {@code key valueᵀ}: key over the state's rows, value (with the scalars) over its columns. */
    private record WriteTerm(Factors key, Factors value, Expr origin) {
        Write toWrite(Ctx cx) {
            Span at = origin.span();
            return new Write(key.toExpr(cx, at), value == null ? null : value.toExpr(cx, at));
        }
    }

    /** The free part of S_t as a sum of outer products, merged by key. */
    private List<WriteTerm> writes(Expr free, String name, List<Dim> dims) throws NotChunkable {
        var out = new LinkedHashMap<String, WriteTerm>();
        if (free == null) return List.of();
        for (Expr s : summands(free, dims.size() == 2)) {
            Factors f = Factors.of(s, cx);
            if (f.coef == 0 || isZeros(s)) continue;
            Factors key = Factors.ONE;
            Factors value = Factors.number(f.coef);
            for (Factors.Atom a : f.atoms) {
                Factors one = Factors.atom(a.expr(), cx).power(a.power());
                List<Dim> sh = cx.shape(a.expr());
                if (sh == null) throw notOuter(s, name);
                if (Algebra.isOnes(a.expr())) continue;
                if (sh.isEmpty() || sh.stream().allMatch(Ctx::isOne)) {
                    value = value.times(one);
                } else if (dims.size() == 1) {
                    if (sh.size() != 1) throw notOuter(s, name);
                    key = key.times(one);
                } else if (sh.size() == 1) {
                    value = value.times(one);
                } else if (a.expr() instanceof Expr.Call c && "outer".equals(Exprs.calleeName(c)) && c.args().size() == 2) {
                    key = key.times(Factors.of(c.args().get(0).value(), cx).power(a.power()));
                    value = value.times(Factors.of(c.args().get(1).value(), cx).power(a.power()));
                } else if (sh.size() == 2 && Ctx.isOne(sh.get(1))) {
                    key = key.times(one);
                } else if (sh.size() == 2 && Ctx.isOne(sh.get(0))) {
                    value = value.times(one);
                } else {
                    throw notOuter(s, name);
                }
            }
            value = value.times(key.scalarPart(cx));
            key = key.vectorPart(cx);
            if (dims.size() == 2 && (key.isOne() || value.vectorPart(cx).isOne())) throw notOuter(s, name);
            // A vector state's write is just a vector, kept as written.
            WriteTerm w = dims.size() == 1 ? new WriteTerm(f, null, s) : new WriteTerm(key, value, s);
            String group = w.key().vectorPart(cx).key();
            WriteTerm had = out.get(group);
            if (had != null && had.value() != null) {
                w = new WriteTerm(had.key(), Factors.sum(List.of(had.value(), w.value()), cx, s.span()), had.origin());
            } else if (had != null) {
                w = new WriteTerm(Factors.sum(List.of(had.key(), w.key()), cx, s.span()), null, had.origin());
            }
            out.put(group, w);
        }
        return new ArrayList<>(out.values());
    }

    private NotChunkable notOuter(Expr s, String name) {
        return new NotChunkable("the written term `" + cx.text(s) + "`" + (s.span() == null ? "" : " (at " + s.span().position() + ")")
                + " is not an outer product of a key and a value, as the canonical form " + name + "_t = A_t " + name
                + "_{t-1} + Σ x uᵀ needs");
    }

    private static boolean isZeros(Expr e) {
        return e instanceof Expr.Call c && ("zeros".equals(Exprs.calleeName(c)) || "zeros_like".equals(Exprs.calleeName(c)));
    }

    /**
     * The summands of a sum, signs folded in; with {@code distribute}, products are distributed over
     * sums of matrices (a decay applied after two writes), never over sums of scalars or vectors.
     */
    private List<Expr> summands(Expr e, boolean distribute) {
        var out = new ArrayList<Expr>();
        switch (e) {
            case Expr.Binary b when b.op() == Expr.BinaryOp.ADD -> {
                out.addAll(summands(b.left(), distribute));
                out.addAll(summands(b.right(), distribute));
            }
            case Expr.Binary b when b.op() == Expr.BinaryOp.SUB -> {
                out.addAll(summands(b.left(), distribute));
                for (Expr s : summands(b.right(), distribute)) out.add(cx.neg(s));
            }
            case Expr.Unary u when u.op() == Expr.UnaryOp.NEG -> {
                for (Expr s : summands(u.operand(), distribute)) out.add(cx.neg(s));
            }
            case Expr.Binary b when distribute && (b.op() == Expr.BinaryOp.MUL || b.op() == Expr.BinaryOp.DIV) -> {
                List<Expr> left = cx.rank(b.left()) == 2 ? summands(b.left(), true) : List.of(b.left());
                List<Expr> right = b.op() == Expr.BinaryOp.MUL && cx.rank(b.right()) == 2 ? summands(b.right(), true) : List.of(b.right());
                if (left.size() == 1 && right.size() == 1) {
                    out.add(e);
                } else {
                    for (Expr l : left) for (Expr r : right) out.add(cx.binary(b.op(), l, r));
                }
            }
            default -> out.add(e);
        }
        return out;
    }

    // ---- text ------------------------------------------------------------------------------------

    private String describe(Term.Op op, String name) {
        return switch (op) {
            case Term.Diag(Factors d) -> "diag(" + print(d) + ") (" + name + " · diag(d))";
            case Term.Rank1(Factors a, Factors b) -> "the rank-one operator " + Formula.factor(expr(a)) + " "
                    + Formula.factor(expr(b)) + "ᵀ";
            case Term.Id id -> "nothing";
        };
    }

    private String print(Factors f) {
        return ExprPrinter.print(f.toExpr(cx, null));
    }

    private Expr expr(Factors f) {
        return f.toExpr(cx, null);
    }
}
