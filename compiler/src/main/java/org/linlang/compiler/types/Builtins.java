package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.diag.Code;

/** The registry of builtins: name, signature as people read it, documentation and type rule. */
public final class Builtins {
    private Builtins() {}

    private static final Map<String, Builtin> ALL = new LinkedHashMap<>();

    private static void add(String name, String signature, String doc, Builtin.Rule rule) {
        ALL.put(name, new Builtin(name, signature, doc, rule));
    }

    public static Map<String, Builtin> all() { return java.util.Collections.unmodifiableMap(ALL); }

    static Scope scope() {
        Scope s = new Scope(null);
        ALL.values().forEach(b -> s.define(b.name(), new Type.BuiltinRef(b), Scope.Kind.GLOBAL, null));
        return s;
    }

    static {
        String[][] unary = {
            {"exp", "e to the x"}, {"log", "natural logarithm"}, {"sqrt", "square root"}, {"rsqrt", "1 / sqrt(x)"},
            {"tanh", "hyperbolic tangent"}, {"sigmoid", "1 / (1 + exp(-x))"}, {"silu", "x * sigmoid(x)"},
            {"softplus", "log(1 + exp(x)), computed stably"}, {"gelu", "x * Φ(x) with the exact error function"},
            {"relu", "max(x, 0)"}, {"abs", "absolute value"}, {"elu", "x if x > 0 else exp(x) - 1"},
            {"sin", "sine"}, {"cos", "cosine"},
        };
        for (String[] u : unary) add(u[0], u[0] + "(x)", u[1] + ", elementwise", Builtins::unaryMath);
        add("pow", "pow(x, y)", "x to the power y, elementwise with broadcasting", c -> binaryMath(c, false));
        add("maximum", "maximum(x, y)", "elementwise maximum with broadcasting", c -> binaryMath(c, false));
        add("minimum", "minimum(x, y)", "elementwise minimum with broadcasting", c -> binaryMath(c, false));
        add("where", "where(cond, a, b)", "a where cond is true, else b, with broadcasting", Builtins::where);
        for (String r : List.of("sum", "mean", "max", "min")) {
            add(r, r + "(x, axis = A, keepdims = true)", r + " over an axis (a dimension name or index), keeping it as size 1 unless keepdims = false; "
                    + "over all elements without axis" + (r.equals("max") || r.equals("min") ? "; of two or more numbers, the " + r + " of them" : ""),
                    c -> reduction(c, r));
        }
        add("argmax", "argmax(x, axis = A, keepdims = false)", "index of the largest value along an axis", c -> argmax(c));
        add("softmax", "softmax(x, axis = -1)", "exp(x) / sum(exp(x)) along an axis, max-subtracted for stability", c -> sameShapeAlongAxis(c, true));
        add("cumsum", "cumsum(x, axis = A)", "running sum along an axis", c -> sameShapeAlongAxis(c, false));
        add("outer", "outer(a, b)", "outer product over the last axes: [.., M] and [.., N] give [.., M, N]", Builtins::outer);
        add("transpose", "transpose(x, a = -2, b = -1)", "swaps two axes (by default the last two)", Builtins::transpose);
        for (String z : List.of("zeros", "ones", "rand", "randn")) {
            add(z, z + "(shape, dtype = f32" + (z.startsWith("rand") ? ", seed = S" : "") + ")",
                    switch (z) {
                        case "zeros" -> "a tensor of zeros";
                        case "ones" -> "a tensor of ones";
                        case "rand" -> "uniform random values in [0, 1); the same for a given seed; without one, calls draw seeds 0, 1, 2, … so runs repeat";
                        default -> "standard normal random values; the same for a given seed; without one, calls draw seeds 0, 1, 2, … so runs repeat";
                    }, c -> creation(c, 1));
        }
        add("full", "full(shape, value)", "a tensor filled with one value", c -> creation(c, 2));
        add("arange", "arange(n) or arange(start, stop)", "the integers start, start+1, …, stop-1 as an i64 tensor", Builtins::arange);
        add("zeros_like", "zeros_like(x)", "zeros of x's type", c -> like(c));
        add("ones_like", "ones_like(x)", "ones of x's type", c -> like(c));
        add("concat", "concat(a, b, …, axis = -1) or concat(list, axis)", "joins tensors along an existing axis", c -> join(c, false));
        add("stack", "stack(a, b, …, axis = 0) or stack(list, axis)", "joins tensors along a new axis", c -> join(c, true));
        add("split", "split(x, sizes, axis = -1)", "cuts x along an axis into consecutive pieces of the given sizes: a tuple of views", Builtins::split);
        add("shift", "shift(x, n, axis = A)", "shifts along an axis by n places, filling with zeros (causal convolutions)", Builtins::shift);
        add("take", "take(table, ids)", "rows of table selected by integer ids: [N, d] and [B, T] give [B, T, d]", Builtins::take);
        add("causal_mask", "causal_mask(T, window = W)", "bool[T, T], true where key j may be seen by query i (j <= i, and i - j < W)", Builtins::causalMask);
        add("error", "error(message)", "stops the program with the message: a run-time error at this call (a compiled graph refuses to build); "
                + "its type is never, which joins with any other, so it can stand in any branch", Builtins::error);
        add("print", "print(values…)", "prints values separated by spaces", c -> Type.UNIT);
        add("len", "len(x)", "length of a list, tuple or string, or the first dimension of a tensor", Builtins::len);
        add("shape", "shape(x)", "a tensor's shape as a list of ints", c -> exactly(c, 1) ? new Type.ListOf(Type.INT) : Type.ERROR);
        add("str", "str(x)", "x as text", c -> exactly(c, 1) ? Type.STRING : Type.ERROR);
        add("int", "int(x)", "x truncated to an int", c -> exactly(c, 1) ? Type.INT : Type.ERROR);
        add("float", "float(x)", "x as a float", c -> exactly(c, 1) ? Type.FLOAT : Type.ERROR);
        add("load", "load(path)", "reads tensors from a .safetensors or .npy file (checked when it runs)", c -> exactly(c, 1) ? Type.DYNAMIC : Type.ERROR);
        add("save", "save(path, name = tensor, …)", "writes tensors to a .safetensors or .npy file", c -> Type.UNIT);
    }

