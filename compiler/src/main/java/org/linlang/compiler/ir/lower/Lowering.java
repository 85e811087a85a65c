package org.linlang.compiler.ir.lower;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.ir.EntryPoint;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.GraphBuilder;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.RecurrenceCall;
import org.linlang.compiler.ir.SizeGuard;
import org.linlang.compiler.ir.Rewriter;
import org.linlang.compiler.ir.TensorType;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Program;
import org.linlang.compiler.types.Sym;
import org.linlang.compiler.types.Type;

/**
 * Lowers a checked program to a graph (pass 1, "inline and unroll"): evaluates the entry's body
 * over values in which everything the host knows is computed now — ints (including the model's
 * parameters), floats, bools, lists of blocks — and every tensor is a node. So calls of functions
 * and blocks are inlined, {@code for} loops over ints unroll, {@code if}s and {@code layers[i]}
 * pick their alternative, and a recurrence call becomes one {@link Op#RECURRENCE} node.
 *
 * <p>Names are resolved as the checker resolved them: locals first, then the definition the
 * checker recorded for the name ({@link Program#typeOf}). Axes named by a dimension
 * ({@code axis = D}) are found through the checker's generic types, so they stay right when two
 * axes happen to have the same size.
 */
public final class Lowering {
    final Program program;
    final EntryPoint entry;
    final GraphBuilder gb;
    private final Env root = new Env(null);
    private final Deque<Instance> instances = new ArrayDeque<>();
    /** A state input of {@code step}: its provisional name, the call it belongs to, and its state; named at the end. */
    private record StateUse(String provisional, int call, String layer, String recurrence, String state) {}

    private final List<StateUse> stateUses = new ArrayList<>();
    private int recurrenceCalls;
    private final List<Graph.Output> stateOutputs = new ArrayList<>();
    /** Instances with {@code state} members, in construction order: their states are graph inputs and outputs. */
    private final List<Instance> stateful = new ArrayList<>();
    private final BuiltinLowering builtins;
    /** The comparisons of symbolic sizes decided for the call's sizes, in the order met. */
    private final List<SizeGuard> guards = new ArrayList<>();

    private Lowering(Program program, EntryPoint entry, GraphBuilder gb) {
        this.program = program;
        this.entry = entry;
        this.gb = gb;
        this.builtins = new BuiltinLowering(this);
    }

    // ---- entry --------------------------------------------------------------------------------------

    /** The graph before pass 1: the entry's inputs and one {@link Op#CALL} of the entry. */
    public static Graph initialGraph(Program program, EntryPoint entry) {
        var gb = new GraphBuilder();
        var lw = new Lowering(program, entry, gb);
        var inputs = lw.entryInputs();
        Node call = gb.add(Op.CALL, inputs, Map.of(), entry, null);
        return new Graph(entry.title(), entry.mode(), program, gb.nodes(), List.of(new Graph.Output("out", call, false)),
                entry.reportSizes(), null, null);
    }

    /** Expands the graph's call of its entry into the operations of its body. */
    public static Graph expand(Graph g) {
        var gb = new GraphBuilder();
        Map<Node, Node> map = new IdentityHashMap<>();
        Lowering lw = null;
        List<Graph.Output> outputs = new ArrayList<>();
        Map<Node, Value> results = new IdentityHashMap<>();
        for (Node n : g.nodes()) {
            List<Node> ins = n.inputs().stream().map(map::get).toList();
            if (n.op() == Op.CALL) {
                EntryPoint e = (EntryPoint) n.payload();
                lw = new Lowering(g.program(), e, gb);
                results.put(n, lw.callEntry(ins));
                continue;
            }
            map.put(n, gb.copy(n, ins));
        }
        for (Graph.Output o : g.outputs()) {
            Value r = results.get(o.node());
            if (r == null) outputs.add(new Graph.Output(o.name(), map.get(o.node()), o.state()));
            else flatten(o.name(), r, outputs);
        }
        if (lw != null) outputs.addAll(lw.stateOutputs);
        Graph out = Rewriter.prune(g.withNodes(gb.nodes(), outputs));
        if (lw != null) out = out.withGuards(lw.guards);
        if (lw != null && lw.entry.mode() == Graph.Mode.STEP) {
            out = lw.nameStates(out);
            out = StepDerivation.derive(out, lw.entry.symbol("T"));
        }
        return out;
    }

    private static void flatten(String name, Value v, List<Graph.Output> out) {
        switch (v) {
            case Value.Tensor t -> out.add(new Graph.Output(name, t.node(), false));
            case Value.Tuple t -> {
                for (int i = 0; i < t.parts().size(); i++) flatten(name + "." + i, t.parts().get(i), out);
            }
            case Value.Lst l -> {
                for (int i = 0; i < l.items().size(); i++) flatten(name + "." + i, l.items().get(i), out);
            }
            default -> throw new IrException("the entry returns " + Value.describe(v) + ", not tensors");
        }
    }

