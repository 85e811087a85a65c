package org.linlang.runtime.cpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.recurrence.ExprPrinter;

/**
 * A recurrence's step body compiled, for one set of step shapes, into a flat list of operations
 * over {@code float[]} slots: the generic sequential kernel ({@link GenericRecurrence}) runs it once
 * per token. Every expression gets a slot of its own (values are never overwritten within a step,
 * so a {@code let} or a state is just the name of a slot), a state's home slot holds it between
 * steps, and an assignment to a state is copied home at the end of the step. Host values (literals,
 * host parameters, sizes, loop variables) are folded while compiling: host {@code if}s choose a
 * branch and {@code for} loops over host ranges are unrolled; an {@code if} on a tensor becomes a
 * branch taken at run time.
 *
 * <p>The arithmetic is the interpreter's: each operation rounds to f32 as its tensors do, and the
 * transcendental functions are evaluated in double (as {@code Elementwise}); products accumulate
 * in double. What the step uses that is not compiled here is refused in one sentence naming it.
 */
final class StepProgram {
    /** One operation of the step, on a frame's slots. */
    interface Op { void run(Frame f); }

    /** A worker's slots, and where the current token is. */
    static final class Frame {
        final float[][] slot;
        /** The row of the current token in the [B, T, H] order of the inputs and the output. */
        int row;
        float[][] inputs;
        float[] output;
        private double[] acc = new double[0];

        Frame(int[] sizes) {
            slot = new float[sizes.length][];
            for (int i = 0; i < sizes.length; i++) slot[i] = new float[sizes[i]];
        }

        /** Double accumulators for a product's row (grown once, on the first step). */
        double[] acc(int n) {
            if (acc.length < n) acc = new double[n];
            return acc;
        }
    }

    /** A tensor value: a slot and its shape. */
    record Val(int slot, int[] shape) {
        int numel() { int n = 1; for (int d : shape) n *= d; return n; }
    }

    final List<Op> ops = new ArrayList<>();
    /** Each state's home slot. */
    final int[] stateHome;
    final int[][] stateShape;
    final int[] outputShape;
    /** Constant slots (filled once per frame): slot → values. */
    final Map<Integer, float[]> constants = new LinkedHashMap<>();
    private final List<Integer> sizes = new ArrayList<>();

    private final Decl.Recurrence decl;
    private final String where;
    private final Map<String, Long> dims;
    private final Map<String, Object> host;
    /** Step inputs: name → index into the frame's inputs, with its per-step shape. */
    private final Map<String, Integer> inputIndex;
    private final int[][] inputShape;

    /**
     * @param inputNames the per-step inputs, in the order of {@code inputs} in the frame
     * @param inputShapes their per-step shapes
     * @param host       the host parameters' values
     */
    StepProgram(Decl.Recurrence decl, List<String> inputNames, int[][] inputShapes, Map<String, Object> host, String where) {
        this.decl = decl;
        this.where = where;
        this.host = new HashMap<>(host);
        this.inputIndex = new HashMap<>();
        this.inputShape = inputShapes;
        this.dims = new HashMap<>();
        for (int i = 0; i < inputNames.size(); i++) inputIndex.put(inputNames.get(i), i);
        for (Param p : decl.params()) {
            Integer i = inputIndex.get(p.name().name());
            if (i != null && p.type() instanceof TypeExpr.Tensor t) bindDims(t, inputShapes[i], p.name().name());
        }
        for (Param p : decl.params()) {
            String n = p.name().name();
            if (!inputIndex.containsKey(n) && !this.host.containsKey(n) && p.defaultValue() != null) {
                this.host.put(n, hostValue(compileExpr(p.defaultValue(), new Scope(null)), p.defaultValue()));
            }
        }
        int ns = decl.states().size();
        stateHome = new int[ns];
        stateShape = new int[ns][];
        Scope top = new Scope(null);
        for (int i = 0; i < ns; i++) {
            Decl.State s = decl.states().get(i);
            stateShape[i] = shapeOf(s.type(), s.span().toString());
            stateHome[i] = newSlot(numel(stateShape[i]));
            top.bind(s.name().name(), new Val(stateHome[i], stateShape[i]));
        }
        outputShape = shapeOf(decl.output(), "the output");
        this.emitted = false;
        compileBlock(decl.body(), top, ops);
        for (int i = 0; i < ns; i++) {
            Val v = (Val) top.get(decl.states().get(i).name().name());
            if (v.slot() != stateHome[i]) ops.add(copy(v.slot(), stateHome[i], numel(stateShape[i])));
        }
        if (!emitted) throw refuse(decl.name().name() + " never emits its output");
    }