    // ---- rules -------------------------------------------------------------------------------------

    private static boolean exactly(BuiltinCall c, int n) {
        if (c.count() != n) {
            c.error(Code.E020, c.span(), c.call.callee().span().text() + " takes " + Calls.count(n, "argument") + " but " + c.count() + " were given");
            return false;
        }
        return true;
    }

    private static Type tensorArg(BuiltinCall c, int i, String what) {
        Type t = c.arg(i);
        if (Type.isLenient(t) || t instanceof Type.Tensor) return t;
        return c.error(Code.E030, c.argExpr(i).span(), what + " must be a tensor, found " + Unifier.describe(t));
    }

    private static Type unaryMath(BuiltinCall c) {
        if (!exactly(c, 1)) return Type.ERROR;
        Type t = c.arg(0);
        return switch (t) {
            case Type.Int i -> Type.FLOAT;
            case Type.Float f -> f;
            case Type.Tensor x when x.dtype() != DType.BOOL -> new Type.Tensor(x.dtype() == null || x.dtype().isFloat() ? x.dtype() : DType.F32, x.shape());
            default -> Type.isLenient(t) ? t : c.error(Code.E030, c.argExpr(0).span(), "expected a number or a tensor, found " + Unifier.describe(t));
        };
    }

    private static Type binaryMath(BuiltinCall c, boolean bool) {
        if (!exactly(c, 2)) return Type.ERROR;
        return broadcastAll(c, List.of(0, 1), null);
    }

    private static Type broadcastAll(BuiltinCall c, List<Integer> which, DType forced) {
        Shape shape = Shape.SCALAR;
        DType dtype = null;
        boolean anyTensor = false;
        for (int i : which) {
            Type t = c.arg(i);
            if (Type.isLenient(t)) return t;
            if (!Type.isNumeric(t) && !(t instanceof Type.Bool)) {
                return c.error(Code.E030, c.argExpr(i).span(), "expected a number or a tensor, found " + Unifier.describe(t));
            }
            if (t instanceof Type.Tensor x) {
                anyTensor = true;
                ShapeRules.Result r = ShapeRules.broadcast(shape, x.shape());
                if (r.failed()) return c.error(r.code(), c.span(), r.message());
                shape = r.shape();
                dtype = DType.promote(dtype, x.dtype());
            }
        }
        if (!anyTensor) return which.stream().anyMatch(i -> c.arg(i) instanceof Type.Float) ? Type.FLOAT : c.arg(which.getFirst());
        return new Type.Tensor(forced != null ? forced : dtype, shape);
    }

