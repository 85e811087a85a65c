package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Ident;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.source.Span;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Program;
import org.linlang.compiler.types.Type;

/**
 * What one classification knows besides the AST: the checked types of the program's expressions,
 * the shapes of the expressions it builds itself (inlined {@code let}s, products of coefficients),
 * and the names that stand for values it cannot write as one expression (computed by a loop).
 * Builds new expression nodes and records their shapes.
 */
final class Ctx {
    private final Program program;
    private final Map<Expr, List<Dim>> built = new IdentityHashMap<>();
    private final Map<Expr, String> inexpressible = new IdentityHashMap<>();
    private final Set<Expr> synthetic = Collections.newSetFromMap(new IdentityHashMap<>());

    Ctx(Program program) {
        this.program = program;
    }

    Program program() { return program; }

    /** The builtin an expression names (the callee of {@code exp(g)}), or null. */
    String builtinName(Expr callee) {
        return program.typeOf(callee) instanceof Type.BuiltinRef b ? b.builtin().name() : null;
    }

    /** The dimensions of an expression's value ([] for a scalar), or null when it is not a tensor or number. */
    List<Dim> shape(Expr e) {
        List<Dim> s = built.get(e);
        if (s != null) return s;
        return switch (program.typeOf(e)) {
            case Type.Tensor t -> t.shape().dims();
            case Type.Int i -> List.of();
            case Type.Float f -> List.of();
            case Type.Bool b -> List.of();
            default -> null;
        };
    }

    int rank(Expr e) {
        List<Dim> s = shape(e);
        return s == null ? -1 : s.size();
    }

    /** Records the shape of an expression built here and returns it. */
    <E extends Expr> E shaped(E e, List<Dim> shape) {
        synthetic.add(e);
        if (shape != null) built.put(e, List.copyOf(shape));
        return e;
    }

    /** An expression as the program wrote it (its source text, on one line), or printed when built here. */
    String text(Expr e) {
        String t = synthetic.contains(e) || e.span() == null ? ExprPrinter.print(e) : e.span().text();
        return t.replaceAll("\\s+", " ").trim();
    }

    /** A name standing for a value that has no single expression (why says where it comes from). */
    Expr.Name opaqueName(Ident ident, List<Dim> shape, String why) {
        var n = shaped(new Expr.Name(ident), shape);
        inexpressible.put(n, why);
        return n;
    }

    /** The reason a piece cannot be written over the step inputs, or null when it can. */
    String inexpressible(Expr e) {
        if (e == null) return null;
        String why = inexpressible.get(e);
        if (why != null) return why;
        for (Expr c : Exprs.children(e)) {
            why = inexpressible(c);
            if (why != null) return why;
        }
        return null;
    }

    // ---- building expressions -------------------------------------------------------------------

    Expr number(double v, Span at) {
        return shaped(new Expr.FloatLit(at, v), List.of());
    }

    Expr binary(Expr.BinaryOp op, Expr a, Expr b) {
        List<Dim> shape = op == Expr.BinaryOp.MATMUL ? matmulShape(shape(a), shape(b)) : broadcast(shape(a), shape(b));
        Span at = a.span() == null ? b.span() : b.span() == null ? a.span() : a.span().to(b.span());
        return shaped(new Expr.Binary(at, op, a, b), shape);
    }

    Expr mul(Expr a, Expr b) { return binary(Expr.BinaryOp.MUL, a, b); }

    Expr div(Expr a, Expr b) { return binary(Expr.BinaryOp.DIV, a, b); }

    Expr add(Expr a, Expr b) { return binary(Expr.BinaryOp.ADD, a, b); }

    Expr sub(Expr a, Expr b) { return binary(Expr.BinaryOp.SUB, a, b); }

    Expr matmul(Expr a, Expr b) { return binary(Expr.BinaryOp.MATMUL, a, b); }

    Expr neg(Expr a) {
        if (a instanceof Expr.FloatLit f) return number(-f.value(), f.span());
        if (a instanceof Expr.IntLit i) return shaped(new Expr.IntLit(i.span(), -i.value()), List.of());
        if (a instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) return u.operand();
        return shaped(new Expr.Unary(a.span(), Expr.UnaryOp.NEG, a), shape(a));
    }

    /** A call of a builtin by name, e.g. {@code log(x)}, with the shape of its result. */
    Expr call(String name, List<Dim> shape, Expr... args) {
        Span at = args.length > 0 ? args[0].span() : null;
        var list = new ArrayList<Expr.Arg>();
        for (Expr a : args) list.add(new Expr.Arg(a.span(), null, a));
        return shaped(new Expr.Call(at, new Expr.Name(new Ident(name, at)), list), shape);
    }

    /** {@code e as [d]}: a reshape of a [d, 1] or [1, d] column to a vector. */
    Expr reshapeToVector(Expr e, Dim d) {
        var t = new TypeExpr.Tensor(e.span(), null, List.of(new TypeExpr.DimName(new Ident(d.toString(), e.span()))));
        return shaped(new Expr.As(e.span(), e, t), List.of(d));
    }

    // ---- shapes -----------------------------------------------------------------------------------

    /** Numpy broadcasting of two shapes, aligned on the right; null when either is unknown. */
    static List<Dim> broadcast(List<Dim> a, List<Dim> b) {
        if (a == null || b == null) return null;
        int n = Math.max(a.size(), b.size());
        var out = new ArrayList<Dim>();
        for (int i = 0; i < n; i++) {
            int ia = a.size() - n + i;
            int ib = b.size() - n + i;
            Dim da = ia >= 0 ? a.get(ia) : null;
            Dim db = ib >= 0 ? b.get(ib) : null;
            if (da == null || isOne(da)) out.add(db != null ? db : da);
            else out.add(da);
        }
        return out;
    }

    static List<Dim> matmulShape(List<Dim> a, List<Dim> b) {
        if (a == null || b == null) return null;
        if (a.size() == 1 && b.size() == 1) return List.of();
        if (a.size() == 1 && b.size() >= 2) return List.of(b.getLast());
        if (a.size() >= 2 && b.size() == 1) return a.subList(0, a.size() - 1);
        if (a.size() >= 2 && b.size() >= 2) {
            var out = new ArrayList<>(a.subList(0, a.size() - 1));
            out.add(b.getLast());
            return out;
        }
        return null;
    }

    static boolean isOne(Dim d) {
        return d.isConstant() && d.constant() == 1;
    }
}
