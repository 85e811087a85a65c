package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.diag.Code;

/** Types of {@code x[…]}: lists and tuples by position, tensors by integer, slice and {@code ..}. */
final class Indexing {
    private Indexing() {}

    static Type index(Checker ch, Expr.Index e, Scope scope) {
        Type target = ch.expr(e.target(), scope);
        var items = e.items();
        for (Expr.IndexItem it : items) {
            switch (it) {
                case Expr.At a -> ch.expr(a.index(), scope);
                case Expr.Slice s -> {
                    if (s.lo() != null) ch.expr(s.lo(), scope);
                    if (s.hi() != null) ch.expr(s.hi(), scope);
                    if (s.step() != null) ch.expr(s.step(), scope);
                }
                case Expr.Ellipsis x -> { }
            }
        }
        if (Type.isLenient(target)) return target;
        if (target instanceof Type.Optional) return ch.optionalUse(e.target(), target);
        switch (target) {
            case Type.ListOf l -> {
                if (items.size() != 1 || !(items.getFirst() instanceof Expr.At at)) {
                    return ch.error(Code.E040, e.span(), "a list takes one integer index");
                }
                Type i = ch.typeOf(at.index());
                if (!(i instanceof Type.Int) && !Type.isLenient(i)) return ch.error(Code.E040, at.span(), "list index must be an int, found " + Unifier.describe(i));
                Type.Tensor shaped = shapeOf(ch, e.target());
                if (shaped != null && i instanceof Type.Int ii) return dimension(ch, shaped, ii, at);
                return l.element();
            }
            case Type.Tuple t -> {
                if (items.size() != 1 || !(items.getFirst() instanceof Expr.At at) || !(ch.typeOf(at.index()) instanceof Type.Int i)
                        || i.value() == null || !i.value().isConstant()) {
                    return ch.error(Code.E040, e.span(), "a tuple takes one constant integer index");
                }
                long k = i.value().constant();
                if (k < 0) k += t.parts().size();
                if (k < 0 || k >= t.parts().size()) return ch.error(Code.E040, at.span(), "index " + i.value() + " is out of range for a tuple of " + t.parts().size());
                return t.parts().get((int) k);
            }
            case Type.Str s -> {
                return items.size() == 1 && items.getFirst() instanceof Expr.At ? Type.STRING : ch.error(Code.E040, e.span(), "a string takes one integer index");
            }
            case Type.Tensor t -> { return tensor(ch, e, t); }
            default -> { return ch.error(Code.E040, e.target().span(), Unifier.describe(target) + " cannot be indexed"); }
        }
    }

    /** The tensor whose shape {@code e} is, when it is {@code x.shape} or {@code shape(x)}; else null. */
    private static Type.Tensor shapeOf(Checker ch, Expr e) {
        Expr of = switch (e) {
            case Expr.Member m when m.member().name().equals("shape") -> m.target();
            case Expr.Call c when c.callee() instanceof Expr.Name n && n.name().equals("shape") && c.args().size() == 1
                    && ch.typeOf(c.callee()) instanceof Type.BuiltinRef -> c.args().getFirst().value();
            default -> null;
        };
        return of != null && ch.typeOf(of) instanceof Type.Tensor t ? t : null;
    }

    /** {@code x.shape[i]} with a constant i: that dimension, as a size types may use (counting from the end when negative). */
    private static Type dimension(Checker ch, Type.Tensor t, Type.Int i, Expr.At at) {
        if (i.value() == null || !i.value().isConstant()) return Type.INT;
        long k = i.value().constant();
        Shape s = t.shape();
        if (k < 0 && -k <= s.rank()) return new Type.Int(s.dim((int) (s.rank() + k)));
        if (k >= 0 && k < s.rank() && !s.hasRest()) return new Type.Int(s.dim((int) k));
        if (k >= 0 && s.hasRest()) return Type.INT; // its leading dimensions are not known here
        return ch.error(Code.E040, at.span(), "index " + k + " is out of range for the shape of a tensor " + t);
    }

