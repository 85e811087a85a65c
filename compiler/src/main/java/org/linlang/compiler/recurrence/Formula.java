package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.recurrence.RecurrenceForm.Decay;
import org.linlang.compiler.recurrence.RecurrenceForm.Write;

/** Pieces of the canonical form written as math, e.g. {@code exp(g) S_{t-1} + k vᵀ}. */
final class Formula {
    private Formula() {}

    /** An expression as a factor of a product: in parentheses unless it is a name, a call or a literal. */
    static String factor(Expr e) {
        String s = ExprPrinter.print(e);
        boolean simple = switch (e) {
            case Expr.Name n -> true;
            case Expr.Call c -> true;
            case Expr.Member m -> true;
            case Expr.Index i -> true;
            case Expr.IntLit i -> i.value() >= 0;
            case Expr.FloatLit f -> f.value() >= 0;
            default -> false;
        };
        return simple ? s : "(" + s + ")";
    }

    /** {@code exp(g)} for a scalar decay, {@code diag(exp(gk))} for one per key channel. */
    static String decayText(Decay d) {
        return d.perChannel() ? "diag(" + ExprPrinter.print(d.factor()) + ")" : factor(d.factor());
    }

    static String diagText(Factors f, Ctx cx) {
        Expr e = f.toExpr(cx, null);
        return f.vectorPart(cx).isOne() ? factor(e) + " I" : "diag(" + ExprPrinter.print(e) + ")";
    }

    /** {@code  + k vᵀ + …}, or nothing without writes. */
    static String writesText(List<Write> writes) {
        if (writes.isEmpty()) return "";
        var parts = new ArrayList<String>();
        for (Write w : writes) parts.add(w.value() == null ? factor(w.key()) : factor(w.key()) + " " + factor(w.value()) + "ᵀ");
        return " + " + String.join(" + ", parts);
    }

    /** {@code " + x"}, or {@code " - y"} when x is {@code -y}. */
    static String plus(String term) {
        return term.startsWith("-") ? " - " + term.substring(1) : " + " + term;
    }

    /** {@code c a bᵀ}. */
    static String rank1Text(Factors c, Factors a, Factors b, Ctx cx) {
        Factors magnitude = c.coef < 0 ? c.negate() : c;
        String coef = (c.coef < 0 ? "-" : "") + (magnitude.isOne() ? "" : factor(magnitude.toExpr(cx, null)) + " ");
        return coef + factor(a.toExpr(cx, null)) + " " + factor(b.toExpr(cx, null)) + "ᵀ";
    }
}