    private static Type where(BuiltinCall c) {
        if (!exactly(c, 3)) return Type.ERROR;
        Type cond = c.arg(0);
        if (!(cond instanceof Type.Bool) && !(cond instanceof Type.Tensor x && x.dtype() == DType.BOOL) && !Type.isLenient(cond)) {
            return c.error(Code.E038, c.argExpr(0).span(), "the condition of where must be bool, found " + Unifier.describe(cond));
        }
        Type values = broadcastAll(c, List.of(1, 2), null);
        if (Type.isLenient(values) || !(cond instanceof Type.Tensor ct)) return values;
        Shape vs = values instanceof Type.Tensor vt ? vt.shape() : Shape.SCALAR;
        ShapeRules.Result r = ShapeRules.broadcast(ct.shape(), vs);
        if (r.failed()) return c.error(r.code(), c.span(), r.message());
        return new Type.Tensor(values instanceof Type.Tensor vt ? vt.dtype() : null, r.shape());
    }

    private static Type reduction(BuiltinCall c, String name) {
        if ((name.equals("max") || name.equals("min")) && c.count() >= 2 && c.named("axis") == null) {
            // max(a, b): the larger number
            for (int i = 0; i < c.count(); i++) {
                Type t = c.arg(i);
                if (!(t instanceof Type.Int || t instanceof Type.Float || Type.isLenient(t))) {
                    return c.error(Code.E030, c.argExpr(i).span(), name + " of several values takes numbers; for tensors use " + (name.equals("max") ? "maximum" : "minimum"));
                }
            }
            return c.args.stream().anyMatch(t -> t instanceof Type.Float) ? Type.FLOAT : Type.INT;
        }
        if (!exactly(c, 1)) return Type.ERROR;
        Type t = c.arg(0);
        if (t instanceof Type.ListOf l) return l.element();
        t = tensorArg(c, 0, "the argument of " + name);
        if (!(t instanceof Type.Tensor x)) return t;
        DType dt = name.equals("mean") && x.dtype() != null && !x.dtype().isFloat() ? DType.F32 : x.dtype();
        Expr axis = c.namedExpr("axis");
        if (axis == null) return new Type.Tensor(dt, Shape.SCALAR);
        int a = c.axis(axis, x.shape());
        if (a < 0) return Type.ERROR;
        return new Type.Tensor(dt, ShapeRules.reduce(x.shape(), a, keepdims(c, true)));
    }

    private static boolean keepdims(BuiltinCall c, boolean dflt) {
        Expr e = c.namedExpr("keepdims");
        if (e == null) return dflt;
        if (e instanceof Expr.BoolLit b) return b.value();
        c.error(Code.E048, e.span(), "keepdims must be written true or false: it decides the result's shape");
        return dflt;
    }

    private static Type argmax(BuiltinCall c) {
        if (!exactly(c, 1)) return Type.ERROR;
        Type t = tensorArg(c, 0, "the argument of argmax");
        if (!(t instanceof Type.Tensor x)) return t;
        Expr axis = c.namedExpr("axis");
        if (axis == null) return new Type.Tensor(DType.I64, Shape.SCALAR);
        int a = c.axis(axis, x.shape());
        if (a < 0) return Type.ERROR;
        return new Type.Tensor(DType.I64, ShapeRules.reduce(x.shape(), a, keepdims(c, false)));
    }

    private static Type sameShapeAlongAxis(BuiltinCall c, boolean defaultLast) {
        if (!exactly(c, 1)) return Type.ERROR;
        Type t = tensorArg(c, 0, "the argument");
        if (!(t instanceof Type.Tensor x)) return t;
        Expr axis = c.namedExpr("axis");
        if (axis == null && !defaultLast) return c.error(Code.E024, c.span(), "this needs an axis: axis = a dimension name or an index");
        if (axis != null && c.axis(axis, x.shape()) < 0) return Type.ERROR;
        if (axis == null && x.shape().rank() == 0) return c.error(Code.E035, c.span(), "softmax needs at least one dimension");
        return new Type.Tensor(x.dtype() != null && !x.dtype().isFloat() ? DType.F32 : x.dtype(), x.shape());
    }

