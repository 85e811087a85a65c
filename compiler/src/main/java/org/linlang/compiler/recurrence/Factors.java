package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.source.Span;
import org.linlang.compiler.types.Dim;

/**
 * An elementwise product in normal form: a number times atoms raised to integer powers. Atoms are
 * the expressions that are not products (names, calls, sums, …), compared by a canonical key, so
 * {@code beta * k} and {@code k * beta} are the same product and {@code (beta * exp(g)) / exp(g)}
 * is {@code beta}. Atoms keep the order in which they were first met, so a product prints close to
 * how the program wrote it.
 */
final class Factors {
    /** One factor, {@code expr ** power}; power is never 0. */
    record Atom(Expr expr, String key, int power) {}

    final double coef;
    final List<Atom> atoms;

    private Factors(double coef, List<Atom> atoms) {
        this.coef = coef;
        this.atoms = List.copyOf(atoms);
    }

    static final Factors ONE = new Factors(1, List.of());

    static Factors number(double c) { return new Factors(c, List.of()); }

    static Factors atom(Expr e, Ctx cx) {
        return new Factors(1, List.of(new Atom(e, key(e, cx), 1)));
    }

    /** The product normal form of an expression: products, quotients, negations and literals are flattened. */
    static Factors of(Expr e, Ctx cx) {
        return switch (e) {
            case Expr.IntLit i -> number(i.value());
            case Expr.FloatLit f -> number(f.value());
            case Expr.Unary u when u.op() == Expr.UnaryOp.NEG -> of(u.operand(), cx).negate();
            case Expr.Binary b when b.op() == Expr.BinaryOp.MUL -> of(b.left(), cx).times(of(b.right(), cx));
            case Expr.Binary b when b.op() == Expr.BinaryOp.DIV -> of(b.left(), cx).times(of(b.right(), cx).inverse());
            case Expr.Binary b when b.op() == Expr.BinaryOp.POW && b.right() instanceof Expr.IntLit n
                    && n.value() != 0 && Math.abs(n.value()) <= 8 -> of(b.left(), cx).power((int) n.value());
            default -> atom(e, cx);
        };
    }

    Factors times(Factors o) {
        var out = new ArrayList<>(atoms);
        for (Atom a : o.atoms) {
            int i = indexOf(out, a.key);
            if (i < 0) {
                out.add(a);
            } else {
                Atom had = out.get(i);
                int p = had.power + a.power;
                if (p == 0) out.remove(i);
                else out.set(i, new Atom(had.expr, had.key, p));
            }
        }
        return new Factors(coef * o.coef, out);
    }

    Factors inverse() {
        var out = new ArrayList<Atom>();
        for (Atom a : atoms) out.add(new Atom(a.expr, a.key, -a.power));
        return new Factors(1 / coef, out);
    }

    Factors power(int n) {
        Factors r = ONE;
        Factors base = n < 0 ? inverse() : this;
        for (int i = 0; i < Math.abs(n); i++) r = r.times(base);
        return r;
    }

    Factors negate() { return new Factors(-coef, atoms); }

    boolean isOne() { return coef == 1 && atoms.isEmpty(); }

    boolean isNumber() { return atoms.isEmpty(); }

    /** Whether every atom of {@code o} divides this one (same key, power at least as large, same sign). */
    boolean contains(Factors o) {
        for (Atom a : o.atoms) {
            int i = indexOf(atoms, a.key);
            if (i < 0) return false;
            int p = atoms.get(i).power;
            if (Integer.signum(p) != Integer.signum(a.power) || Math.abs(p) < Math.abs(a.power)) return false;
        }
        return true;
    }

    /** The atoms whose value is a scalar (and the number); {@link #vectorPart} has the others. */
    Factors scalarPart(Ctx cx) {
        var out = new ArrayList<Atom>();
        for (Atom a : atoms) if (cx.rank(a.expr) == 0) out.add(a);
        return new Factors(coef, out);
    }

    Factors vectorPart(Ctx cx) {
        var out = new ArrayList<Atom>();
        for (Atom a : atoms) if (cx.rank(a.expr) != 0) out.add(a);
        return new Factors(1, out);
    }

    /** The broadcast shape of the product ([] for a number). */
    List<Dim> shape(Ctx cx) {
        List<Dim> s = List.of();
        for (Atom a : atoms) s = Ctx.broadcast(s, cx.shape(a.expr));
        return s;
    }

    /** Canonical text: equal for products that differ only in the order or grouping of factors. */
    String key() {
        String atomsKey = atomsKey();
        return num(coef) + (atomsKey.isEmpty() ? "" : "*" + atomsKey);
    }