    /** The entry's tensor parameters as graph inputs, typed with B and T symbolic. */
    private List<Node> entryInputs() {
        var out = new ArrayList<Node>();
        switch (entry.decl()) {
            case Decl.Block b -> {
                Instance inst = constructEntry(b);
                Decl.Method m = inst.method(entry.method());
                Env env = new Env(inst.env);
                for (Param p : m.params()) out.add(entryInput(p, env));
            }
            case Decl.Fn f -> {
                Env env = new Env(root);
                for (Param p : f.params()) {
                    if (p.type() instanceof TypeExpr.Named n && (n.name().name().equals("int"))) {
                        Long v = entry.args().get(p.name().name());
                        if (v == null && p.defaultValue() == null) throw new IrException("give a value for the int parameter " + p.name());
                        env.define(p.name().name(), v != null ? new Value.Int(Dim.of(v)) : eval(p.defaultValue(), env));
                    }
                }
                for (Param p : f.params()) {
                    if (isTensorType(p.type())) out.add(entryInput(p, env));
                }
            }
            case Decl.Recurrence r -> {
                for (Param p : r.params()) {
                    if (!isTensorType(p.type())) continue;
                    var dims = new ArrayList<Dim>(List.of(entry.dimension("B"), entry.dimension("T"), entry.dimension("H")));
                    DType dt = DType.F32;
                    if (p.type() instanceof TypeExpr.Tensor t) {
                        for (TypeExpr.DimExpr d : t.dims()) dims.add(entryDim(d, root));
                        if (t.dtype() != null) dt = DType.parse(t.dtype().name());
                    } else if (p.type() instanceof TypeExpr.Named n) {
                        dt = DType.parse(n.name().name());
                    }
                    out.add(gb.input(p.name().name(), new TensorType(dt, dims)));
                }
            }
        }
        return out;
    }

    /** A tensor type: {@code [K]}, {@code f32[B, T]}, or an element type alone ({@code f32}, a 0-d tensor; {@code bool} alone is the host type). */
    private static boolean isTensorType(TypeExpr t) {
        return t instanceof TypeExpr.Tensor || t instanceof TypeExpr.Named n && !n.name().name().equals("bool") && DType.parse(n.name().name()) != null;
    }

    private Node entryInput(Param p, Env env) {
        if (!isTensorType(p.type())) throw new IrException("the entry's parameter " + p.name() + " must be a tensor to be a graph input");
        if (p.type() instanceof TypeExpr.Named n) return gb.input(p.name().name(), TensorType.scalar(DType.parse(n.name().name())));
        TypeExpr.Tensor t = (TypeExpr.Tensor) p.type();
        var dims = new ArrayList<Dim>();
        Integer rank = entry.inputRank(p.name().name());
        for (TypeExpr.DimExpr d : t.dims()) {
            if (d instanceof TypeExpr.Rest) {
                int leading = rank == null ? 2 : rank - (t.dims().size() - 1);
                if (leading < 0) {
                    throw new IrException("the parameter " + p.name() + " has type " + t + " and cannot take a tensor of rank " + rank);
                }
                for (int i = 0; i < leading; i++) dims.add(entry.dimension(i == 0 ? "B" : i == 1 ? "T" : ".." + i));
            } else {
                dims.add(entryDim(d, env));
            }
        }
        String given = entry.inputElementType(p.name().name());
        DType dt = t.dtype() != null ? DType.parse(t.dtype().name()) : given != null ? DType.parse(given) : DType.F32;
        return gb.input(p.name().name(), new TensorType(dt, dims));
    }

    /** The name of {@code c * N} or {@code N * c} (c a literal), else null. */
    private static TypeExpr.DimName scaled(TypeExpr.DimBinary b) {
        if (b.left() instanceof TypeExpr.DimLit && b.right() instanceof TypeExpr.DimName n) return n;
        if (b.right() instanceof TypeExpr.DimLit && b.left() instanceof TypeExpr.DimName n) return n;
        return null;
    }

    private static long literal(TypeExpr.DimBinary b) {
        return b.left() instanceof TypeExpr.DimLit l ? l.value() : ((TypeExpr.DimLit) b.right()).value();
    }

    /** A dimension of the entry's signature: a parameter's value, a given size, or a symbol. */
    private Dim entryDim(TypeExpr.DimExpr d, Env env) {
        return switch (d) {
            case TypeExpr.DimLit l -> Dim.of(l.value());
            case TypeExpr.DimName n -> {
                Value v = env.lookup(n.name().name());
                yield v instanceof Value.Int i ? i.v() : entry.dimension(n.name().name());
            }
            case TypeExpr.DimBinary b -> arith(b.op(), entryDim(b.left(), env), entryDim(b.right(), env));
            case TypeExpr.Rest r -> throw new IrException("'..' here");
        };
    }

    private Instance constructEntry(Decl.Block b) {
        var named = new LinkedHashMap<String, Arg>();
        for (Param p : b.params()) {
            Long v = entry.args().get(p.name().name());
            if (v != null) named.put(p.name().name(), new Arg(new Value.Int(Dim.of(v)), null));
            Object h = entry.hostArgs().get(p.name().name());
            if (h != null && v == null) named.put(p.name().name(), new Arg(hostValue(h), null));
        }
        for (String k : entry.args().keySet()) {
            if (!k.equals("B") && !k.equals("T") && b.params().stream().noneMatch(p -> p.name().name().equals(k))) {
                throw new IrException(b.kindWord() + " " + b.name() + " has no parameter " + k);
            }
        }
        return ((Value.Inst) construct(b, List.of(), named)).inst();
    }

    private static Value hostValue(Object h) {
        return switch (h) {
            case Double d -> new Value.Flt(d);
            case Float f -> new Value.Flt(f);
            case Boolean b -> new Value.Bool(b);
            case String str -> new Value.Str(str);
            case Long l -> new Value.Int(Dim.of(l));
            default -> throw new IrException("a parameter value " + h + " cannot be compiled");
        };
    }

