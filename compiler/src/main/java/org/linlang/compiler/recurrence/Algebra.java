package org.linlang.compiler.recurrence;

import java.util.List;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.source.Span;
import org.linlang.compiler.types.Dim;

/**
 * The operations of a step on one linear term: products with expressions that do not depend on the
 * state, matrix–vector products, outer products and transposes. Each keeps the term in the form
 * {@code coeff · xᵀ L S R w} (see {@link Term}) or, when it cannot, marks it opaque with the reason.
 * Operators compose as matrices: diagonals multiply, a diagonal next to a rank-one operator scales
 * one of its vectors, two rank-one operators give a rank-one operator times an inner product.
 */
final class Algebra {
    private final Ctx cx;

    Algebra(Ctx cx) {
        this.cx = cx;
    }

    /** An operator and the scalar that composing produced (an inner product), {@code op · scalar}. */
    record Composed(Term.Op op, Factors scalar) {}

    /** The matrix product {@code a · b} of two operators. */
    Composed compose(Term.Op a, Term.Op b) {
        if (a instanceof Term.Id) return new Composed(b, Factors.ONE);
        if (b instanceof Term.Id) return new Composed(a, Factors.ONE);
        if (a instanceof Term.Diag(Factors d1) && b instanceof Term.Diag(Factors d2)) {
            return new Composed(new Term.Diag(d1.times(d2)), Factors.ONE);
        }
        if (a instanceof Term.Diag(Factors d) && b instanceof Term.Rank1(Factors p, Factors q)) {
            return new Composed(new Term.Rank1(d.times(p), q), Factors.ONE);
        }
        if (a instanceof Term.Rank1(Factors p, Factors q) && b instanceof Term.Diag(Factors d)) {
            return new Composed(new Term.Rank1(p, q.times(d)), Factors.ONE);
        }
        var r1 = (Term.Rank1) a;
        var r2 = (Term.Rank1) b;
        return new Composed(new Term.Rank1(r1.a(), r2.b()), dot(r1.b(), r2.a()));
    }

    /** A vector and a scalar: {@code xᵀ · op = scalar · vectorᵀ}. */
    record Folded(Factors vector, Factors scalar) {}

    /** {@code xᵀ L} as a vector: the row contraction absorbs the row operator. */
    Folded foldLeft(Factors x, Term.Op left) {
        return switch (left) {
            case Term.Id id -> new Folded(x, Factors.ONE);
            case Term.Diag(Factors d) -> new Folded(x.times(d), Factors.ONE);
            case Term.Rank1(Factors a, Factors b) -> new Folded(b, dot(x, a));
        };
    }

    /** {@code R w} as a vector: the column contraction absorbs the column operator. */
    Folded foldRight(Term.Op right, Factors w) {
        return switch (right) {
            case Term.Id id -> new Folded(w, Factors.ONE);
            case Term.Diag(Factors d) -> new Folded(d.times(w), Factors.ONE);
            case Term.Rank1(Factors a, Factors b) -> new Folded(a, dot(b, w));
        };
    }

    /** The inner product of two vectors, as one scalar factor (ordered canonically: it is symmetric). */
    Factors dot(Factors a, Factors b) {
        Expr ea = a.toExpr(cx, null);
        Expr eb = b.toExpr(cx, null);
        boolean swap = a.key().compareTo(b.key()) > 0;
        Expr d = swap ? cx.matmul(eb, ea) : cx.matmul(ea, eb);
        cx.shaped(d, List.of());
        return Factors.atom(d, cx);
    }

    // ---- elementwise products ---------------------------------------------------------------------

    private enum Axis { ROW, COL }

