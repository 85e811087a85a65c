package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.ast.TypeExpr;

/**
 * A recurrence's step body compiled, for step shapes known when the plan is made, into a flat list
 * of {@link StepOp}s over slots: the front half of both generic sequential kernels, the cpu
 * engine's ({@code runtime/…/cpu/StepProgram}) and the GPU's ({@code codegen/GenericStepKernel}),
 * so that both compile and refuse the same steps. Every expression gets a slot of its own (so a
 * {@code let} or a state is the name of a slot), a state's home slot holds it between steps and an
 * assignment to a state is copied home at the end of the step; host values (literals, host
 * parameters, sizes, loop variables) are folded, host {@code if}s choose a branch, {@code for} loops
 * over host ranges are unrolled, and an {@code if} on a one-element value of the step is a branch
 * taken at run time. What is not compiled is refused in one sentence naming the expression and its
 * place ({@link Refusal}: each engine says which engine refuses).
 */
public final class StepOps {
    /** Why a step is not compiled: one sentence naming the expression and its place, without the engine's prefix. */
    public static final class Refusal extends RuntimeException {
        Refusal(String why) { super(why); }
    }

    /** A tensor value: a slot and its shape. */
    record Val(int slot, int[] shape) {
        int numel() { return StepOps.numel(shape); }
    }

    public final List<StepOp> ops = new ArrayList<>();
    /** Each state's home slot, and its shape. */
    public final int[] stateHome;
    public final int[][] stateShape;
    public final int[] outputShape;
    /** Slots filled once with one value before the first token: slot → value. */
    public final Map<Integer, Float> constants = new LinkedHashMap<>();
    private final List<Integer> sizes = new ArrayList<>();

    private final Decl.Recurrence decl;
    private final Map<String, Long> dims = new HashMap<>();
    private final Map<String, Object> host;
    private final Map<String, Integer> inputIndex = new HashMap<>();
    private final int[][] inputShape;
    private boolean emitted;