    private Value callEntry(List<Node> inputs) {
        var positional = new ArrayList<Arg>();
        for (Node n : inputs) positional.add(new Arg(new Value.Tensor(n), null));
        return switch (entry.decl()) {
            case Decl.Block b -> {
                Instance inst = constructEntry(b);
                Value result = callMethod(inst, inst.method(entry.method()), positional, new LinkedHashMap<>());
                stateOutputs.addAll(blockStateOutputs());
                yield result;
            }
            case Decl.Fn f -> {
                var named = new LinkedHashMap<String, Arg>();
                int k = 0;
                for (Param p : f.params()) {
                    if (isTensorType(p.type())) named.put(p.name().name(), positional.get(k++));
                    else if (entry.args().containsKey(p.name().name())) {
                        named.put(p.name().name(), new Arg(new Value.Int(Dim.of(entry.args().get(p.name().name()))), null));
                    }
                }
                yield callFn(f, List.of(), named);
            }
            case Decl.Recurrence r -> {
                var named = new LinkedHashMap<String, Arg>();
                int k = 0;
                for (Param p : r.params()) if (isTensorType(p.type())) named.put(p.name().name(), positional.get(k++));
                yield callRecurrence(r, List.of(), named);
            }
        };
    }

    // ---- definitions --------------------------------------------------------------------------------

    /** An argument: its value and, when it was written in the program, its expression. */
    record Arg(Value value, Expr expr) {}

    /** Binds arguments to parameters, then the dimensions their types name, then defaults. */
    private Env bind(List<Param> params, List<Arg> positional, Map<String, Arg> named, Env parent, String what) {
        Env env = new Env(parent);
        if (positional.size() > params.size()) throw new IrException(what + " takes " + params.size() + " arguments");
        Map<String, Value> given = new LinkedHashMap<>();
        for (int i = 0; i < positional.size(); i++) given.put(params.get(i).name().name(), positional.get(i).value());
        named.forEach((k, a) -> given.put(k, a.value()));
        for (Param p : params) {
            Value v = given.get(p.name().name());
            if (v != null) env.define(p.name().name(), v);
        }
        for (Param p : params) {
            Value v = given.get(p.name().name());
            if (v != null && p.type() != null) bindDims(p.type(), v, env);
        }
        for (Param p : params) {
            if (given.containsKey(p.name().name())) continue;
            if (p.defaultValue() == null) throw new IrException(what + " is missing argument " + p.name());
            env.define(p.name().name(), eval(p.defaultValue(), env));
        }
        return env;
    }

    /** Binds the dimension names of a parameter's type to the argument's sizes ({@code [.., D]}). */
    void bindDims(TypeExpr t, Value v, Env env) {
        switch (t) {
            case TypeExpr.Tensor te when v instanceof Value.Tensor x -> {
                List<Dim> dims = x.node().type().dims();
                List<TypeExpr.DimExpr> ds = te.dims();
                boolean rest = !ds.isEmpty() && ds.getFirst() instanceof TypeExpr.Rest;
                int explicit = ds.size() - (rest ? 1 : 0);
                int offset = dims.size() - explicit;
                if (offset < 0 || (!rest && offset != 0)) return;
                if (rest && env.local("..") == null) {
                    env.define("..", new Value.Lst(dims.subList(0, offset).stream().map(d -> (Value) new Value.Int(d)).toList()));
                }
                for (int i = 0; i < explicit; i++) {
                    TypeExpr.DimExpr d = ds.get(i + (rest ? 1 : 0));
                    if (d instanceof TypeExpr.DimName n && env.lookup(n.name().name()) == null) {
                        env.define(n.name().name(), new Value.Int(dims.get(offset + i)));
                    } else if (d instanceof TypeExpr.DimBinary b && b.op() == '*' && scaled(b) != null
                            && env.lookup(scaled(b).name().name()) == null) {
                        // [2 * R]: R is the size divided by the literal, as the checker binds it.
                        Dim q = dims.get(offset + i).dividedBy(Dim.of(literal(b)));
                        if (q != null) env.define(scaled(b).name().name(), new Value.Int(q));
                    }
                }
            }
            case TypeExpr.Tuple tu when v instanceof Value.Tuple tv && tv.parts().size() == tu.parts().size() -> {
                for (int i = 0; i < tu.parts().size(); i++) bindDims(tu.parts().get(i), tv.parts().get(i), env);
            }
            default -> { }
        }
    }

    Value callFn(Decl.Fn f, List<Arg> positional, Map<String, Arg> named) {
        Env env = bind(f.params(), positional, named, root, "function " + f.name());
        Value r = exec(f.body(), env);
        if (r == null) throw new IrException("function " + f.name() + " ended without returning");
        return r;
    }

    Value callMethod(Instance self, Decl.Method m, List<Arg> positional, Map<String, Arg> named) {
        if (m == null) throw new IrException(self.decl.kindWord() + " " + self.decl.name() + " has no forward method");
        Env env = bind(m.params(), positional, named, self.env, "method " + m.name());
        enterStates(self, env);
        instances.push(self);
        try {
            Value r = exec(m.body(), env);
            if (r == null) throw new IrException("method " + m.name() + " ended without returning");
            return r;
        } finally {
            instances.pop();
        }
    }

