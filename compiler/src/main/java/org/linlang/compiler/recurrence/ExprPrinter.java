package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.TypeExpr;

/**
 * Prints an expression as Lin source, with the fewest parentheses the precedence table of
 * docs/language.md §5.2 allows. Used for the pieces of a {@link RecurrenceForm}, which are partly
 * rebuilt from the program's AST and so have no source text of their own.
 */
public final class ExprPrinter {
    private ExprPrinter() {}

    /** Lin source for {@code e}. */
    public static String print(Expr e) {
        return print(e, 0);
    }

    // Binding strength, loosest first: a child prints in parentheses when it binds more loosely
    // than its position needs.
    private static final int FOR = 1, IF = 2, OR = 3, AND = 4, NOT = 5, CMP = 6, ADD = 7, MUL = 8, AS = 9, NEG = 10,
            POW = 11, POSTFIX = 12, ATOM = 13;

    private static String print(Expr e, int needed) {
        int own = strength(e);
        String s = switch (e) {
            case Expr.IntLit i -> Long.toString(i.value());
            case Expr.FloatLit f -> number(f.value());
            case Expr.StringLit s1 -> quote(s1.value());
            case Expr.BoolLit b -> Boolean.toString(b.value());
            case Expr.NoneLit n -> "none";
            case Expr.Name n -> n.name();
            case Expr.ListLit l -> "[" + list(l.elements()) + "]";
            case Expr.TupleLit t -> "(" + list(t.elements()) + (t.elements().size() == 1 ? ",)" : ")");
            case Expr.Call c -> print(c.callee(), POSTFIX) + "(" + args(c.args()) + ")";
            case Expr.Member m -> print(m.target(), POSTFIX) + "." + m.member().name();
            case Expr.Index ix -> print(ix.target(), POSTFIX) + "[" + items(ix.items()) + "]";
            case Expr.Binary b -> binary(b);
            case Expr.Unary u -> u.op() == Expr.UnaryOp.NEG ? "-" + print(u.operand(), NEG) : "not " + print(u.operand(), NOT);
            case Expr.As a -> print(a.value(), AS) + " as " + type(a.type());
            case Expr.If i -> "if " + print(i.condition(), OR) + " then " + print(i.then(), IF) + " else " + print(i.otherwise(), IF);
            case Expr.For f -> "for " + f.variable().name() + " in " + (f.to() == null ? print(f.from(), IF)
                    : print(f.from(), ADD) + ".." + print(f.to(), ADD)) + ": " + print(f.body(), FOR);
            case Expr.Time t -> "time { … }";
        };
        return own < needed ? "(" + s + ")" : s;
    }

    private static int strength(Expr e) {
        return switch (e) {
            case Expr.Binary b -> switch (b.op()) {
                case POW -> POW;
                case MUL, DIV, MOD, MATMUL -> MUL;
                case ADD, SUB -> ADD;
                case AND -> AND;
                case OR -> OR;
                default -> CMP;
            };
            case Expr.Unary u -> u.op() == Expr.UnaryOp.NEG ? NEG : NOT;
            // 'as' binds tighter than '*', but (x as [K, 1]) * S reads better with its parentheses.
            case Expr.As a -> CMP;
            case Expr.If i -> IF;
            case Expr.For f -> FOR;
            case Expr.IntLit i when i.value() < 0 -> NEG;
            case Expr.FloatLit f when f.value() < 0 -> NEG;
            case Expr.Call c -> POSTFIX;
            case Expr.Member m -> POSTFIX;
            case Expr.Index i -> POSTFIX;
            default -> ATOM;
        };
    }

    private static String binary(Expr.Binary b) {
        int own = strength(b);
        String op = " " + b.op().symbol + " ";
        if (b.op() == Expr.BinaryOp.POW) {
            // Right-associative: the left operand needs more than POW, the right one POW (or a negation).
            return print(b.left(), POW + 1) + op + print(b.right(), NEG);
        }
        if (own == CMP) return print(b.left(), CMP + 1) + op + print(b.right(), CMP + 1);
        // `*` and `@` share a level, but (a * x) @ m reads better with its parentheses.
        int left = own == MUL && mixesMatmul(b, b.left()) ? own + 1 : own;
        return print(b.left(), left) + op + print(b.right(), own + 1);
    }

    private static boolean mixesMatmul(Expr.Binary parent, Expr child) {
        return child instanceof Expr.Binary c && strength(c) == MUL
                && (c.op() == Expr.BinaryOp.MATMUL) != (parent.op() == Expr.BinaryOp.MATMUL);
    }

    private static String list(List<Expr> es) {
        var parts = new ArrayList<String>();
        for (Expr e : es) parts.add(print(e, FOR));
        return String.join(", ", parts);
    }

    private static String args(List<Expr.Arg> args) {
        var parts = new ArrayList<String>();
        for (Expr.Arg a : args) parts.add((a.name() == null ? "" : a.name().name() + " = ") + print(a.value(), FOR));
        return String.join(", ", parts);
    }

    private static String items(List<Expr.IndexItem> items) {
        var parts = new ArrayList<String>();
        for (Expr.IndexItem it : items) {
            parts.add(switch (it) {
                case Expr.At at -> print(at.index(), FOR);
                case Expr.Ellipsis el -> "..";
                case Expr.Slice s -> (s.lo() == null ? "" : print(s.lo(), ADD)) + ":" + (s.hi() == null ? "" : print(s.hi(), ADD))
                        + (s.step() == null ? "" : ":" + print(s.step(), ADD));
            });
        }
        return String.join(", ", parts);
    }

    /** A type as written: {@code [K, 1]}, {@code f32[B, T]}, {@code bf16}. */
    static String type(TypeExpr t) {
        return switch (t) {
            case TypeExpr.Named n -> n.name().name();
            case TypeExpr.Tensor x -> {
                var parts = new ArrayList<String>();
                for (TypeExpr.DimExpr d : x.dims()) parts.add(dim(d));
                yield (x.dtype() == null ? "" : x.dtype().name()) + "[" + String.join(", ", parts) + "]";
            }
            case TypeExpr.Tuple tu -> {
                var parts = new ArrayList<String>();
                for (TypeExpr p : tu.parts()) parts.add(type(p));
                yield "(" + String.join(", ", parts) + ")";
            }
        };
    }

    private static String dim(TypeExpr.DimExpr d) {
        return switch (d) {
            case TypeExpr.Rest r -> "..";
            case TypeExpr.DimName n -> n.name().name();
            case TypeExpr.DimLit l -> Long.toString(l.value());
            case TypeExpr.DimBinary b -> "(" + dim(b.left()) + " " + b.op() + " " + dim(b.right()) + ")";
        };
    }

    /** A float as Lin writes it: digits on both sides of the point, {@code 1.0e-6} for small ones. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v) + ".0";
        String s = Double.toString(v);
        return s.replace("E", "e");
    }

    private static String quote(String s) {
        var out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append("\\0");
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