    /**
     * @param inputNames the per-step inputs, in the node's order
     * @param inputShapes their per-step shapes
     * @param host       the host parameters' values
     */
    public StepOps(Decl.Recurrence decl, List<String> inputNames, int[][] inputShapes, Map<String, Object> host) {
        this.decl = decl;
        this.host = new HashMap<>(host);
        this.inputShape = inputShapes;
        for (int i = 0; i < inputNames.size(); i++) inputIndex.put(inputNames.get(i), i);
        for (Param p : decl.params()) {
            Integer i = inputIndex.get(p.name().name());
            if (i != null && p.type() instanceof TypeExpr.Tensor t) bindDims(t, inputShapes[i]);
        }
        for (Param p : decl.params()) {
            String n = p.name().name();
            if (!inputIndex.containsKey(n) && !this.host.containsKey(n) && p.defaultValue() != null) {
                Object v = hostOnly(p.defaultValue(), new Scope(null));
                if (v instanceof Val) throw refuse("the default `" + ExprPrinter.print(p.defaultValue()) + "` is not a host value");
                this.host.put(n, v);
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
        compileBlock(decl.body(), top, ops);
        for (int i = 0; i < ns; i++) {
            Val v = (Val) top.get(decl.states().get(i).name().name());
            if (v.slot() != stateHome[i]) ops.add(new StepOp.Copy(v.slot(), stateHome[i], numel(stateShape[i])));
        }
        if (!emitted) throw refuse(decl.name().name() + " never emits its output");
    }

    /** The slots' sizes in floats, by slot number. */
    public int[] slotSizes() { return sizes.stream().mapToInt(Integer::intValue).toArray(); }

    /** The state's declared initial value, a number. */
    public double stateInit(int i) {
        Decl.State s = decl.states().get(i);
        if (s.init() == null) return 0;
        if (hostOnly(s.init(), new Scope(null)) instanceof Number n) return n.doubleValue();
        throw refuse("the initial value of state '" + s.name().name() + "' is not a number");
    }

    /** The largest number of elements one op shares out, for the work-group size. */
    public int widest() {
        int w = 1;
        for (int s : sizes) w = Math.max(w, s);
        return w;
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
        void assign(String n, Object v) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.names.containsKey(n)) { s.names.put(n, v); return; }
            }
        }
    }

    private void bindDims(TypeExpr.Tensor t, int[] shape) {
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

    private void compileBlock(List<Stmt> body, Scope scope, List<StepOp> out) {
        for (Stmt s : body) compileStmt(s, scope, out);
    }

    private void compileStmt(Stmt s, Scope scope, List<StepOp> out) {
        switch (s) {
            case Stmt.Let l when l.pattern() instanceof Stmt.NamePattern n -> scope.bind(n.name().name(), owned(compile(l.value(), scope, out), out));
            case Stmt.Assign a -> {
                String name = a.target().name();
                if (scope.get(name) == null) throw refuse("`" + name + "` is assigned at " + a.span() + " before it is declared");
                Object v = owned(compile(a.value(), scope, out), out);
                int state = stateIndex(name);
                if (state >= 0) v = stateValue(v, stateShape[state], name, a.value());
                scope.assign(name, v);
            }
            case Stmt.Emit e -> {
                Val val = stateValue(compile(e.value(), scope, out), outputShape, null, e.value());
                out.add(new StepOp.Emit(val.slot(), numel(outputShape)));
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
    private void runtimeIf(Stmt.If c, Val cond, Scope scope, List<StepOp> out) {
        List<StepOp> thenOps = new ArrayList<>(), elseOps = new ArrayList<>();
        Map<String, Object> before = snapshot(scope);
        compileBlock(c.then(), new Scope(scope), thenOps);
        Map<String, Object> afterThen = snapshot(scope);
        restore(scope, before);
        if (c.otherwise() != null) compileBlock(c.otherwise(), new Scope(scope), elseOps);
        Map<String, Object> afterElse = snapshot(scope);
        restore(scope, before);
        for (String name : before.keySet()) {
            Object b = before.get(name), t = afterThen.get(name), e = afterElse.get(name);
            if (t == b && e == b) continue;
            if (!(b instanceof Val bv)) throw refuse("`" + name + "` is a host value assigned under the condition at " + c.span());
            Val merged = new Val(newSlot(bv.numel()), bv.shape());
            thenOps.add(new StepOp.Copy(((Val) t).slot(), merged.slot(), bv.numel()));
            elseOps.add(new StepOp.Copy(((Val) e).slot(), merged.slot(), bv.numel()));
            scope.assign(name, merged);
        }
        out.add(new StepOp.Branch(cond.slot(), List.copyOf(thenOps), List.copyOf(elseOps)));
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
    private Val stateValue(Object v, int[] shape, String state, Expr e) {
        if (v instanceof Number n) return constant(shape, n.floatValue());
        Val val = tensor(v, e);
        if (!Arrays.equals(val.shape(), shape)) {
            throw refuse(e, "it has shape " + Arrays.toString(val.shape()) + ", but " + (state == null ? "the output" : "state '" + state + "'")
                    + " is " + Arrays.toString(shape));
        }
        return val;
    }

    /** A value bound to a name that is a state's home slot is copied, so that the state's end-of-step copy cannot change it. */
    private Object owned(Object v, List<StepOp> out) {
        if (v instanceof Val val) {
            for (int h : stateHome) {
                if (val.slot() == h) {
                    Val c = new Val(newSlot(val.numel()), val.shape());
                    out.add(new StepOp.Copy(h, c.slot(), val.numel()));
                    return c;
                }
            }
        }
        return v;
    }

    // ---- expressions -----------------------------------------------------------------------------

    /** A value that must come out of host values alone (a default, a state's initial value). */
    private Object hostOnly(Expr e, Scope scope) {
        List<StepOp> none = new ArrayList<>();
        Object v = compile(e, scope, none);
        if (!none.isEmpty()) throw refuse("`" + ExprPrinter.print(e) + "` is not a host value");
        return v;
    }

    /** A host value (Long, Double, Boolean) or a tensor {@link Val}. */
    private Object compile(Expr e, Scope scope, List<StepOp> out) {
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

    private Object name(String n, Scope scope, List<StepOp> out, Expr e) {
        Object v = scope.get(n);
        if (v != null) return v;
        Integer i = inputIndex.get(n);
        if (i != null) {
            Val val = new Val(newSlot(numel(inputShape[i])), inputShape[i]);
            out.add(new StepOp.Load(i, val.slot(), val.numel()));
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

    private Object binary(Expr.Binary b, Object x, Object y, List<StepOp> out) {
        Expr.BinaryOp op = b.op();
        if (!(x instanceof Val) && !(y instanceof Val)) return hostBinary(b, x, y);
        if (op == Expr.BinaryOp.MATMUL) return matmul(tensor(x, b.left()), tensor(y, b.right()), b, out);
        if (op.isLogical() || op == Expr.BinaryOp.MOD) throw refuse(b, "operator " + op.symbol + " on tensors is not compiled by the generic step kernel");
        Val a = tensor(x, b.left()), c = tensor(y, b.right());
        int[] shape = broadcast(a.shape(), c.shape(), b);
        Val r = new Val(newSlot(numel(shape)), shape);
        out.add(new StepOp.Binary(op, a.slot(), a.shape(), c.slot(), c.shape(), r.slot(), shape));
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

    private Object call(String fn, Expr.Call c, Scope scope, List<StepOp> out) {
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
                int m = a.shape()[0], n = b.shape()[0];
                Val r = new Val(newSlot(m * n), new int[] {m, n});
                out.add(new StepOp.Outer(a.slot(), b.slot(), r.slot(), m, n));
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

    private Val unary(String fn, Val x, List<StepOp> out) {
        Val r = new Val(newSlot(x.numel()), x.shape());
        out.add(new StepOp.Unary(fn, x.slot(), r.slot(), x.numel()));
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

    /** {@code a @ b} for vectors and matrices. */
    private Val matmul(Val a, Val b, Expr e, List<StepOp> out) {
        int ra = a.shape().length, rb = b.shape().length;
        if (ra < 1 || ra > 2 || rb < 1 || rb > 2) throw refuse(e, "@ takes vectors and matrices");
        int m = ra == 2 ? a.shape()[0] : 1, k = a.shape()[ra - 1];
        int kb = b.shape()[0], n = rb == 2 ? b.shape()[1] : 1;
        if (k != kb) throw refuse(e, "its operands have " + k + " and " + kb + " inner elements");
        int[] shape = ra == 2 && rb == 2 ? new int[] {m, n} : ra == 2 ? new int[] {m} : rb == 2 ? new int[] {n} : new int[0];
        Val r = new Val(newSlot(m * n), shape);
        out.add(new StepOp.MatMul(a.slot(), b.slot(), r.slot(), m, k, n));
        return r;
    }

    private Val transpose(Val v, Expr e, List<StepOp> out) {
        if (v.shape().length < 2) return v; // a vector's transpose is itself
        if (v.shape().length != 2) throw refuse(e, "it transposes a tensor of rank " + v.shape().length);
        int m = v.shape()[0], n = v.shape()[1];
        Val r = new Val(newSlot(m * n), new int[] {n, m});
        out.add(new StepOp.Transpose(v.slot(), r.slot(), m, n));
        return r;
    }

    private Val sumAll(Val v, List<StepOp> out) {
        Val r = new Val(newSlot(1), new int[0]);
        out.add(new StepOp.SumAll(v.slot(), v.numel(), r.slot()));
        return r;
    }

    private Val sumAxis(Val v, int axis, Expr e, List<StepOp> out) {
        int[] s = v.shape();
        if (axis < 0 || axis >= s.length) throw refuse(e, "axis " + axis + " is out of range for rank " + s.length);
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= s[i];
        for (int i = axis + 1; i < s.length; i++) inner *= s[i];
        int[] shape = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != axis) shape[j++] = s[i];
        Val r = new Val(newSlot(outer * inner), shape);
        out.add(new StepOp.SumAxis(v.slot(), r.slot(), outer, s[axis], inner));
        return r;
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Val tensor(Object v, Expr e) {
        if (v instanceof Val val) return val;
        if (v instanceof Number n) return constant(new int[0], n.floatValue());
        throw refuse(e, "it is not a tensor");
    }

    private Val constant(int[] shape, float value) {
        Val r = new Val(newSlot(numel(shape)), shape);
        constants.put(r.slot(), value);
        return r;
    }

    private int[] broadcast(int[] a, int[] b, Expr e) {
        int r = Math.max(a.length, b.length);
        int[] s = new int[r];
        for (int i = 0; i < r; i++) {
            int x = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1, y = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (x != y && x != 1 && y != 1) throw refuse(e, "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            s[i] = Math.max(x, y);
        }
        return s;
    }

    private int newSlot(int size) {
        sizes.add(size);
        return sizes.size() - 1;
    }

    public static int numel(int[] s) {
        int n = 1;
        for (int d : s) n *= d;
        return n;
    }

    private Refusal refuse(Expr e, String why) {
        return refuse("`" + ExprPrinter.print(e) + "` at " + e.span() + ": " + why);
    }

    private Refusal refuse(String why) {
        return new Refusal(why);
    }
}