    Value construct(Decl.Block b, List<Arg> positional, Map<String, Arg> named) {
        Env env = bind(b.params(), positional, named, root, b.kindWord() + " " + b.name());
        Instance inst = new Instance(b, env);
        for (Decl.Member m : b.members()) if (m instanceof Decl.Method method) env.define(method.name().name(), new Value.Method(inst, method));
        for (Decl.Member m : b.members()) {
            switch (m) {
                case Decl.TensorParam p -> env.define(p.name().name(), new Value.LazyWeight(inst, p));
                case Decl.StateMember st -> {
                    env.define(st.name().name(), new Value.LazyState(inst, st));
                    if (!stateful.contains(inst)) stateful.add(inst);
                }
                case Decl.Field f -> {
                    Value v = eval(f.value(), env);
                    adopt(v, inst, f.name().name());
                    env.define(f.name().name(), v);
                }
                case Decl.Method method -> { }
            }
        }
        return new Value.Inst(inst);
    }

    /**
     * The start of a method of a block with states. A state not read yet in this graph becomes a
     * {@link Op#STATE} source named by its dotted path ({@code mixers.3.keys}), typed with the method's
     * dimensions and, for the others (a cache's length {@code P}), symbols of the instance; then the
     * method's state dimensions are bound from the state's current value, as the interpreter does.
     */
    private void enterStates(Instance self, Env env) {
        for (Decl.Member m : self.decl.members()) {
            if (!(m instanceof Decl.StateMember st) || !(st.type() instanceof TypeExpr.Tensor te)) continue;
            String name = st.name().name();
            Value v = self.env.local(name);
            if (v instanceof Value.LazyState) {
                var dims = new ArrayList<Dim>();
                for (TypeExpr.DimExpr d : te.dims()) dims.add(stateDim(d, env, self));
                DType dt = te.dtype() == null ? DType.F32 : DType.parse(te.dtype().name());
                v = new Value.Tensor(gb.state(statePath(self, name), new TensorType(dt, dims)));
                self.env.define(name, v);
            }
            bindDims(te, v, env);
        }
    }

    /**
     * A dimension of a state's type: the method's size, or the state's own (a cache's length P), a
     * symbol of its instance ({@code layers.1.attn.P}) as each instance's caches have their own length
     * (a sliding-window layer's and a full-attention layer's differ); the top block's is plain {@code P}.
     * B and T are the call's.
     */
    private Dim stateDim(TypeExpr.DimExpr d, Env env, Instance self) {
        return switch (d) {
            case TypeExpr.DimName n when !(env.lookup(n.name().name()) instanceof Value.Int) && !n.name().name().equals("B")
                    && !n.name().name().equals("T") ->
                    entry.dimension(self.path().isEmpty() ? n.name().name() : self.path() + "." + n.name().name());
            case TypeExpr.DimBinary b -> arith(b.op(), stateDim(b.left(), env, self), stateDim(b.right(), env, self));
            default -> entryDim(d, env);
        };
    }

    private static String statePath(Instance inst, String state) {
        return inst.path().isEmpty() ? state : inst.path() + "." + state;
    }

    /** A value assigned to a block state takes the state's element type, as in the interpreter (a bf16 cache of f32 keys). */
    private Value toStateType(String name, Value v, Env env) {
        if (!(v instanceof Value.Tensor t)) return v;
        Env where = env.owner(name);
        for (Instance inst : stateful) {
            if (inst.env != where) continue;
            for (Decl.Member m : inst.decl.members()) {
                if (m instanceof Decl.StateMember st && st.name().name().equals(name) && st.type() instanceof TypeExpr.Tensor tt
                        && tt.dtype() != null) {
                    DType dt = DType.parse(tt.dtype().name());
                    if (dt != null && dt != t.node().type().dtype()) return new Value.Tensor(cast(t.node(), dt));
                }
            }
        }
        return v;
    }

    /** The new value of every state a method assigned, as the graph output {@code mixers.3.keys'}. */
    private List<Graph.Output> blockStateOutputs() {
        var out = new ArrayList<Graph.Output>();
        for (Instance inst : stateful) {
            for (Decl.Member m : inst.decl.members()) {
                if (!(m instanceof Decl.StateMember st)) continue;
                if (inst.env.local(st.name().name()) instanceof Value.Tensor t && t.node().op() != Op.STATE) {
                    out.add(new Graph.Output(statePath(inst, st.name().name()) + "'", t.node(), true));
                }
            }
        }
        return out;
    }

    /** Gives the blocks a field holds their place in the model: {@code mixers.3}. */
    private static void adopt(Value v, Instance owner, String name) {
        switch (v) {
            case Value.Inst i -> i.inst().adopt(owner, name);
            case Value.Lst l -> {
                for (int i = 0; i < l.items().size(); i++) adopt(l.items().get(i), owner, name + "." + i);
            }
            case Value.Tuple t -> {
                for (int i = 0; i < t.parts().size(); i++) adopt(t.parts().get(i), owner, name + "." + i);
            }
            default -> { }
        }
    }

    /** The weight node of a learned tensor, named by its dotted path. */
    private Value weight(Value.LazyWeight w) {
        String path = w.owner().path();
        String name = path.isEmpty() ? w.param().name().name() : path + "." + w.param().name().name();
        TypeExpr t = w.param().type();
        TensorType type = switch (t) {
            case TypeExpr.Tensor te -> new TensorType(te.dtype() == null ? DType.F32 : DType.parse(te.dtype().name()), dims(te.dims(), w.owner().env));
            case TypeExpr.Named n when DType.parse(n.name().name()) != null -> TensorType.scalar(DType.parse(n.name().name()));
            default -> throw new IrException("weight " + name + " is not a tensor");
        };
        return new Value.Tensor(gb.weight(name, type));
    }

