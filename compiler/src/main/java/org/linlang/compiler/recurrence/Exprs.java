package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.ast.Expr;

/** Generic traversal of expressions: their sub-expressions in order, and a copy with new ones. */
final class Exprs {
    private Exprs() {}

    /** The direct sub-expressions of {@code e}, left to right (a call's callee first). */
    static List<Expr> children(Expr e) {
        var out = new ArrayList<Expr>();
        switch (e) {
            case Expr.ListLit l -> out.addAll(l.elements());
            case Expr.TupleLit t -> out.addAll(t.elements());
            case Expr.Call c -> {
                out.add(c.callee());
                for (Expr.Arg a : c.args()) out.add(a.value());
            }
            case Expr.Member m -> out.add(m.target());
            case Expr.Index ix -> {
                out.add(ix.target());
                for (Expr.IndexItem it : ix.items()) {
                    if (it instanceof Expr.At at) out.add(at.index());
                    if (it instanceof Expr.Slice s) {
                        if (s.lo() != null) out.add(s.lo());
                        if (s.hi() != null) out.add(s.hi());
                        if (s.step() != null) out.add(s.step());
                    }
                }
            }
            case Expr.Binary b -> {
                out.add(b.left());
                out.add(b.right());
            }
            case Expr.Unary u -> out.add(u.operand());
            case Expr.As a -> out.add(a.value());
            case Expr.If i -> {
                out.add(i.condition());
                out.add(i.then());
                out.add(i.otherwise());
            }
            case Expr.For f -> {
                out.add(f.from());
                if (f.to() != null) out.add(f.to());
                out.add(f.body());
            }
            default -> { }
        }
        return out;
    }

    /** {@code e} with its sub-expressions replaced (in the order of {@link #children}); e itself when none changed. */
    static Expr withChildren(Expr e, List<Expr> kids) {
        List<Expr> old = children(e);
        boolean same = true;
        for (int i = 0; i < old.size(); i++) same &= old.get(i) == kids.get(i);
        if (same) return e;
        var it = kids.iterator();
        return switch (e) {
            case Expr.ListLit l -> new Expr.ListLit(l.span(), kids);
            case Expr.TupleLit t -> new Expr.TupleLit(t.span(), kids);
            case Expr.Call c -> {
                Expr callee = it.next();
                var args = new ArrayList<Expr.Arg>();
                for (Expr.Arg a : c.args()) args.add(new Expr.Arg(a.span(), a.name(), it.next()));
                yield new Expr.Call(c.span(), callee, args);
            }
            case Expr.Member m -> new Expr.Member(m.span(), it.next(), m.member());
            case Expr.Index ix -> {
                Expr target = it.next();
                var items = new ArrayList<Expr.IndexItem>();
                for (Expr.IndexItem item : ix.items()) {
                    items.add(switch (item) {
                        case Expr.At at -> new Expr.At(at.span(), it.next());
                        case Expr.Slice s -> new Expr.Slice(s.span(), s.lo() == null ? null : it.next(),
                                s.hi() == null ? null : it.next(), s.step() == null ? null : it.next());
                        case Expr.Ellipsis el -> el;
                    });
                }
                yield new Expr.Index(ix.span(), target, items);
            }
            case Expr.Binary b -> new Expr.Binary(b.span(), b.op(), it.next(), it.next());
            case Expr.Unary u -> new Expr.Unary(u.span(), u.op(), it.next());
            case Expr.As a -> new Expr.As(a.span(), it.next(), a.type());
            case Expr.If i -> new Expr.If(i.span(), it.next(), it.next(), it.next());
            case Expr.For f -> new Expr.For(f.span(), f.variable(), it.next(), f.to() == null ? null : it.next(), it.next());
            default -> e;
        };
    }

    /** A builtin's name when {@code e} calls one by its plain name, else null. */
    static String calleeName(Expr.Call c) {
        return c.callee() instanceof Expr.Name n ? n.name() : null;
    }
}