    private static Type tensor(Checker ch, Expr.Index e, Type.Tensor t) {
        Shape s = t.shape();
        List<Expr.IndexItem> items = e.items();
        int ellipsis = -1;
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof Expr.Ellipsis) {
                if (ellipsis >= 0) return ch.error(Code.E040, items.get(i).span(), "an index may contain '..' only once");
                ellipsis = i;
            }
        }
        int explicit = items.size() - (ellipsis >= 0 ? 1 : 0);
        if (s.hasRest() && (ellipsis < 0 || ellipsis > 0)) {
            return ch.error(Code.E040, e.span(), "this tensor's leading dimensions are unknown (" + s + "): start the index with '..', as in x[.., 0]");
        }
        if (explicit > s.rank()) {
            return ch.error(Code.E040, e.span(), "too many indices: " + explicit + " for a tensor of shape " + s);
        }
        // Map each explicit item to an axis.
        var out = new ArrayList<Dim>();
        int before = ellipsis < 0 ? explicit : ellipsis;
        int after = explicit - before;
        var axisDims = s.dims();
        for (int i = 0; i < before; i++) {
            Dim d = item(ch, items.get(i), axisDims.get(i));
            if (d == ERROR_DIM) return Type.ERROR;
            if (d != null) out.add(d);
        }
        for (int i = before; i < s.rank() - after; i++) out.add(axisDims.get(i));
        for (int i = 0; i < after; i++) {
            int axis = s.rank() - after + i;
            Dim d = item(ch, items.get(ellipsis + 1 + i), axisDims.get(axis));
            if (d == ERROR_DIM) return Type.ERROR;
            if (d != null) out.add(d);
        }
        return new Type.Tensor(t.dtype(), new Shape(s.rest(), out));
    }

    private static final Dim ERROR_DIM = Dim.of(-1);

    /** The kept size for one axis: null when an integer index removes it. */
    private static Dim item(Checker ch, Expr.IndexItem it, Dim size) {
        switch (it) {
            case Expr.At a -> {
                Type i = ch.typeOf(a.index());
                if (Type.isLenient(i)) return null;
                if (!(i instanceof Type.Int ii)) {
                    ch.error(Code.E040, a.span(), "tensor index must be an int or a slice, found " + Unifier.describe(i));
                    return ERROR_DIM;
                }
                if (ii.value() != null && ii.value().isConstant() && size.isConstant()) {
                    long k = ii.value().constant();
                    if (k >= size.constant() || k < -size.constant()) {
                        ch.error(Code.E040, a.span(), "index " + k + " is out of range for a dimension of size " + size);
                        return ERROR_DIM;
                    }
                }
                return null;
            }
            case Expr.Slice s -> {
                Dim lo = bound(ch, s.lo(), size, Dim.of(0));
                Dim hi = bound(ch, s.hi(), size, size);
                if (lo == ERROR_DIM || hi == ERROR_DIM) return ERROR_DIM;
                Long step = 1L;
                if (s.step() != null) {
                    Type st = ch.typeOf(s.step());
                    step = st instanceof Type.Int si && si.value() != null && si.value().isConstant() ? si.value().constant() : null;
                    if (step != null && step <= 0) {
                        ch.error(Code.E040, s.step().span(), "slice step must be positive");
                        return ERROR_DIM;
                    }
                }
                if (lo == null || hi == null || step == null) return Dim.of(new Sym(s.span().text(), s.span(), false));
                Dim n = hi.minus(lo);
                if (step != 1) {
                    if (!n.isConstant()) return Dim.of(new Sym(s.span().text(), s.span(), false));
                    n = Dim.of(Math.max(0, (n.constant() + step - 1) / step));
                }
                if (n.isConstant() && n.constant() < 0) n = Dim.of(0);
                return n;
            }
            case Expr.Ellipsis x -> { return null; }
        }
    }

    /** A slice bound as a size: constants clamp into [0, size], negatives count from the end. */
    private static Dim bound(Checker ch, Expr e, Dim size, Dim absent) {
        if (e == null) return absent;
        Type t = ch.typeOf(e);
        if (!(t instanceof Type.Int i)) {
            if (!Type.isLenient(t)) {
                ch.error(Code.E040, e.span(), "slice bounds must be ints, found " + Unifier.describe(t));
                return ERROR_DIM;
            }
            return null;
        }
        if (i.value() == null) return null;
        Dim v = i.value();
        if (v.isConstant() && v.constant() < 0) v = size.plus(v);
        if (v.isConstant() && size.isConstant()) v = Dim.of(Math.max(0, Math.min(v.constant(), size.constant())));
        return v;
    }
}