    // ---- recurrences --------------------------------------------------------------------------------

    Value callRecurrence(Decl.Recurrence r, List<Arg> positional, Map<String, Arg> namedIn) {
        var named = new LinkedHashMap<>(namedIn);
        Arg initial = named.remove("initial_state");
        Arg finalFlag = named.remove("output_final_state");
        Map<String, Value> given = new LinkedHashMap<>();
        for (int i = 0; i < positional.size(); i++) given.put(r.params().get(i).name().name(), positional.get(i).value());
        named.forEach((k, a) -> given.put(k, a.value()));
        Env env = new Env(root);
        List<Dim> lead = null;
        var inputs = new ArrayList<Node>();
        var names = new ArrayList<String>();
        var tails = new ArrayList<List<Dim>>();
        for (Param p : r.params()) {
            if (!isTensorType(p.type())) continue;
            Value v = given.get(p.name().name());
            if ((v == null || v instanceof Value.None) && p.defaultValue() instanceof Expr.NoneLit) {
                throw new IrException("recurrence " + r.name() + ": the optional input " + p.name() + " is left out (none); kernel graphs"
                        + " of recurrences with an optional per-step input left out are not built yet: pass it, or run on the interpreter");
            }
            if (!(v instanceof Value.Tensor x)) {
                throw new IrException("recurrence " + r.name() + ": argument " + p.name() + " must be a tensor with [batch, time, …] dimensions, found "
                        + (v == null ? "nothing" : Value.describe(v)));
            }
            int k = p.type() instanceof TypeExpr.Tensor te ? te.dims().size() : 0;
            List<Dim> dims = x.node().type().dims();
            if (dims.size() - k < 2) throw new IrException("recurrence " + r.name() + ": argument " + p.name() + " needs [batch, time] before its step shape");
            List<Dim> l = dims.subList(0, dims.size() - k);
            List<Dim> tail = dims.subList(dims.size() - k, dims.size());
            if (lead == null) lead = l;
            else if (!lead.equals(l)) throw new IrException("recurrence " + r.name() + ": leading dimensions " + l + " differ from " + lead);
            if (p.type() instanceof TypeExpr.Tensor te) {
                for (int i = 0; i < k; i++) {
                    if (te.dims().get(i) instanceof TypeExpr.DimName n && env.lookup(n.name().name()) == null) env.define(n.name().name(), new Value.Int(tail.get(i)));
                }
            }
            env.define(p.name().name(), v);
            inputs.add(x.node());
            names.add(p.name().name());
            tails.add(tail);
        }
        if (lead == null) throw new IrException("recurrence " + r.name() + " needs a tensor argument");
        Map<String, Object> host = new LinkedHashMap<>();
        for (Param p : r.params()) {
            if (isTensorType(p.type())) continue;
            Value v = given.get(p.name().name());
            if (v == null) {
                if (p.defaultValue() == null) throw new IrException("recurrence " + r.name() + " is missing argument " + p.name());
                v = eval(p.defaultValue(), env);
            }
            env.define(p.name().name(), v);
            host.put(p.name().name(), hostObject(v, p.name().name()));
        }
        List<Dim> outTail = r.output() instanceof TypeExpr.Tensor te ? dims(te.dims(), env) : List.of();
        DType outDtype = r.output() instanceof TypeExpr.Tensor te && te.dtype() != null ? DType.parse(te.dtype().name())
                : r.output() instanceof TypeExpr.Named n ? DType.parse(n.name().name()) : null;
        var stateNames = new ArrayList<String>();
        var stateTails = new ArrayList<List<Dim>>();
        for (Decl.State st : r.states()) {
            stateNames.add(st.name().name());
            stateTails.add(st.type() instanceof TypeExpr.Tensor te ? dims(te.dims(), env) : List.of());
        }
        String layer = instances.isEmpty() ? "" : instances.peek().path();
        var stateIn = new ArrayList<Node>();
        var statePathsHere = new ArrayList<String>();
        var probe = new RecurrenceCall(r, names, tails, 0, stateNames, stateTails, outTail, outDtype, host, layer, null, null, null);
        if (entry.mode() == Graph.Mode.STEP) {
            for (int j = 0; j < stateNames.size(); j++) {
                String path = provisionalStatePath(recurrenceCalls, layer, r.name().name(), stateNames.get(j));
                statePathsHere.add(path);
                stateIn.add(gb.state(path, probe.stateType(j, lead)));
            }
        } else if (initial != null) {
            List<Value> parts = initial.value() instanceof Value.Tuple t ? t.parts() : List.of(initial.value());
            if (parts.size() != stateNames.size()) throw new IrException("recurrence " + r.name() + ": initial_state needs " + stateNames.size() + " tensors");
            for (Value v : parts) {
                if (!(v instanceof Value.Tensor t)) throw new IrException("recurrence " + r.name() + ": initial_state must be tensors");
                stateIn.add(t.node());
            }
        }
        var allNames = new ArrayList<>(names);
        allNames.addAll(stateIn.isEmpty() ? List.of() : stateNames);
        var rc = new RecurrenceCall(r, allNames, tails, stateIn.size(), stateNames, stateTails, outTail, outDtype, host, layer, null, null, null);
        var all = new ArrayList<>(inputs);
        all.addAll(stateIn);
        Node node = gb.add(Op.RECURRENCE, all, Map.of(), rc, null);
        recurrenceCalls++;
        List<Node> finals = new ArrayList<>();
        boolean wantFinal = finalFlag != null && finalFlag.value() instanceof Value.Bool b && b.v();
        if (entry.mode() == Graph.Mode.STEP || wantFinal) {
            for (int j = 0; j < stateNames.size(); j++) {
                Node so = gb.add(Op.STATE_OUT, List.of(node), GraphBuilder.attrs("state", stateNames.get(j)));
                finals.add(so);
                if (entry.mode() == Graph.Mode.STEP) stateOutputs.add(new Graph.Output(statePathsHere.get(j), so, true));
            }
        }
        if (!wantFinal) return new Value.Tensor(node);
        Value states = finals.size() == 1 ? new Value.Tensor(finals.getFirst())
                : new Value.Tuple(finals.stream().map(n -> (Value) new Value.Tensor(n)).toList());
        return new Value.Tuple(List.of(new Value.Tensor(node), states));
    }