    /**
     * {@code t * f} (elementwise, with broadcasting to {@code result}): scalar factors join the
     * coefficient, vectors along the state's rows or columns become diagonal operators, an outer
     * product {@code outer(a, b)} both; a factor that spans a kept-out axis turns a contraction
     * back into a rank-one operator. Anything else (a full [K, V] tensor) makes the term opaque.
     */
    Term scale(Term t, Factors f, List<Dim> result, Expr node) {
        if (t.isOpaque()) return t;
        Factors scalar = f.scalarPart(cx);
        Factors vector = f.vectorPart(cx);
        if (vector.isOne()) return t.scaled(scalar);
        Span at = node.span();
        if (t.transposed()) return t.opaque(where(node) + " scales the transposed state elementwise", at);
        List<Axis> axes = axes(t, result);
        if (axes == null) return t.opaque(where(node) + " broadcasts a value read from the state to a larger shape", at);
        Factors row = Factors.ONE;
        Factors col = Factors.ONE;
        for (Factors.Atom a : vector.atoms) {
            List<Dim> s = cx.shape(a.expr());
            if (s == null || s.size() > axes.size()) {
                return t.opaque(where(node) + " multiplies the state by `" + cx.text(a.expr()) + "`, whose shape does not fit it", at);
            }
            if (isOnes(a.expr())) continue;
            if (s.size() == 1) {
                if (Ctx.isOne(s.getFirst())) scalar = scalar.times(atomPower(a));
                else if (axes.getLast() == Axis.ROW) row = row.times(atomPower(a));
                else col = col.times(atomPower(a));
                continue;
            }
            // A [K, V]-shaped factor (axes are ROW, COL here).
            boolean rowsOne = Ctx.isOne(s.get(0));
            boolean colsOne = Ctx.isOne(s.get(1));
            if (rowsOne && colsOne) {
                scalar = scalar.times(atomPower(a));
            } else if (colsOne) {
                row = row.times(Factors.atom(columnAsVector(a.expr(), s.get(0)), cx).power(a.power()));
            } else if (rowsOne) {
                col = col.times(Factors.atom(columnAsVector(a.expr(), s.get(1)), cx).power(a.power()));
            } else if (a.expr() instanceof Expr.Call c && "outer".equals(Exprs.calleeName(c)) && c.args().size() == 2) {
                row = row.times(dropOnes(Factors.of(c.args().get(0).value(), cx)).power(a.power()));
                col = col.times(dropOnes(Factors.of(c.args().get(1).value(), cx)).power(a.power()));
            } else {
                return t.opaque(where(node) + " multiplies the state elementwise by the " + dims(s) + " tensor `"
                        + cx.text(a.expr()) + "`, which is not an outer product of a key-side and a value-side vector", at);
            }
        }
        // Scalars that a factor's vectors carried (outer(2 * a, b)) belong to the coefficient.
        scalar = scalar.times(row.scalarPart(cx)).times(col.scalarPart(cx));
        row = row.vectorPart(cx);
        col = col.vectorPart(cx);
        Term out = t.scaled(scalar);
        if (!row.isOne()) {
            if (out.rowsKept()) {
                Composed c = compose(new Term.Diag(row), out.left());
                out = out.with(c.op(), out.right(), out.x(), out.w(), false, out.origin()).scaled(c.scalar());
            } else {
                out = out.with(new Term.Rank1(row, out.x()), out.right(), null, out.w(), false, at);
            }
        }
        if (!col.isOne()) {
            if (out.stateRank() < 2) return t.opaque(where(node) + " spreads the vector state over a second axis", at);
            if (out.colsKept()) {
                Composed c = compose(out.right(), new Term.Diag(col));
                out = out.with(out.left(), c.op(), out.x(), out.w(), false, out.origin()).scaled(c.scalar());
            } else {
                out = out.with(out.left(), new Term.Rank1(out.w(), col), out.x(), null, false, at);
            }
        }
        return out;
    }

    /** Which state axis each axis of the product runs along, or null when it cannot be told. */
    private List<Axis> axes(Term t, List<Dim> result) {
        if (result == null) return null;
        int r = result.size();
        if (r == t.rank()) {
            if (r == 2) return List.of(Axis.ROW, Axis.COL);
            if (r == 1) return List.of(t.rowsKept() ? Axis.ROW : Axis.COL);
            return List.of();
        }
        if (r == 2 && t.stateRank() == 2) return List.of(Axis.ROW, Axis.COL);
        if (r == 1 && t.rank() == 0) {
            if (t.stateRank() == 1) return List.of(Axis.ROW);
            if (result.getFirst().equals(t.dims().get(1))) return List.of(Axis.COL);
            if (result.getFirst().equals(t.dims().get(0))) return List.of(Axis.ROW);
        }
        return null;
    }

    private Factors atomPower(Factors.Atom a) {
        return Factors.atom(a.expr(), cx).power(a.power());
    }

    /** {@code x as [K, 1]} is x; any other [K, 1] column is reshaped to [K]. */
    private Expr columnAsVector(Expr e, Dim d) {
        if (e instanceof Expr.As as && cx.rank(as.value()) == 1) return as.value();
        return cx.reshapeToVector(e, d);
    }

    private Factors dropOnes(Factors f) {
        Factors out = Factors.number(f.coef);
        for (Factors.Atom a : f.atoms) if (!isOnes(a.expr())) out = out.times(atomPower(a));
        return out;
    }