    private static Type outer(BuiltinCall c) {
        if (!exactly(c, 2)) return Type.ERROR;
        Type a = tensorArg(c, 0, "the first argument of outer");
        Type b = tensorArg(c, 1, "the second argument of outer");
        if (!(a instanceof Type.Tensor x) || !(b instanceof Type.Tensor y)) return Type.isLenient(a) ? a : b;
        if (x.shape().rank() == 0 || y.shape().rank() == 0) {
            return c.error(Code.E033, c.span(), "outer needs vectors (at least one dimension each), found " + x.shape() + " and " + y.shape());
        }
        Shape la = new Shape(x.shape().rest(), x.shape().dims().subList(0, x.shape().rank() - 1));
        Shape lb = new Shape(y.shape().rest(), y.shape().dims().subList(0, y.shape().rank() - 1));
        ShapeRules.Result lead = ShapeRules.broadcast(la, lb);
        if (lead.failed()) return c.error(Code.E031, c.span(), "outer: leading dimensions of " + x.shape() + " and " + y.shape() + " do not broadcast");
        var dims = new ArrayList<>(lead.shape().dims());
        dims.add(x.shape().dim(x.shape().rank() - 1));
        dims.add(y.shape().dim(y.shape().rank() - 1));
        return new Type.Tensor(DType.promote(x.dtype(), y.dtype()), new Shape(lead.shape().rest(), dims));
    }

    private static Type transpose(BuiltinCall c) {
        if (c.count() < 1 || c.count() > 3) return exactly(c, 1) ? Type.ERROR : Type.ERROR;
        Type t = tensorArg(c, 0, "the argument of transpose");
        if (!(t instanceof Type.Tensor x)) return t;
        Expr ea = c.count() > 1 ? c.argExpr(1) : c.namedExpr("a");
        Expr eb = c.count() > 2 ? c.argExpr(2) : c.namedExpr("b");
        int a = ea == null ? x.shape().rank() - 2 : c.axis(ea, x.shape());
        int b = eb == null ? x.shape().rank() - 1 : c.axis(eb, x.shape());
        if (a < 0 || b < 0) {
            if (ea == null || eb == null) return c.error(Code.E035, c.span(), "transpose needs at least two dimensions, found " + x.shape());
            return Type.ERROR;
        }
        var dims = new ArrayList<>(x.shape().dims());
        java.util.Collections.swap(dims, a, b);
        return new Type.Tensor(x.dtype(), x.shape().withDims(dims));
    }

    /** A shape written as a list literal of ints, e.g. [B, T, 4 * d]. */
    private static Shape shapeOf(BuiltinCall c, Expr e) {
        if (e instanceof Expr.ListLit l) {
            var dims = new ArrayList<Dim>();
            for (Expr x : l.elements()) {
                Type t = c.checker().typeOf(x);
                if (!(t instanceof Type.Int i)) {
                    if (!Type.isLenient(t)) c.error(Code.E030, x.span(), "a shape lists ints, found " + Unifier.describe(t));
                    return null;
                }
                dims.add(i.value() != null ? i.value() : Dim.of(new Sym(x.span().text(), x.span(), false)));
            }
            return Shape.of(dims);
        }
        Type t = c.checker().typeOf(e);
        if (t instanceof Type.Int i) return Shape.of(List.of(i.value() != null ? i.value() : Dim.of(new Sym(e.span().text(), e.span(), false))));
        if (!Type.isLenient(t) && !(t instanceof Type.ListOf)) c.error(Code.E030, e.span(), "a shape is a list of ints such as [2, 3], found " + Unifier.describe(t));
        return null;
    }

    private static Type creation(BuiltinCall c, int n) {
        if (!exactly(c, n)) return Type.ERROR;
        Shape s = shapeOf(c, c.argExpr(0));
        DType dt = DType.F32;
        Expr d = c.namedExpr("dtype");
        if (d != null) {
            dt = d instanceof Expr.Name name ? DType.parse(name.name()) : null;
            if (dt == null) return c.error(Code.E017, d.span(), "dtype must be one of f32, f16, bf16, i32, i64, bool");
        }
        if (n == 2 && !(c.arg(1) instanceof Type.Int || c.arg(1) instanceof Type.Float || c.arg(1) instanceof Type.Bool || Type.isLenient(c.arg(1)))) {
            return c.error(Code.E030, c.argExpr(1).span(), "the fill value must be a number, found " + Unifier.describe(c.arg(1)));
        }
        return s == null ? Type.DYNAMIC : new Type.Tensor(dt, s);
    }