    private String provisionalStatePath(int call, String layer, String recurrence, String state) {
        String p = "#" + stateUses.size();
        stateUses.add(new StateUse(p, call, layer, recurrence, state));
        return p;
    }

    /**
     * Names the states of {@code step} by layer path: {@code mixers.0.S}. A layer that calls several
     * recurrences qualifies each by its recurrence ({@code mixers.0.gla.S}), numbering a recurrence
     * called more than once in that layer ({@code mixers.0.gla#2.S}).
     */
    private Graph nameStates(Graph g) {
        Map<String, Set<Integer>> callsOfLayer = new HashMap<>();
        for (StateUse u : stateUses) callsOfLayer.computeIfAbsent(u.layer(), k -> new HashSet<>()).add(u.call());
        Map<Integer, Integer> ordinal = new HashMap<>();
        Map<String, Integer> counter = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        for (StateUse u : stateUses) {
            String prefix = u.layer().isEmpty() ? "" : u.layer() + ".";
            if (callsOfLayer.get(u.layer()).size() == 1) {
                names.put(u.provisional(), prefix + u.state());
                continue;
            }
            int n = ordinal.computeIfAbsent(u.call(), c -> counter.merge(u.layer() + "." + u.recurrence(), 1, Integer::sum));
            names.put(u.provisional(), prefix + u.recurrence() + (n == 1 ? "" : "#" + n) + "." + u.state());
        }
        // Block states (mixers.3.keys) are named already.
        Graph renamed = Rewriter.rewrite(g, (n, ins, b) -> n.op() == Op.STATE ? b.state(names.getOrDefault(n.name(), n.name()), n.type()) : null);
        var outs = new ArrayList<Graph.Output>();
        for (Graph.Output o : renamed.outputs()) outs.add(o.state() ? new Graph.Output(names.getOrDefault(o.name(), o.name()), o.node(), true) : o);
        return renamed.withNodes(renamed.nodes(), outs);
    }

    private static Object hostObject(Value v, String what) {
        return switch (v) {
            case Value.Flt f -> f.v();
            case Value.Int i when i.known() -> i.v().constant();
            case Value.Bool b -> b.v();
            case Value.Str s -> s.v();
            default -> throw new IrException("the host parameter " + what + " must be a number known before running, found " + Value.describe(v));
        };
    }

    // ---- statements ---------------------------------------------------------------------------------

