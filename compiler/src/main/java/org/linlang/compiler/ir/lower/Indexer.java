package org.linlang.compiler.ir.lower;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ir.GraphBuilder;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.types.Dim;

/**
 * {@code x[…]}: lists and tuples pick an element now; on a tensor each integer index becomes a
 * {@code select} (the axis goes) and each slice a {@code slice}, applied from the last axis to the
 * first so that axis numbers stay those of the original tensor.
 */
final class Indexer {
    private Indexer() {}

    static Value index(Lowering lw, Value target, Expr.Index e, Env env) {
        List<Expr.IndexItem> items = e.items();
        switch (target) {
            case Value.Lst l -> { return element(l.items(), items, lw, env); }
            case Value.Tuple t -> { return element(t.parts(), items, lw, env); }
            case Value.Str s -> {
                long k = known(lw.eval(((Expr.At) items.getFirst()).index(), env));
                if (k < 0) k += s.v().length();
                return new Value.Str(String.valueOf(s.v().charAt((int) k)));
            }
            case Value.Tensor t -> { return new Value.Tensor(tensor(lw, t.node(), items, env)); }
            default -> throw new IrException(Value.describe(target) + " cannot be indexed");
        }
    }

    private static Value element(List<Value> xs, List<Expr.IndexItem> items, Lowering lw, Env env) {
        if (items.size() != 1 || !(items.getFirst() instanceof Expr.At at)) throw new IrException("a list takes one integer index");
        long k = known(lw.eval(at.index(), env));
        if (k < 0) k += xs.size();
        if (k < 0 || k >= xs.size()) throw new IrException("index " + k + " is out of range for " + xs.size() + " elements");
        return lw.resolve(xs.get((int) k));
    }

    private static long known(Value v) {
        if (v instanceof Value.Int i && i.known()) return i.v().constant();
        throw new IrException("an index into a list must be known before running, found " + Value.describe(v));
    }

    private record Item(int axis, Expr.IndexItem item) {}

    private static Node tensor(Lowering lw, Node x, List<Expr.IndexItem> items, Env env) {
        int rank = x.type().rank();
        int ellipsis = -1;
        for (int i = 0; i < items.size(); i++) if (items.get(i) instanceof Expr.Ellipsis) ellipsis = i;
        int explicit = items.size() - (ellipsis >= 0 ? 1 : 0);
        if (explicit > rank) throw new IrException("too many indices for " + x.type());
        int before = ellipsis < 0 ? explicit : ellipsis;
        var plan = new ArrayList<Item>();
        for (int i = 0; i < before; i++) plan.add(new Item(i, items.get(i)));
        for (int i = 0; i < explicit - before; i++) plan.add(new Item(rank - (explicit - before) + i, items.get(ellipsis + 1 + i)));
        Node out = x;
        for (Item it : plan.reversed()) {
            Dim size = x.type().dim(it.axis());
            switch (it.item()) {
                case Expr.At at -> {
                    Dim k = dim(lw.eval(at.index(), env));
                    if (k.isConstant() && k.constant() < 0 && size.isConstant()) k = Dim.of(size.constant() + k.constant());
                    out = lw.gb.add(Op.SELECT, List.of(out), GraphBuilder.attrs("axis", it.axis(), "index", k));
                }
                case Expr.Slice s -> {
                    Dim lo = s.lo() == null ? Dim.of(0) : bound(dim(lw.eval(s.lo(), env)), size);
                    Dim hi = s.hi() == null ? size : bound(dim(lw.eval(s.hi(), env)), size);
                    long step = s.step() == null ? 1 : known(lw.eval(s.step(), env));
                    if (s.lo() == null && s.hi() == null && step == 1) continue;
                    out = lw.gb.add(Op.SLICE, List.of(out), GraphBuilder.attrs("axis", it.axis(), "start", lo, "stop", hi, "step", step));
                }
                case Expr.Ellipsis el -> { }
            }
        }
        return out;
    }

    private static Dim dim(Value v) {
        if (v instanceof Value.Int i) return i.v();
        throw new IrException("a tensor index must be an int, found " + Value.describe(v));
    }

    /** A slice bound: negative constants count from the end; constants clamp into [0, size]. */
    private static Dim bound(Dim v, Dim size) {
        if (v.isConstant() && v.constant() < 0) v = size.plus(v);
        if (v.isConstant() && size.isConstant()) v = Dim.of(Math.max(0, Math.min(v.constant(), size.constant())));
        return v;
    }
}
