package org.linlang.compiler.ir.lower;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ir.GraphBuilder;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.Scalars;
import org.linlang.compiler.ir.TensorType;
import org.linlang.compiler.ir.lower.Lowering.Arg;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Type;

/** Each builtin of Lin as graph nodes (or, on host values, computed now). */
final class BuiltinLowering {
    private final Lowering lw;

    BuiltinLowering(Lowering lw) { this.lw = lw; }

    Value call(String name, List<Arg> args, Map<String, Arg> named, Expr.Call at) {
        Op unary = Op.byText(name);
        if (unary != null && unary.isUnary() && unary != Op.NEG && unary != Op.NOT && unary != Op.CAST) {
            Value x = args.getFirst().value();
            if (x instanceof Value.Tensor t) return tensor(lw.gb.add(unary, List.of(t.node()), Map.of()));
            return new Value.Flt(Scalars.unary(unary, Operators.number(x)));
        }
        return switch (name) {
            case "pow", "maximum", "minimum" -> {
                Op op = name.equals("pow") ? Op.POW : name.equals("maximum") ? Op.MAXIMUM : Op.MINIMUM;
                Value a = args.get(0).value(), b = args.get(1).value();
                if (a instanceof Value.Tensor || b instanceof Value.Tensor) yield Operators.tensorBinary(lw, op, a, b);
                double r = (double) Scalars.binary(op, Operators.number(a), Operators.number(b), DType.F32);
                yield a instanceof Value.Int && b instanceof Value.Int && op != Op.POW ? new Value.Int(Dim.of((long) r)) : new Value.Flt(r);
            }
            case "where" -> where(args);
            case "sum", "mean", "max", "min" -> reduce(name, args, named);
            case "argmax" -> {
                Node x = node(args.getFirst(), name);
                yield tensor(reduction(Op.ARGMAX, x, args.getFirst(), named.get("axis"), keepdims(named, false)));
            }
            case "softmax", "cumsum" -> {
                Node x = node(args.getFirst(), name);
                Arg axisArg = named.get("axis");
                if (axisArg == null && name.equals("cumsum")) throw new IrException("cumsum needs an axis");
                int ax = axisArg == null ? x.type().rank() - 1 : axis(args.getFirst(), axisArg, x.type().rank());
                yield tensor(lw.gb.add(name.equals("softmax") ? Op.SOFTMAX : Op.CUMSUM, List.of(x), GraphBuilder.attrs("axis", ax)));
            }
            case "outer" -> outer(node(args.get(0), name), node(args.get(1), name));
            case "transpose" -> {
                Node x = node(args.getFirst(), name);
                Arg a = args.size() > 1 ? args.get(1) : named.get("a");
                Arg b = args.size() > 2 ? args.get(2) : named.get("b");
                int rank = x.type().rank();
                int i = a == null ? rank - 2 : axis(args.getFirst(), a, rank);
                int j = b == null ? rank - 1 : axis(args.getFirst(), b, rank);
                yield transpose(x, i, j);
            }
            case "zeros", "ones", "full", "rand", "randn" -> creation(name, args, named);
            case "zeros_like", "ones_like" -> {
                Node x = node(args.getFirst(), name);
                Object v = Scalars.as(name.equals("zeros_like") ? 0.0 : 1.0, x.type().dtype());
                yield tensor(lw.gb.constant(v, x.type()));
            }
            case "arange" -> {
                Dim start = args.size() == 2 ? intArg(args.get(0), "arange") : Dim.of(0);
                Dim stop = intArg(args.getLast(), "arange");
                yield tensor(lw.gb.add(Op.ARANGE, List.of(), GraphBuilder.attrs("start", start, "stop", stop)));
            }
            case "concat", "stack" -> join(name, args, named);
            case "split" -> split(args, named);
            case "shift" -> {
                Node x = node(args.getFirst(), name);
                Dim by = intArg(args.get(1), "shift");
                if (!by.isConstant()) throw new IrException("shift by " + by + ": the amount must be known before running");
                Arg axisArg = named.get("axis");
                if (axisArg == null) throw new IrException("shift needs an axis");
                int ax = axis(args.getFirst(), axisArg, x.type().rank());
                yield tensor(lw.gb.add(Op.SHIFT, List.of(x), GraphBuilder.attrs("axis", ax, "by", by.constant())));
            }
            case "take" -> tensor(lw.gb.add(Op.TAKE, List.of(node(args.get(0), name), node(args.get(1), name)), Map.of()));
            case "causal_mask" -> {
                Dim n = intArg(args.getFirst(), "causal_mask");
                Arg w = named.get("window");
                Long window = w == null ? null : known(intArg(w, "causal_mask window"), "the window");
                yield tensor(lw.gb.add(Op.CAUSAL_MASK, List.of(), GraphBuilder.attrs("size", n, "window", window)));
            }
            case "print" -> new Value.Unit();
            // Reached only on a path the build-time constants select (ifs on them are folded): the build fails.
            case "error" -> throw new IrException(at.span() + ": " + (args.getFirst().value() instanceof Value.Str s ? s.v()
                    : "error(...) with " + Value.describe(args.getFirst().value())));
            case "len" -> switch (args.getFirst().value()) {
                case Value.Tensor t -> new Value.Int(t.node().type().dim(0));
                case Value.Lst l -> new Value.Int(Dim.of(l.items().size()));
                case Value.Tuple t -> new Value.Int(Dim.of(t.parts().size()));
                case Value.Str s -> new Value.Int(Dim.of(s.v().length()));
                default -> throw new IrException("len of " + Value.describe(args.getFirst().value()));
            };
            case "shape" -> new Value.Lst(node(args.getFirst(), name).type().dims().stream().map(d -> (Value) new Value.Int(d)).toList());
            case "str" -> new Value.Str(hostText(args.getFirst().value()));
            case "int", "float" -> {
                Value v = args.getFirst().value();
                if (v instanceof Value.Tensor) throw new IrException(name + "(tensor) needs the tensor's value at run time; a compiled graph cannot read it");
                yield Operators.convert(v, name);
            }
            default -> throw new IrException("the builtin " + name + " cannot be part of a compiled graph (it works on files or the host at run time)");
        };
    }