    /** Runs statements; the returned value, or null when they end without {@code return}. */
    Value exec(List<Stmt> stmts, Env env) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.Let let -> bindPattern(let.pattern(), eval(let.value(), env), env);
                case Stmt.Assign a -> {
                    Value v = toStateType(a.target().name(), eval(a.value(), env), env);
                    if (!env.assign(a.target().name(), v)) throw new IrException("assignment to an undeclared name " + a.target());
                }
                case Stmt.Return r -> { return eval(r.value(), env); }
                case Stmt.Emit e -> throw new IrException("emit outside a recurrence step");
                case Stmt.ExprStmt x -> eval(x.expr(), env);
                case Stmt.For f -> {
                    for (Value item : range(f.from(), f.to(), env, "for " + f.variable())) {
                        Env inner = new Env(env);
                        inner.define(f.variable().name(), item);
                        Value r = exec(f.body(), inner);
                        if (r != null) return r;
                    }
                }
                case Stmt.If i -> {
                    Value r = exec(condition(i.condition(), env) ? i.then() : i.otherwise(), new Env(env));
                    if (r != null) return r;
                }
            }
        }
        return null;
    }

    private void bindPattern(Stmt.Pattern p, Value v, Env env) {
        switch (p) {
            case Stmt.NamePattern n -> env.define(n.name().name(), v);
            case Stmt.TuplePattern t -> {
                List<Value> parts = v instanceof Value.Tuple tv ? tv.parts() : v instanceof Value.Lst l ? l.items() : null;
                if (parts == null || parts.size() != t.parts().size()) throw new IrException("cannot unpack " + Value.describe(v));
                for (int i = 0; i < parts.size(); i++) bindPattern(t.parts().get(i), parts.get(i), env);
            }
        }
    }

    private boolean condition(Expr e, Env env) {
        Value c = eval(e, env);
        if (c instanceof Value.Bool b) return b.v();
        throw new IrException("the condition at " + e.span().line() + ":" + e.span().column() + " is " + Value.describe(c)
                + "; a compiled graph can only branch on values known before running");
    }

    /** The values a loop runs over: the ints {@code a..b-1} (known), or a list's elements. */
    private List<Value> range(Expr from, Expr to, Env env, String what) {
        Value a = eval(from, env);
        if (to == null) {
            if (a instanceof Value.Lst l) return l.items();
            throw new IrException(what + " runs over " + Value.describe(a));
        }
        Value b = eval(to, env);
        if (!(a instanceof Value.Int x && x.known() && b instanceof Value.Int y && y.known())) {
            throw new IrException(what + " runs from " + Value.describe(a) + " to " + Value.describe(b)
                    + ": the bounds must be known before running to unroll it");
        }
        var out = new ArrayList<Value>();
        for (long i = x.v().constant(); i < y.v().constant(); i++) out.add(new Value.Int(Dim.of(i)));
        return out;
    }

    // ---- expressions --------------------------------------------------------------------------------

    Value eval(Expr e, Env env) {
        return switch (e) {
            case Expr.IntLit i -> new Value.Int(Dim.of(i.value()));
            case Expr.FloatLit f -> new Value.Flt(f.value());
            case Expr.StringLit s -> new Value.Str(s.value());
            case Expr.BoolLit b -> new Value.Bool(b.value());
            case Expr.NoneLit n -> new Value.None();
            case Expr.Name n -> name(n, env);
            case Expr.ListLit l -> new Value.Lst(l.elements().stream().map(x -> eval(x, env)).toList());
            case Expr.TupleLit t -> new Value.Tuple(t.elements().stream().map(x -> eval(x, env)).toList());
            case Expr.Call c -> call(c, env);
            case Expr.Member m -> member(m, env);
            case Expr.Index i -> Indexer.index(this, eval(i.target(), env), i, env);
            case Expr.Binary b -> binary(b, env);
            case Expr.Unary u -> Operators.unary(this, u.op(), eval(u.operand(), env));
            case Expr.As a -> as(a, env);
            case Expr.If i -> condition(i.condition(), env) ? eval(i.then(), env) : eval(i.otherwise(), env);
            case Expr.Time t -> throw new IrException("time { … } measures a run on the interpreter; it has no place in a kernel graph");
            case Expr.For f -> {
                var out = new ArrayList<Value>();
                for (Value item : range(f.from(), f.to(), env, "for " + f.variable())) {
                    Env inner = new Env(env);
                    inner.define(f.variable().name(), item);
                    out.add(eval(f.body(), inner));
                }
                yield new Value.Lst(out);
            }
        };
    }

    /** {@code a and b}, {@code a or b} on bools evaluate b only when a does not decide, as the interpreter does. */
    private Value binary(Expr.Binary b, Env env) {
        Value l = eval(b.left(), env);
        if (l instanceof Value.Bool lb && (b.op() == Expr.BinaryOp.AND && !lb.v() || b.op() == Expr.BinaryOp.OR && lb.v())) return l;
        return Operators.binary(this, b.op(), l, eval(b.right(), env));
    }

    /**
     * {@code x op y} of sizes no rule decides for every size ({@code P + T > window - 1}): decided for
     * the sizes of the call being compiled, and kept as a guard of the graph.
     */
    boolean decide(Op op, Dim x, Dim y) {
        SizeGuard probe = new SizeGuard(x, op, y, true);
        if (entry.callSizes() == null) {
            throw new IrException("cannot decide " + probe + " before running: the sizes are symbolic, and this graph is not compiled"
                    + " for one call's sizes");
        }
        Map<String, Long> sizes = entry.callSizes().of(gb.nodes());
        var symbols = new ArrayList<>(x.symbols());
        symbols.addAll(y.symbols());
        for (Sym s : symbols) {
            if (!sizes.containsKey(s.name)) throw new IrException("cannot decide " + probe + ": the call's tensors give no size " + s.name);
        }
        boolean holds = probe.holds(sizes);
        guards.add(new SizeGuard(x, op, y, holds));
        return holds;
    }

    private Value name(Expr.Name n, Env env) {
        Value v = env.lookup(n.name());
        if (v != null) return resolve(v);
        Value g = global(program.typeOf(n));
        if (g == null) throw new IrException("cannot lower the name '" + n.name() + "' at " + n.span().line() + ":" + n.span().column());
        return g;
    }

    Value resolve(Value v) { return v instanceof Value.LazyWeight w ? weight(w) : v; }

    /** A definition the checker resolved a name to. */
    private static Value global(Type t) {
        return switch (t) {
            case Type.FnRef f -> new Value.Fn(f.decl());
            case Type.RecurrenceRef r -> new Value.Rec(r.decl());
            case Type.BlockRef b -> new Value.Ctor(b.decl());
            case Type.BuiltinRef b -> new Value.Builtin(b.builtin().name());
            case Type.ModuleRef m -> new Value.Module(m.path(), m.members());
            default -> null;
        };
    }

    private Value member(Expr.Member m, Env env) {
        Value target = eval(m.target(), env);
        String name = m.member().name();
        switch (target) {
            case Value.Inst i -> {
                Value v = i.inst().env.local(name);
                if (v != null) return resolve(v);
                if (name.equals("load") || name.equals("save")) return new Value.WeightMethod(name, i.inst());
                throw new IrException(i.inst().decl.name() + " has no member " + name);
            }
            case Value.Module mod -> {
                Value g = global(mod.members().get(name));
                if (g == null) throw new IrException("module " + mod.path() + " has no definition " + name);
                return g;
            }
            case Value.Tensor t when name.equals("shape") -> {
                return new Value.Lst(t.node().type().dims().stream().map(d -> (Value) new Value.Int(d)).toList());
            }
            case Value.Tensor t when name.equals("T") -> { return builtins.transpose(t.node(), -2, -1); }
            case Value.Tensor t when name.equals("dtype") -> { return new Value.Str(t.node().type().dtype().lin()); }
            default -> throw new IrException(Value.describe(target) + " has no member " + name);
        }
    }

    private Value call(Expr.Call c, Env env) {
        Value callee = eval(c.callee(), env);
        List<Expr.Arg> args = c.args();
        if (callee instanceof Value.Builtin b && (b.name().equals("concat") || b.name().equals("stack")) && !args.isEmpty()
                && args.getFirst().name() == null && args.getFirst().value() instanceof Expr.ListLit list) {
            var spread = new ArrayList<Expr.Arg>();
            for (Expr x : list.elements()) spread.add(new Expr.Arg(x.span(), null, x));
            spread.addAll(args.subList(1, args.size()));
            args = spread;
        }
        var positional = new ArrayList<Arg>();
        var named = new LinkedHashMap<String, Arg>();
        for (Expr.Arg a : args) {
            Value v;
            if (callee instanceof Value.Builtin && a.name() != null && a.name().name().equals("dtype") && a.value() instanceof Expr.Name dn) {
                v = new Value.Str(dn.name());
            } else {
                v = eval(a.value(), env);
            }
            if (a.name() == null) positional.add(new Arg(v, a.value()));
            else named.put(a.name().name(), new Arg(v, a.value()));
        }
        return switch (callee) {
            case Value.Builtin b -> builtins.call(b.name(), positional, named, c);
            case Value.WeightMethod w -> w.name().equals("load") ? new Value.Inst(w.self()) : new Value.Unit();
            case Value.Fn f -> callFn(f.decl(), positional, named);
            case Value.Ctor b -> construct(b.decl(), positional, named);
            case Value.Inst i -> callMethod(i.inst(), i.inst().method("forward"), positional, named);
            case Value.Method m -> callMethod(m.self(), m.method(), positional, named);
            case Value.Rec r -> callRecurrence(r.decl(), positional, named);
            default -> throw new IrException(Value.describe(callee) + " cannot be called");
        };
    }

    private Value as(Expr.As a, Env env) {
        Value v = eval(a.value(), env);
        switch (a.type()) {
            case TypeExpr.Named n -> {
                String t = n.name().name();
                DType dt = DType.parse(t);
                if (dt != null && v instanceof Value.Tensor x) return new Value.Tensor(cast(x.node(), dt));
                if (dt != null && !t.equals("bool")) return new Value.Tensor(Operators.constant(this, v, dt));
                return Operators.convert(v, t);
            }
            case TypeExpr.Tensor te -> {
                if (!(v instanceof Value.Tensor x)) throw new IrException("only tensors can be reshaped, not " + Value.describe(v));
                List<Dim> dims = dims(te.dims(), env);
                Node r = reshape(x.node(), dims);
                if (te.dtype() != null) r = cast(r, DType.parse(te.dtype().name()));
                return new Value.Tensor(r);
            }
            case TypeExpr.Tuple t -> throw new IrException("cannot convert to a tuple type");
        }
    }

    Node reshape(Node x, List<Dim> dims) {
        return gb.add(Op.RESHAPE, List.of(x), Map.of(), null, new TensorType(x.type().dtype(), dims));
    }

    Node cast(Node x, DType dt) { return gb.add(Op.CAST, List.of(x), GraphBuilder.attrs("dtype", dt.lin())); }

    /** The sizes a written shape stands for in a scope ({@code ..} is the signature's leading dimensions). */
    List<Dim> dims(List<TypeExpr.DimExpr> ds, Env env) {
        var out = new ArrayList<Dim>();
        for (TypeExpr.DimExpr d : ds) {
            if (d instanceof TypeExpr.Rest) {
                Value rest = env.lookup("..");
                if (!(rest instanceof Value.Lst l)) throw new IrException("'..' does not refer to leading dimensions here");
                for (Value x : l.items()) out.add(((Value.Int) x).v());
            } else {
                out.add(dim(d, env));
            }
        }
        return out;
    }

    private Dim dim(TypeExpr.DimExpr d, Env env) {
        return switch (d) {
            case TypeExpr.DimLit l -> Dim.of(l.value());
            case TypeExpr.DimName n -> {
                Value v = env.lookup(n.name().name());
                if (v instanceof Value.Int i) yield i.v();
                throw new IrException("the dimension " + n.name() + " has no size here");
            }
            case TypeExpr.DimBinary b -> arith(b.op(), dim(b.left(), env), dim(b.right(), env));
            case TypeExpr.Rest r -> throw new IrException("'..' here");
        };
    }

    private static Dim arith(char op, Dim l, Dim r) {
        return switch (op) {
            case '+' -> l.plus(r);
            case '-' -> l.minus(r);
            case '*' -> l.times(r);
            default -> {
                Dim q = l.dividedBy(r);
                if (q == null && l.isConstant() && r.isConstant() && r.constant() != 0) q = Dim.of(l.constant() / r.constant());
                if (q == null) throw new IrException("cannot divide the dimension " + l + " by " + r);
                yield q;
            }
        };
    }
}