    /** {@code ones([V])}, {@code ones_like(v)}, {@code full([V], 1.0)}: multiplying by them changes nothing. */
    static boolean isOnes(Expr e) {
        if (!(e instanceof Expr.Call c)) return false;
        String name = Exprs.calleeName(c);
        if ("ones".equals(name) || "ones_like".equals(name)) return true;
        if ("full".equals(name) && c.args().size() == 2) {
            Expr v = c.args().get(1).value();
            return v instanceof Expr.IntLit i && i.value() == 1 || v instanceof Expr.FloatLit f && f.value() == 1;
        }
        return false;
    }

    // ---- products with @ --------------------------------------------------------------------------

    /** {@code f @ t} for an expression f that does not depend on the state. */
    Term matmulLeft(Factors f, int fRank, Term t, Expr node) {
        if (t.isOpaque()) return t;
        if (fRank != 1) {
            return t.opaque(where(node) + " multiplies the state by the matrix `" + cx.text(f.toExpr(cx, node.span()))
                    + "` (a full transition M @ S has no chunked form)", node.span());
        }
        if (t.transposed()) {
            Folded r = foldRight(t.right(), f);
            return t.with(t.left(), Term.ID, t.x(), r.vector(), false, t.origin()).scaled(r.scalar());
        }
        if (t.rowsKept()) {
            Folded l = foldLeft(f, t.left());
            return t.with(Term.ID, t.right(), l.vector(), t.w(), false, t.origin()).scaled(l.scalar());
        }
        if (t.colsKept()) {
            Folded r = foldRight(t.right(), f);
            return t.with(t.left(), Term.ID, t.x(), r.vector(), false, t.origin()).scaled(r.scalar());
        }
        return t.opaque(where(node) + " has an unexpected shape", node.span());
    }

    /** {@code t @ f} for an expression f that does not depend on the state. */
    Term matmulRight(Term t, Factors f, int fRank, Expr node) {
        if (t.isOpaque()) return t;
        if (fRank != 1) {
            return t.opaque(where(node) + " multiplies the state by the matrix `" + cx.text(f.toExpr(cx, node.span()))
                    + "` on the right (a transition S @ M per value channel is not chunked)", node.span());
        }
        if (t.transposed()) {
            Folded l = foldLeft(f, t.left());
            return t.with(Term.ID, t.right(), l.vector(), t.w(), false, t.origin()).scaled(l.scalar());
        }
        if (t.colsKept()) {
            Folded r = foldRight(t.right(), f);
            return t.with(t.left(), Term.ID, t.x(), r.vector(), false, t.origin()).scaled(r.scalar());
        }
        if (t.rowsKept()) {
            Folded l = foldLeft(f, t.left());
            return t.with(Term.ID, t.right(), l.vector(), t.w(), false, t.origin()).scaled(l.scalar());
        }
        return t.opaque(where(node) + " has an unexpected shape", node.span());
    }

    // ---- outer products and transposes --------------------------------------------------------------

    /** {@code outer(a, t)}: a read-out {@code xᵀ S} becomes the rank-one operator {@code a xᵀ} on S. */
    Term outerLeft(Factors a, Term t, Expr node) {
        if (t.isOpaque()) return t;
        if (t.stateRank() == 2 && !t.transposed() && t.rank() == 1 && t.colsKept()) {
            return t.with(new Term.Rank1(a, t.x()), t.right(), null, t.w(), false, node.span());
        }
        return t.opaque(where(node) + " spreads a vector read from the state into a matrix", node.span());
    }

    /** {@code outer(t, b)}: a read-out {@code S w} becomes the rank-one operator {@code w bᵀ} on S's columns. */
    Term outerRight(Term t, Factors b, Expr node) {
        if (t.isOpaque()) return t;
        if (t.stateRank() == 2 && !t.transposed() && t.rank() == 1 && t.rowsKept()) {
            return t.with(t.left(), new Term.Rank1(t.w(), b), t.x(), null, false, node.span());
        }
        return t.opaque(where(node) + " spreads a vector read from the state into a matrix", node.span());
    }

    Term transpose(Term t, Expr node) {
        if (t.isOpaque()) return t;
        if (t.rank() == 2) return t.with(t.left(), t.right(), t.x(), t.w(), !t.transposed(), t.origin());
        return t.opaque(where(node) + " transposes a value read from the state", node.span());
    }

    /** "`S * M` at 4:9", how messages name an expression. */
    String where(Expr e) {
        return "`" + cx.text(e) + "`" + (e.span() == null ? "" : " at " + e.span().position());
    }

    private static String dims(List<Dim> s) {
        var parts = new java.util.ArrayList<String>();
        for (Dim d : s) parts.add(d.toString());
        return "[" + String.join(", ", parts) + "]";
    }
}