    private boolean emitted;

    /** The slots' sizes, for a frame. */
    int[] slotSizes() { return sizes.stream().mapToInt(Integer::intValue).toArray(); }

    /** A fresh frame with the constants filled. */
    Frame frame() {
        Frame f = new Frame(slotSizes());
        for (var c : constants.entrySet()) System.arraycopy(c.getValue(), 0, f.slot[c.getKey()], 0, c.getValue().length);
        return f;
    }

    /** The state's declared initial value, a number. */
    double stateInit(int i) {
        Decl.State s = decl.states().get(i);
        if (s.init() == null) return 0;
        Object v = compileExpr(s.init(), new Scope(null));
        if (v instanceof Number n) return n.doubleValue();
        throw refuse("the initial value of state '" + s.name().name() + "' is not a number");
    }

    // ---- names -----------------------------------------------------------------------------------

    /** Lexical scope: names bound to a Val (tensor slot) or a host value (Number, Boolean). */
    private static final class Scope {
        final Scope parent;
        final Map<String, Object> names = new LinkedHashMap<>();
        Scope(Scope parent) { this.parent = parent; }
        Object get(String n) {
            for (Scope s = this; s != null; s = s.parent) if (s.names.containsKey(n)) return s.names.get(n);
            return null;
        }
        void bind(String n, Object v) { names.put(n, v); }
        /** Rebinds where the name lives (an assignment); false when it is not bound. */
        boolean assign(String n, Object v) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.names.containsKey(n)) { s.names.put(n, v); return true; }
            }
            return false;
        }
    }

    private void bindDims(TypeExpr.Tensor t, int[] shape, String param) {
        List<TypeExpr.DimExpr> ds = t.dims();
        if (ds.size() != shape.length) return;
        for (int i = 0; i < ds.size(); i++) if (ds.get(i) instanceof TypeExpr.DimName n) dims.putIfAbsent(n.name().name(), (long) shape[i]);
    }

    private int[] shapeOf(TypeExpr type, String what) {
        if (type instanceof TypeExpr.Named) return new int[0]; // f32: a scalar
        if (!(type instanceof TypeExpr.Tensor t)) throw refuse(what + " has a type that is not a tensor");
        int[] s = new int[t.dims().size()];
        for (int i = 0; i < s.length; i++) s[i] = (int) dimValue(t.dims().get(i));
        return s;
    }

    private long dimValue(TypeExpr.DimExpr d) {
        return switch (d) {
            case TypeExpr.DimLit l -> l.value();
            case TypeExpr.DimName n -> {
                Long v = dims.get(n.name().name());
                if (v == null && host.get(n.name().name()) instanceof Long l) v = l;
                if (v == null) throw refuse("the size " + n.name().name() + " is not bound by the step's inputs");
                yield v;
            }
            case TypeExpr.DimBinary b -> {
                long x = dimValue(b.left()), y = dimValue(b.right());
                yield switch (b.op()) {
                    case '+' -> x + y;
                    case '-' -> x - y;
                    case '*' -> x * y;
                    case '/' -> x / y;
                    default -> throw refuse("the size operator " + b.op() + " is not known");
                };
            }
            default -> throw refuse("a `..` size in the step's types");
        };
    }

    // ---- statements ------------------------------------------------------------------------------

    private void compileBlock(List<Stmt> body, Scope scope, List<Op> out) {
        for (Stmt s : body) compileStmt(s, scope, out);
    }

    private void compileStmt(Stmt s, Scope scope, List<Op> out) {
        switch (s) {
            case Stmt.Let l when l.pattern() instanceof Stmt.NamePattern n -> scope.bind(n.name().name(), owned(compile(l.value(), scope, out), out));
            case Stmt.Assign a -> {
                String name = a.target().name();
                Object old = scope.get(name);
                if (old == null) throw refuse("`" + name + "` is assigned at " + a.span() + " before it is declared");
                Object v = owned(compile(a.value(), scope, out), out);
                int state = stateIndex(name);
                if (state >= 0) v = stateValue(v, stateShape[state], name, a.value(), out);
                scope.assign(name, v);
            }
            case Stmt.Emit e -> {
                Val val = stateValue(compile(e.value(), scope, out), outputShape, null, e.value(), out);
                int slot = val.slot(), n = numel(outputShape);
                out.add(f -> System.arraycopy(f.slot[slot], 0, f.output, f.row * n, n));
                emitted = true;
            }
            case Stmt.ExprStmt e -> compile(e.expr(), scope, out);
            case Stmt.For loop -> {
                Object from = compile(loop.from(), scope, out), to = compile(loop.to(), scope, out);
                if (!(from instanceof Long a) || !(to instanceof Long b)) throw refuse("the loop at " + loop.span() + " does not run over a range of host ints");
                for (long j = a; j < b; j++) {
                    Scope inner = new Scope(scope);
                    inner.bind(loop.variable().name(), j);
                    compileBlock(loop.body(), inner, out);
                }
            }
            case Stmt.If c -> {
                Object cond = compile(c.condition(), scope, out);
                if (cond instanceof Boolean b) {
                    compileBlock(b ? c.then() : c.otherwise() == null ? List.of() : c.otherwise(), new Scope(scope), out);
                } else if (cond instanceof Val v && v.numel() == 1) {
                    runtimeIf(c, v, scope, out);
                } else {
                    throw refuse("the condition `" + ExprPrinter.print(c.condition()) + "` at " + c.span() + " is not one value");
                }
            }
            default -> throw refuse("the statement at " + s.span() + " (" + s.getClass().getSimpleName() + ") is not compiled by the generic step kernel");
        }
    }

    /** An if on a value of the step: both branches compiled, each copying what it assigns into a slot both share. */
    private void runtimeIf(Stmt.If c, Val cond, Scope scope, List<Op> out) {
        List<Op> thenOps = new ArrayList<>(), elseOps = new ArrayList<>();
        Scope thenScope = new Scope(scope), elseScope = new Scope(scope);
        Map<String, Object> before = snapshot(scope);
        compileBlock(c.then(), thenScope, thenOps);
        Map<String, Object> afterThen = snapshot(scope);
        restore(scope, before);
        if (c.otherwise() != null) compileBlock(c.otherwise(), elseScope, elseOps);
        Map<String, Object> afterElse = snapshot(scope);
        restore(scope, before);
        for (String name : before.keySet()) {
            Object b = before.get(name), t = afterThen.get(name), e = afterElse.get(name);
            if (t == b && e == b) continue;
            if (!(b instanceof Val bv)) throw refuse("`" + name + "` is a host value assigned under the condition at " + c.span());
            Val merged = new Val(newSlot(bv.numel()), bv.shape());
            thenOps.add(copy(((Val) t).slot(), merged.slot(), bv.numel()));
            elseOps.add(copy(((Val) e).slot(), merged.slot(), bv.numel()));
            scope.assign(name, merged);
        }
        Op[] th = thenOps.toArray(Op[]::new), el = elseOps.toArray(Op[]::new);
        int cs = cond.slot();
        out.add(f -> {
            for (Op o : f.slot[cs][0] != 0 ? th : el) o.run(f);
        });
    }

    private static Map<String, Object> snapshot(Scope s) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Scope> chain = new ArrayList<>();
        for (Scope x = s; x != null; x = x.parent) chain.addFirst(x);
        for (Scope x : chain) m.putAll(x.names);
        return m;
    }

    private static void restore(Scope s, Map<String, Object> m) {
        for (var e : m.entrySet()) s.assign(e.getKey(), e.getValue());
    }

    private int stateIndex(String name) {
        for (int i = 0; i < decl.states().size(); i++) if (decl.states().get(i).name().name().equals(name)) return i;
        return -1;
    }

    /** As the interpreter stores a state (or the output): a tensor of exactly its shape, or a number filling it. */
    private Val stateValue(Object v, int[] shape, String state, Expr e, List<Op> out) {
        if (v instanceof Number n) return constant(shape, n.floatValue());
        Val val = tensor(v, e);
        if (!java.util.Arrays.equals(val.shape(), shape)) {
            throw refuse(e, "it has shape " + java.util.Arrays.toString(val.shape()) + ", but " + (state == null ? "the output" : "state '" + state + "'")
                    + " is " + java.util.Arrays.toString(shape));
        }
        return val;
    }

    /** A value bound to a name that is a state's home slot is copied, so that the state's end-of-step copy cannot change it. */
    private Object owned(Object v, List<Op> out) {
        if (v instanceof Val val) {
            for (int h : stateHome) {
                if (val.slot() == h) {
                    Val c = new Val(newSlot(val.numel()), val.shape());
                    out.add(copy(h, c.slot(), val.numel()));
                    return c;
                }
            }
        }
        return v;
    }

    // ---- expressions -----------------------------------------------------------------------------

    /** Compiles with a scope of its own for host defaults (no ops may be emitted). */
    private Object compileExpr(Expr e, Scope scope) {
        List<Op> none = new ArrayList<>();
        Object v = compile(e, scope, none);
        if (!none.isEmpty()) throw refuse("`" + ExprPrinter.print(e) + "` is not a host value");
        return v;
    }

    private Object hostValue(Object v, Expr e) {
        if (v instanceof Val) throw refuse("the default `" + ExprPrinter.print(e) + "` is not a host value");
        return v;
    }

    /** A host value (Long, Double, Boolean) or a tensor {@link Val}. */
    private Object compile(Expr e, Scope scope, List<Op> out) {
        return switch (e) {
            case Expr.IntLit i -> i.value();
            case Expr.FloatLit f -> f.value();
            case Expr.BoolLit b -> b.value();
            case Expr.Name n -> name(n.ident().name(), scope, out, e);
            case Expr.Unary u when u.op() == Expr.UnaryOp.NEG -> {
                Object x = compile(u.operand(), scope, out);
                yield switch (x) {
                    case Long l -> -l;
                    case Double d -> -d;
                    case Val v -> unary("neg", v, out);
                    default -> throw refuse(e, "it negates a " + x.getClass().getSimpleName());
                };
            }
            case Expr.Unary u when u.op() == Expr.UnaryOp.NOT && compile(u.operand(), scope, out) instanceof Boolean b -> !b;
            case Expr.Binary b -> binary(b, compile(b.left(), scope, out), compile(b.right(), scope, out), out);
            case Expr.Member m when m.member().name().equals("T") -> transpose(tensor(compile(m.target(), scope, out), m.target()), e, out);
            case Expr.As a when a.type() instanceof TypeExpr.Tensor t -> {
                Val v = tensor(compile(a.value(), scope, out), a.value());
                int[] s = shapeOf(t, "`" + ExprPrinter.print(e) + "`");
                if (numel(s) != v.numel()) throw refuse(e, "it has " + v.numel() + " elements, not " + numel(s));
                yield new Val(v.slot(), s);
            }
            case Expr.If c -> {
                Object cond = compile(c.condition(), scope, out);
                if (!(cond instanceof Boolean b)) throw refuse(e, "its condition is not a host bool");
                yield compile(b ? c.then() : c.otherwise(), scope, out);
            }
            case Expr.Call c when c.callee() instanceof Expr.Name f -> call(f.ident().name(), c, scope, out);
            default -> throw refuse(e, "the generic step kernel does not compile " + e.getClass().getSimpleName().toLowerCase() + " expressions");
        };
    }

    private Object name(String n, Scope scope, List<Op> out, Expr e) {
        Object v = scope.get(n);
        if (v != null) return v;
        Integer i = inputIndex.get(n);
        if (i != null) {
            int[] shape = inputShape[i];
            int len = numel(shape);
            Val val = new Val(newSlot(len), shape);
            int slot = val.slot();
            out.add(f -> System.arraycopy(f.inputs[i], f.row * len, f.slot[slot], 0, len));
            scope.bind(n, val); // loaded once per step, where first read
            return val;
        }
        Object h = host.get(n);
        if (h instanceof Integer x) return (long) x;
        if (h instanceof Float x) return (double) x;
        if (h instanceof Number || h instanceof Boolean) return h;
        Long d = dims.get(n);
        if (d != null) return d;
        throw refuse(e, "`" + n + "` is not an input, a state, a size or a host number");
    }

    private Object binary(Expr.Binary b, Object x, Object y, List<Op> out) {
        Expr.BinaryOp op = b.op();
        if (!(x instanceof Val) && !(y instanceof Val)) return hostBinary(b, x, y);
        if (op == Expr.BinaryOp.MATMUL) return matmul(tensor(x, b.left()), tensor(y, b.right()), b, out);
        if (op.isLogical() || op == Expr.BinaryOp.MOD) throw refuse(b, "operator " + op.symbol + " on tensors is not compiled by the generic step kernel");
        Val a = asVal(x, out), c = asVal(y, out);
        int[] shape = broadcast(a.shape(), c.shape(), b);
        Val r = new Val(newSlot(numel(shape)), shape);
        int[] ia = indexMap(a.shape(), shape), ic = indexMap(c.shape(), shape);
        int sa = a.slot(), sc = c.slot(), so = r.slot(), n = r.numel();
        out.add(switch (op) {
            case ADD -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] + q[ic[i]]; };
            case SUB -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] - q[ic[i]]; };
            case MUL -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] * q[ic[i]]; };
            case DIV -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] / q[ic[i]]; };
            case POW -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) Math.pow(p[ia[i]], q[ic[i]]); };
            case EQ -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] == q[ic[i]] ? 1 : 0; };
            case NE -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] != q[ic[i]] ? 1 : 0; };
            case LT -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] < q[ic[i]] ? 1 : 0; };
            case LE -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] <= q[ic[i]] ? 1 : 0; };
            case GT -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] > q[ic[i]] ? 1 : 0; };
            case GE -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] >= q[ic[i]] ? 1 : 0; };
            default -> throw refuse(b, "operator " + op.symbol + " is not compiled by the generic step kernel");
        });
        return r;
    }

    private Object hostBinary(Expr.Binary b, Object x, Object y) {
        if (x instanceof Boolean p && y instanceof Boolean q && b.op().isLogical()) return b.op() == Expr.BinaryOp.AND ? p && q : p || q;
        if (!(x instanceof Number p) || !(y instanceof Number q)) throw refuse(b, "its operands are not numbers");
        boolean ints = p instanceof Long && q instanceof Long;
        double u = p.doubleValue(), w = q.doubleValue();
        return switch (b.op()) {
            case ADD -> ints ? (Object) (p.longValue() + q.longValue()) : u + w;
            case SUB -> ints ? (Object) (p.longValue() - q.longValue()) : u - w;
            case MUL -> ints ? (Object) (p.longValue() * q.longValue()) : u * w;
            case DIV -> u / w;
            case POW -> Math.pow(u, w);
            case MOD -> ints ? (Object) Math.floorMod(p.longValue(), q.longValue()) : u - Math.floor(u / w) * w;
            case EQ -> u == w;
            case NE -> u != w;
            case LT -> u < w;
            case LE -> u <= w;
            case GT -> u > w;
            case GE -> u >= w;
            default -> throw refuse(b, "operator " + b.op().symbol + " on host numbers is not compiled");
        };
    }

    private Object call(String fn, Expr.Call c, Scope scope, List<Op> out) {
        if (fn.equals("ones") || fn.equals("zeros")) {
            if (c.args().size() != 1 || !(c.args().getFirst().value() instanceof Expr.ListLit l)) throw refuse(c, fn + " takes a list of sizes");
            int[] s = new int[l.elements().size()];
            for (int i = 0; i < s.length; i++) {
                if (!(compile(l.elements().get(i), scope, out) instanceof Long d)) throw refuse(c, "its sizes are not host ints");
                s[i] = (int) (long) d;
            }
            return constant(s, fn.equals("ones") ? 1f : 0f);
        }
        List<Object> args = new ArrayList<>();
        Map<String, Object> named = new HashMap<>();
        for (Expr.Arg a : c.args()) {
            if (a.name() == null) args.add(compile(a.value(), scope, out));
            else named.put(a.name().name(), compile(a.value(), scope, out));
        }
        switch (fn) {
            case "exp", "log", "sqrt", "rsqrt", "tanh", "sigmoid", "silu", "softplus", "relu", "abs" -> {
                if (args.size() != 1 || !named.isEmpty()) throw refuse(c, fn + " takes one argument");
                Object x = args.getFirst();
                if (x instanceof Val v) return unary(fn, v, out);
                if (x instanceof Number n) return hostUnary(fn, n.doubleValue());
                throw refuse(c, "its argument is not a number or a tensor");
            }
            case "outer" -> {
                if (args.size() != 2) throw refuse(c, "outer takes two vectors");
                Val a = tensor(args.get(0), c), b = tensor(args.get(1), c);
                if (a.shape().length != 1 || b.shape().length != 1) throw refuse(c, "outer takes two vectors");
                int m = a.shape()[0], n = b.shape()[0], sa = a.slot(), sb = b.slot();
                Val r = new Val(newSlot(m * n), new int[] {m, n});
                int so = r.slot();
                out.add(f -> {
                    float[] x = f.slot[sa], y = f.slot[sb], o = f.slot[so];
                    for (int i = 0; i < m; i++) {
                        float xi = x[i];
                        for (int j = 0; j < n; j++) o[i * n + j] = xi * y[j];
                    }
                });
                return r;
            }
            case "transpose" -> {
                if (args.size() != 1) throw refuse(c, "transpose takes one matrix");
                return transpose(tensor(args.getFirst(), c), c, out);
            }
            case "float" -> {
                if (args.size() != 1) throw refuse(c, "float takes one value");
                Object x = args.getFirst();
                if (x instanceof Val v && v.numel() == 1) return new Val(v.slot(), new int[0]);
                if (x instanceof Number n) return n.doubleValue();
                throw refuse(c, "float of a tensor with more than one element");
            }
            case "sum" -> {
                if (args.size() != 1) throw refuse(c, "sum takes one tensor");
                Val v = tensor(args.getFirst(), c);
                Object axis = named.get("axis");
                if (axis == null) return sumAll(v, out);
                if (!(axis instanceof Long ax)) throw refuse(c, "its axis is not a host int");
                return sumAxis(v, (int) (ax < 0 ? ax + v.shape().length : ax), c, out);
            }
            default -> throw refuse(c, "the generic step kernel does not compile calls of " + fn);
        }
    }

    private Val unary(String fn, Val x, List<Op> out) {
        Val r = new Val(newSlot(x.numel()), x.shape());
        int sa = x.slot(), so = r.slot(), n = x.numel();
        out.add(switch (fn) {
            case "neg" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = -a[i]; };
            case "abs" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = Math.abs(a[i]); };
            case "relu" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = Math.max(a[i], 0f); };
            case "exp" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) Math.exp(a[i]); };
            case "log" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) Math.log(a[i]); };
            case "sqrt" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) Math.sqrt(a[i]); };
            case "rsqrt" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) (1 / Math.sqrt(a[i])); };
            case "tanh" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) Math.tanh(a[i]); };
            case "sigmoid" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) (1 / (1 + Math.exp(-a[i]))); };
            case "silu" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) (a[i] / (1 + Math.exp(-a[i]))); };
            case "softplus" -> f -> {
                float[] a = f.slot[sa], o = f.slot[so];
                for (int i = 0; i < n; i++) o[i] = (float) (Math.max(a[i], 0.0) + Math.log1p(Math.exp(-Math.abs((double) a[i]))));
            };
            default -> throw new IllegalStateException(fn);
        });
        return r;
    }

    private static double hostUnary(String fn, double x) {
        return switch (fn) {
            case "exp" -> Math.exp(x);
            case "log" -> Math.log(x);
            case "sqrt" -> Math.sqrt(x);
            case "rsqrt" -> 1 / Math.sqrt(x);
            case "tanh" -> Math.tanh(x);
            case "sigmoid" -> 1 / (1 + Math.exp(-x));
            case "silu" -> x / (1 + Math.exp(-x));
            case "softplus" -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
            case "relu" -> Math.max(x, 0);
            case "abs" -> Math.abs(x);
            default -> throw new IllegalStateException(fn);
        };
    }

    /** {@code a @ b} for vectors and matrices, accumulated in double. */
    private Val matmul(Val a, Val b, Expr e, List<Op> out) {
        int ra = a.shape().length, rb = b.shape().length;
        if (ra < 1 || ra > 2 || rb < 1 || rb > 2) throw refuse(e, "@ takes vectors and matrices");
        int m = ra == 2 ? a.shape()[0] : 1, k = a.shape()[ra - 1];
        int kb = b.shape()[0], n = rb == 2 ? b.shape()[1] : 1;
        if (k != kb) throw refuse(e, "its operands have " + k + " and " + kb + " inner elements");
        int[] shape = ra == 2 && rb == 2 ? new int[] {m, n} : ra == 2 ? new int[] {m} : rb == 2 ? new int[] {n} : new int[0];
        Val r = new Val(newSlot(m * n), shape);
        int sa = a.slot(), sb = b.slot(), so = r.slot();
        out.add(f -> {
            float[] x = f.slot[sa], y = f.slot[sb], o = f.slot[so];
            if (m == 1) { // a vector times a matrix: rows of b in order, columns accumulated
                double[] acc = f.acc(n);
                java.util.Arrays.fill(acc, 0, n, 0);
                for (int p = 0; p < k; p++) {
                    double xp = x[p];
                    int row = p * n;
                    for (int j = 0; j < n; j++) acc[j] += xp * y[row + j];
                }
                for (int j = 0; j < n; j++) o[j] = (float) acc[j];
                return;
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (double) x[i * k + p] * y[p * n + j];
                    o[i * n + j] = (float) s;
                }
            }
        });
        return r;
    }

    private Val transpose(Val v, Expr e, List<Op> out) {
        if (v.shape().length < 2) return v; // a vector's transpose is itself
        if (v.shape().length != 2) throw refuse(e, "it transposes a tensor of rank " + v.shape().length);
        int m = v.shape()[0], n = v.shape()[1];
        Val r = new Val(newSlot(m * n), new int[] {n, m});
        int sa = v.slot(), so = r.slot();
        out.add(f -> {
            float[] a = f.slot[sa], o = f.slot[so];
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) o[j * m + i] = a[i * n + j];
        });
        return r;
    }

    private Val sumAll(Val v, List<Op> out) {
        Val r = new Val(newSlot(1), new int[0]);
        int sa = v.slot(), so = r.slot(), n = v.numel();
        out.add(f -> {
            double s = 0;
            float[] a = f.slot[sa];
            for (int i = 0; i < n; i++) s += a[i];
            f.slot[so][0] = (float) s;
        });
        return r;
    }

    private Val sumAxis(Val v, int axis, Expr e, List<Op> out) {
        int[] s = v.shape();
        if (axis < 0 || axis >= s.length) throw refuse(e, "axis " + axis + " is out of range for rank " + s.length);
        int outer = 1, inner = 1, len = s[axis];
        for (int i = 0; i < axis; i++) outer *= s[i];
        for (int i = axis + 1; i < s.length; i++) inner *= s[i];
        int[] shape = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != axis) shape[j++] = s[i];
        Val r = new Val(newSlot(outer * inner), shape);
        int sa = v.slot(), so = r.slot(), on = outer, in = inner;
        out.add(f -> {
            float[] a = f.slot[sa], o = f.slot[so];
            for (int p = 0; p < on; p++) {
                for (int q = 0; q < in; q++) {
                    double acc = 0;
                    for (int i = 0; i < len; i++) acc += a[(p * len + i) * in + q];
                    o[p * in + q] = (float) acc;
                }
            }
        });
        return r;
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Val tensor(Object v, Expr e) {
        if (v instanceof Val val) return val;
        if (v instanceof Number n) return constant(new int[0], n.floatValue());
        throw refuse(e, "it is not a tensor");
    }

    private Val asVal(Object v, List<Op> out) {
        if (v instanceof Val val) return val;
        if (v instanceof Number n) return constant(new int[0], n.floatValue());
        throw refuse("a " + v.getClass().getSimpleName() + " is used as a tensor");
    }

    private Val constant(int[] shape, float value) {
        Val r = new Val(newSlot(numel(shape)), shape);
        float[] c = new float[r.numel()];
        java.util.Arrays.fill(c, value);
        constants.put(r.slot(), c);
        return r;
    }

    private int[] broadcast(int[] a, int[] b, Expr e) {
        int r = Math.max(a.length, b.length);
        int[] s = new int[r];
        for (int i = 0; i < r; i++) {
            int x = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1, y = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (x != y && x != 1 && y != 1) {
                throw refuse(e, "shapes " + java.util.Arrays.toString(a) + " and " + java.util.Arrays.toString(b) + " do not broadcast");
            }
            s[i] = Math.max(x, y);
        }
        return s;
    }

    /** For each element of {@code to}, the element of a tensor of shape {@code from} broadcast to it. */
    private static int[] indexMap(int[] from, int[] to) {
        int n = numel(to);
        int[] map = new int[n];
        int off = to.length - from.length;
        int[] idx = new int[to.length];
        for (int i = 0; i < n; i++) {
            int src = 0;
            for (int d = 0; d < from.length; d++) src = src * from[d] + (from[d] == 1 ? 0 : idx[d + off]);
            map[i] = src;
            for (int d = to.length - 1; d >= 0; d--) {
                if (++idx[d] < to[d]) break;
                idx[d] = 0;
            }
        }
        return map;
    }

    private static Op copy(int from, int to, int n) {
        return f -> System.arraycopy(f.slot[from], 0, f.slot[to], 0, n);
    }

    private int newSlot(int size) {
        sizes.add(size);
        return sizes.size() - 1;
    }

    static int numel(int[] s) {
        int n = 1;
        for (int d : s) n *= d;
        return n;
    }

    private CpuEngineException refuse(Expr e, String why) {
        return refuse("`" + ExprPrinter.print(e) + "` at " + e.span() + ": " + why);
    }

    private CpuEngineException refuse(String why) {
        return new CpuEngineException("the cpu engine cannot run recurrence " + decl.name().name() + " in " + where + ": " + why);
    }
}