    /** len(x): of a tensor, its first dimension (a size types may use); of a tuple, its constant length. */
    private static Type len(BuiltinCall c) {
        if (!exactly(c, 1)) return Type.ERROR;
        return switch (c.arg(0)) {
            case Type.Tensor t when !t.shape().hasRest() && t.shape().rank() > 0 -> new Type.Int(t.shape().dim(0));
            case Type.Tuple t -> new Type.Int(Dim.of(t.parts().size()));
            default -> Type.INT;
        };
    }

    private static Type arange(BuiltinCall c) {
        if (c.count() < 1 || c.count() > 2) return exactly(c, 1) ? Type.ERROR : Type.ERROR;
        for (int i = 0; i < c.count(); i++) {
            if (!(c.arg(i) instanceof Type.Int) && !Type.isLenient(c.arg(i))) return c.error(Code.E030, c.argExpr(i).span(), "arange takes ints, found " + Unifier.describe(c.arg(i)));
        }
        Dim start = c.count() == 2 && c.arg(0) instanceof Type.Int a ? a.value() : Dim.of(0);
        Dim stop = c.arg(c.count() - 1) instanceof Type.Int b ? b.value() : null;
        Dim n = start != null && stop != null ? stop.minus(start) : Dim.of(new Sym(c.span().text(), c.span(), false));
        return new Type.Tensor(DType.I64, Shape.of(List.of(n)));
    }

    private static Type like(BuiltinCall c) {
        if (!exactly(c, 1)) return Type.ERROR;
        return tensorArg(c, 0, "the argument");
    }

    private static Type join(BuiltinCall c, boolean stack) {
        List<Type.Tensor> parts = new ArrayList<>();
        if (c.count() == 1 && c.arg(0) instanceof Type.ListOf l) {
            if (!(l.element() instanceof Type.Tensor t)) return Type.isLenient(l.element()) ? l.element() : c.error(Code.E030, c.argExpr(0).span(), "expected a list of tensors");
            if (!stack) return c.error(Code.E048, c.argExpr(0).span(), "concat of a list needs the parts written out, concat(a, b, axis = …), so that the size is known");
            Type.Tensor x = t;
            int axis = axisOrDefault(c, x.shape().rank() + 1, 0);
            if (axis < 0) return Type.ERROR;
            var dims = new ArrayList<>(x.shape().dims());
            dims.add(axis, Dim.of(new Sym("len(" + c.argExpr(0).span().text() + ")", c.argExpr(0).span(), false)));
            return new Type.Tensor(x.dtype(), x.shape().withDims(dims));
        }
        if (c.count() == 0) return c.error(Code.E024, c.span(), "nothing to join");
        for (int i = 0; i < c.count(); i++) {
            Type t = tensorArg(c, i, "each part");
            if (!(t instanceof Type.Tensor x)) return t;
            parts.add(x);
        }
        Type.Tensor first = parts.getFirst();
        int rank = first.shape().rank();
        int axis = axisOrDefault(c, stack ? rank + 1 : rank, stack ? 0 : -1);
        if (axis < 0) return Type.ERROR;
        Dim total = Dim.of(0);
        for (int i = 0; i < parts.size(); i++) {
            Type.Tensor p = parts.get(i);
            boolean ok = p.shape().rank() == rank && java.util.Objects.equals(p.shape().rest(), first.shape().rest());
            for (int k = 0; ok && k < rank; k++) if (stack || k != axis) ok = p.shape().dim(k).equals(first.shape().dim(k));
            if (!ok) {
                return c.error(Code.E031, c.argExpr(i).span(), (stack ? "stack needs equal shapes" : "concat needs equal shapes except along the axis")
                        + ": " + p.shape() + " and " + first.shape());
            }
            if (!stack) total = total.plus(p.shape().dim(axis));
        }
        var dims = new ArrayList<>(first.shape().dims());
        if (stack) dims.add(axis, Dim.of(parts.size())); else dims.set(axis, total);
        DType dt = null;
        for (Type.Tensor p : parts) dt = DType.promote(dt, p.dtype());
        return new Type.Tensor(dt, first.shape().withDims(dims));
    }