    private static Value tensor(Node n) { return new Value.Tensor(n); }

    private Node node(Arg a, String what) {
        if (a.value() instanceof Value.Tensor t) return t.node();
        throw new IrException(what + " needs a tensor, found " + Value.describe(a.value()));
    }

    private static Dim intArg(Arg a, String what) {
        if (a.value() instanceof Value.Int i) return i.v();
        throw new IrException(what + " needs an int, found " + Value.describe(a.value()));
    }

    private static long known(Dim d, String what) {
        if (!d.isConstant()) throw new IrException(what + " must be known before running, found " + d);
        return d.constant();
    }

    private static String hostText(Value v) {
        return switch (v) {
            case Value.Int i -> i.v().toString();
            case Value.Flt f -> Double.toString(f.v());
            case Value.Bool b -> Boolean.toString(b.v());
            case Value.Str s -> s.v();
            default -> throw new IrException("str of " + Value.describe(v) + " needs its value at run time");
        };
    }

    private static boolean keepdims(Map<String, Arg> named, boolean dflt) {
        Arg k = named.get("keepdims");
        return k == null ? dflt : k.value() instanceof Value.Bool b ? b.v() : dflt;
    }

    // ---- reductions ---------------------------------------------------------------------------------

    private Value reduce(String name, List<Arg> args, Map<String, Arg> named) {
        Op op = switch (name) {
            case "sum" -> Op.SUM;
            case "mean" -> Op.MEAN;
            case "max" -> Op.MAX;
            default -> Op.MIN;
        };
        if (args.size() >= 2 && named.get("axis") == null) {
            double best = Operators.number(args.getFirst().value());
            boolean allInts = true;
            for (Arg a : args) {
                double x = Operators.number(a.value());
                best = op == Op.MAX ? Math.max(best, x) : Math.min(best, x);
                allInts &= a.value() instanceof Value.Int;
            }
            return allInts ? new Value.Int(Dim.of((long) best)) : new Value.Flt(best);
        }
        Value x = args.getFirst().value();
        if (x instanceof Value.Lst l) return list(op, l.items());
        Node t = node(args.getFirst(), name);
        return tensor(reduction(op, t, args.getFirst(), named.get("axis"), keepdims(named, true)));
    }

    /** A reduction over one axis, or over every axis (to a scalar) without one. */
    private Node reduction(Op op, Node x, Arg of, Arg axisArg, boolean keep) {
        List<Integer> axes = new ArrayList<>();
        if (axisArg == null) {
            for (int i = 0; i < x.type().rank(); i++) axes.add(i);
            keep = false;
        } else {
            axes.add(axis(of, axisArg, x.type().rank()));
        }
        return lw.gb.add(op, List.of(x), GraphBuilder.attrs("axes", List.copyOf(axes), "keepdims", keep));
    }