    /** The canonical text of the atoms alone: products that differ only in their number share it. */
    String atomsKey() {
        var parts = new ArrayList<String>();
        for (Atom a : atoms) parts.add(a.power == 1 ? a.key : a.key + "^" + a.power);
        parts.sort(null);
        return String.join("*", parts);
    }

    boolean sameAs(Factors o) { return key().equals(o.key()); }

    /** The product as an expression: {@code c * a * b / d}; {@code at} locates the literals it needs. */
    Expr toExpr(Ctx cx, Span at) {
        Expr num = null;
        Expr den = null;
        boolean positiveAtoms = atoms.stream().anyMatch(a -> a.power > 0);
        // A sign goes on the literal, or on the first factor: -beta * k rather than -(beta * k).
        boolean negateFirst = coef == -1 && positiveAtoms;
        if (Math.abs(coef) != 1 || !positiveAtoms) {
            Span litAt = atoms.isEmpty() ? at : atoms.getFirst().expr.span();
            num = cx.number(coef, litAt);
        }
        for (Atom a : atoms) {
            for (int i = 0; i < Math.abs(a.power); i++) {
                if (a.power > 0) {
                    Expr x = negateFirst && num == null ? cx.neg(a.expr) : a.expr;
                    num = num == null ? x : cx.mul(num, x);
                } else {
                    den = den == null ? a.expr : cx.mul(den, a.expr);
                }
            }
        }
        return den == null ? num : cx.div(num, den);
    }

    /**
     * A sum of products: like terms (the same atoms) add their numbers, zeros drop out; one term
     * left is returned as it is, several become one atom {@code a + b - c}.
     */
    static Factors sum(List<Factors> terms, Ctx cx, Span at) {
        var merged = new java.util.LinkedHashMap<String, Factors>();
        for (Factors t : terms) {
            String atomsKey = t.atomsKey();
            Factors had = merged.get(atomsKey);
            merged.put(atomsKey, had == null ? t : new Factors(had.coef + t.coef, had.atoms));
        }
        var left = merged.values().stream().filter(f -> f.coef != 0).toList();
        if (left.isEmpty()) return number(0);
        if (left.size() == 1) return left.getFirst();
        Expr sum = null;
        for (Factors f : left) {
            if (sum == null) sum = f.toExpr(cx, at);
            else if (f.coef < 0) sum = cx.sub(sum, f.negate().toExpr(cx, at));
            else sum = cx.add(sum, f.toExpr(cx, at));
        }
        return atom(sum, cx);
    }


    @Override public String toString() { return key(); }

    private static int indexOf(List<Atom> list, String key) {
        for (int i = 0; i < list.size(); i++) if (list.get(i).key.equals(key)) return i;
        return -1;
    }

    private static String num(double c) {
        if (c == Math.rint(c) && Math.abs(c) < 1e15) return Long.toString((long) c);
        return String.format(Locale.ROOT, "%.17g", c).replaceAll("0+$", "");
    }

    // ---- canonical keys of atoms -------------------------------------------------------------------

    /**
     * Canonical text of an expression: sums and products are flattened and their terms sorted, so
     * that {@code 1 - exp(gk)} and {@code -exp(gk) + 1} agree; everything else is printed.
     */
    static String key(Expr e, Ctx cx) {
        return switch (e) {
            case Expr.IntLit i -> num(i.value());
            case Expr.FloatLit f -> num(f.value());
            case Expr.Name n -> n.name();
            case Expr.Binary b when b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB -> {
                var terms = new ArrayList<String>();
                summands(e, false, terms, cx);
                terms.sort(null);
                yield "(" + String.join(" + ", terms) + ")";
            }
            case Expr.Binary b when b.op() == Expr.BinaryOp.MUL || b.op() == Expr.BinaryOp.DIV -> of(e, cx).key();
            case Expr.Unary u when u.op() == Expr.UnaryOp.NEG -> of(e, cx).key();
            case Expr.Binary b -> "(" + key(b.left(), cx) + " " + b.op().symbol + " " + key(b.right(), cx) + ")";
            case Expr.Call c -> {
                var args = new ArrayList<String>();
                for (Expr.Arg a : c.args()) args.add((a.name() == null ? "" : a.name().name() + "=") + key(a.value(), cx));
                yield key(c.callee(), cx) + "(" + String.join(", ", args) + ")";
            }
            default -> ExprPrinter.print(e);
        };
    }

    private static void summands(Expr e, boolean negative, List<String> out, Ctx cx) {
        if (e instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)) {
            summands(b.left(), negative, out, cx);
            summands(b.right(), negative ^ b.op() == Expr.BinaryOp.SUB, out, cx);
        } else {
            Factors f = of(e, cx);
            out.add((negative ? f.negate() : f).key());
        }
    }
}