    private static int axisOrDefault(BuiltinCall c, int rank, int dflt) {
        Expr e = c.namedExpr("axis");
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < rank; i++) dims.add(Dim.of(new Sym("_", c.span(), false)));
        if (e == null) return dflt < 0 ? rank + dflt : dflt;
        return c.axis(e, Shape.of(dims));
    }

    private static Type split(BuiltinCall c) {
        if (!exactly(c, 2)) return Type.ERROR;
        Type t = tensorArg(c, 0, "the argument of split");
        if (!(t instanceof Type.Tensor x)) return t;
        if (!(c.argExpr(1) instanceof Expr.ListLit sizes)) {
            return c.error(Code.E048, c.argExpr(1).span(), "split needs the sizes written as a list, e.g. [d, 2 * d], so that the pieces' shapes are known");
        }
        Expr axisExpr = c.namedExpr("axis");
        int axis = axisExpr == null ? x.shape().rank() - 1 : c.axis(axisExpr, x.shape());
        if (axis < 0) return axisExpr == null ? c.error(Code.E035, c.span(), "split needs a tensor with at least one dimension") : Type.ERROR;
        Shape s = shapeOf(c, sizes);
        if (s == null) return Type.ERROR;
        Dim total = Dim.of(0);
        for (Dim d : s.dims()) total = total.plus(d);
        if (!total.equals(x.shape().dim(axis))) {
            return c.error(Code.E034, c.argExpr(1).span(), "split sizes add up to " + total + " but axis " + axis + " of " + x.shape()
                    + " is " + x.shape().dim(axis));
        }
        var parts = new ArrayList<Type>();
        for (Dim d : s.dims()) {
            var dims = new ArrayList<>(x.shape().dims());
            dims.set(axis, d);
            parts.add(new Type.Tensor(x.dtype(), x.shape().withDims(dims)));
        }
        return new Type.Tuple(parts);
    }

    private static Type shift(BuiltinCall c) {
        if (!exactly(c, 2)) return Type.ERROR;
        Type t = tensorArg(c, 0, "the argument of shift");
        if (!(t instanceof Type.Tensor x)) return t;
        if (!(c.arg(1) instanceof Type.Int) && !Type.isLenient(c.arg(1))) return c.error(Code.E030, c.argExpr(1).span(), "the shift must be an int");
        Expr axis = c.namedExpr("axis");
        if (axis == null) return c.error(Code.E024, c.span(), "shift needs an axis: axis = a dimension name or an index");
        return c.axis(axis, x.shape()) < 0 ? Type.ERROR : x;
    }

    private static Type take(BuiltinCall c) {
        if (!exactly(c, 2)) return Type.ERROR;
        Type a = tensorArg(c, 0, "the table");
        Type b = tensorArg(c, 1, "the ids");
        if (!(a instanceof Type.Tensor table) || !(b instanceof Type.Tensor ids)) return Type.isLenient(a) ? a : b;
        if (ids.dtype() != null && ids.dtype() != DType.I32 && ids.dtype() != DType.I64) {
            return c.error(Code.E041, c.argExpr(1).span(), "ids must be i32 or i64, found " + ids);
        }
        if (table.shape().rank() < 1 || table.shape().hasRest()) return c.error(Code.E036, c.argExpr(0).span(), "the table needs a known shape [N, …], found " + table.shape());
        var dims = new ArrayList<>(ids.shape().dims());
        dims.addAll(table.shape().dims().subList(1, table.shape().rank()));
        return new Type.Tensor(table.dtype(), new Shape(ids.shape().rest(), dims));
    }

    private static Type error(BuiltinCall c) {
        if (!exactly(c, 1)) return Type.NEVER;
        Type t = c.arg(0);
        if (!(t instanceof Type.Str) && !Type.isLenient(t)) {
            c.error(Code.E030, c.argExpr(0).span(), "the message of error must be a string, found " + Unifier.describe(t));
        }
        return Type.NEVER;
    }

    private static Type causalMask(BuiltinCall c) {
        if (!exactly(c, 1)) return Type.ERROR;
        if (!(c.arg(0) instanceof Type.Int i)) return Type.isLenient(c.arg(0)) ? c.arg(0) : c.error(Code.E030, c.argExpr(0).span(), "causal_mask takes the sequence length, an int");
        Dim t = i.value() != null ? i.value() : Dim.of(new Sym(c.argExpr(0).span().text(), c.argExpr(0).span(), false));
        Type w = c.named("window");
        if (w != null && !(w instanceof Type.Int) && !Type.isLenient(w)) return c.error(Code.E030, c.namedExpr("window").span(), "window must be an int");
        return new Type.Tensor(DType.BOOL, Shape.of(List.of(t, t)));
    }
}