    /** {@code sum(xs)} of a list: numbers now, tensors as a chain of adds (or maxima). */
    private Value list(Op op, List<Value> items) {
        if (items.isEmpty()) return new Value.Int(Dim.of(0));
        Value acc = items.getFirst();
        for (Value v : items.subList(1, items.size())) {
            Op step = op == Op.SUM || op == Op.MEAN ? Op.ADD : op == Op.MAX ? Op.MAXIMUM : Op.MINIMUM;
            if (acc instanceof Value.Tensor || v instanceof Value.Tensor) acc = Operators.tensorBinary(lw, step, acc, v);
            else {
                double r = (double) Scalars.binary(step, Operators.number(acc), Operators.number(v), DType.F32);
                acc = acc instanceof Value.Int && v instanceof Value.Int ? new Value.Int(Dim.of((long) r)) : new Value.Flt(r);
            }
        }
        if (op == Op.MEAN) acc = acc instanceof Value.Tensor ? Operators.tensorBinary(lw, Op.DIV, acc, new Value.Flt(items.size()))
                : new Value.Flt(Operators.number(acc) / items.size());
        return acc;
    }

    // ---- axes ---------------------------------------------------------------------------------------

    /**
     * The axis an {@code axis = …} argument designates in the tensor argument {@code of}. An integer
     * is an index (negative from the end). A dimension name is found where the checker found it, in
     * the generic type of the argument, counted from the end (the generic type may start with
     * {@code ..}); only without that information is it matched against the sizes themselves.
     */
    int axis(Arg of, Arg axisArg, int rank) {
        Expr ae = axisArg.expr();
        Value av = axisArg.value();
        if (!(av instanceof Value.Int iv)) throw new IrException("axis must be an int or a dimension, found " + Value.describe(av));
        Type at = ae == null ? null : lw.program.typeOf(ae);
        boolean index = ae == null || isLiteral(ae) || at instanceof Type.Int ti && ti.value() != null && ti.value().isConstant()
                || !(at instanceof Type.Int);
        if (index && iv.known()) {
            long k = iv.v().constant();
            if (k < 0) k += rank;
            if (k < 0 || k >= rank) throw new IrException("axis " + iv.v() + " is out of range for rank " + rank);
            return (int) k;
        }
        if (of.expr() != null && lw.program.typeOf(of.expr()) instanceof Type.Tensor gt && at instanceof Type.Int ti && ti.value() != null) {
            List<Integer> hits = new ArrayList<>();
            for (int i = 0; i < gt.shape().rank(); i++) if (gt.shape().dim(i).equals(ti.value())) hits.add(i);
            if (hits.size() == 1) {
                int fromEnd = gt.shape().rank() - hits.getFirst();
                if (fromEnd <= rank) return rank - fromEnd;
            }
        }
        Node x = of.value() instanceof Value.Tensor t ? t.node() : null;
        if (x != null) {
            List<Integer> hits = new ArrayList<>();
            for (int i = 0; i < rank; i++) if (x.type().dim(i).equals(iv.v())) hits.add(i);
            if (hits.size() == 1) return hits.getFirst();
        }
        throw new IrException("cannot tell which axis of " + (x == null ? "the argument" : x.type()) + " the dimension " + iv.v() + " is");
    }

    private static boolean isLiteral(Expr e) {
        return e instanceof Expr.IntLit || e instanceof Expr.Unary u && u.operand() instanceof Expr.IntLit;
    }

    // ---- shapes -------------------------------------------------------------------------------------

    /** {@code outer(a, b)}: {@code a[.., M, 1] * b[.., 1, N]}. */
    private Value outer(Node a, Node b) {
        var da = new ArrayList<>(a.type().dims());
        da.add(Dim.of(1));
        var db = new ArrayList<>(b.type().dims());
        db.add(db.size() - 1, Dim.of(1));
        Node ra = lw.reshape(a, da);
        Node rb = lw.reshape(b, db);
        return tensor(lw.gb.add(Op.MUL, List.of(ra, rb), Map.of()));
    }

    Value transpose(Node x, int a, int b) {
        int rank = x.type().rank();
        if (a < 0) a += rank;
        if (b < 0) b += rank;
        if (rank < 2 || a < 0 || b < 0 || a >= rank || b >= rank) throw new IrException("transpose needs two axes of " + x.type());
        var perm = new ArrayList<Integer>();
        for (int i = 0; i < rank; i++) perm.add(i);
        java.util.Collections.swap(perm, a, b);
        return tensor(lw.gb.add(Op.TRANSPOSE, List.of(x), GraphBuilder.attrs("perm", List.copyOf(perm))));
    }

    private Value creation(String name, List<Arg> args, Map<String, Arg> named) {
        List<Dim> dims = new ArrayList<>();
        switch (args.getFirst().value()) {
            case Value.Lst l -> {
                for (Value v : l.items()) dims.add(intArg(new Arg(v, null), name + "'s shape"));
            }
            case Value.Int i -> dims.add(i.v());
            default -> throw new IrException(name + " needs a shape, a list of ints");
        }
        DType dt = DType.F32;
        Arg d = named.get("dtype");
        if (d != null && d.value() instanceof Value.Str s && DType.parse(s.v()) != null) dt = DType.parse(s.v());
        TensorType type = new TensorType(dt, dims);
        if (name.startsWith("rand")) {
            Arg seed = named.get("seed");
            long sd = seed == null ? 0 : known(intArg(seed, "seed"), "the seed");
            return tensor(lw.gb.add(Op.RANDOM, List.of(), GraphBuilder.attrs("dist", name.equals("rand") ? "uniform" : "normal", "seed", sd), null, type));
        }
        double v = switch (name) {
            case "zeros" -> 0.0;
            case "ones" -> 1.0;
            default -> Operators.number(args.get(1).value());
        };
        return tensor(lw.gb.constant(Scalars.as(v, dt), type));
    }

    private Value where(List<Arg> args) {
        Value c = args.get(0).value();
        if (c instanceof Value.Bool b) return b.v() ? args.get(1).value() : args.get(2).value();
        Node cond = node(args.get(0), "where");
        Value a = args.get(1).value(), b = args.get(2).value();
        DType partner = a instanceof Value.Tensor t ? t.node().type().dtype() : b instanceof Value.Tensor t2 ? t2.node().type().dtype() : DType.F32;
        Node x = Operators.node(lw, a, partner);
        Node y = Operators.node(lw, b, partner);
        return tensor(lw.gb.add(Op.WHERE, List.of(cond, x, y), Map.of()));
    }

    /** split(x, [a, b, …], axis): consecutive slices along the axis. */
    private Value split(List<Arg> args, Map<String, Arg> named) {
        Node x = node(args.get(0), "split");
        if (!(args.get(1).value() instanceof Value.Lst sizes)) throw new IrException("split needs its sizes as a list");
        int rank = x.type().rank();
        int ax = rank - 1;
        Arg axisArg = named.get("axis");
        if (axisArg != null) {
            if (!(axisArg.value() instanceof Value.Int i && i.known())) throw new IrException("split needs an integer axis");
            long k = i.v().constant();
            ax = (int) (k < 0 ? k + rank : k);
        }
        var parts = new ArrayList<Value>();
        Dim start = Dim.of(0);
        for (Value v : sizes.items()) {
            Dim stop = start.plus(intArg(new Arg(v, null), "each size of split"));
            parts.add(tensor(lw.gb.add(Op.SLICE, List.of(x), GraphBuilder.attrs("axis", ax, "start", start, "stop", stop, "step", 1L))));
            start = stop;
        }
        return new Value.Tuple(parts);
    }

    private Value join(String name, List<Arg> args, Map<String, Arg> named) {
        List<Node> parts = new ArrayList<>();
        if (args.size() == 1 && args.getFirst().value() instanceof Value.Lst l) {
            for (Value v : l.items()) parts.add(node(new Arg(v, null), name));
        } else {
            for (Arg a : args) parts.add(node(a, name));
        }
        if (parts.isEmpty()) throw new IrException(name + " needs tensors");
        int rank = parts.getFirst().type().rank() + (name.equals("stack") ? 1 : 0);
        Arg axisArg = named.get("axis");
        int ax;
        if (axisArg == null) ax = name.equals("stack") ? 0 : rank - 1;
        else {
            if (!(axisArg.value() instanceof Value.Int i && i.known())) throw new IrException(name + " needs an integer axis");
            long k = i.v().constant();
            ax = (int) (k < 0 ? k + rank : k);
        }
        return tensor(lw.gb.add(name.equals("stack") ? Op.STACK : Op.CONCAT, parts, GraphBuilder.attrs("axis", ax)));
    }
}
