package org.linlang.runtime.cpu;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.linlang.compiler.ir.BufferPlan;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.SizeGuard;
import org.linlang.compiler.types.Dim;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/**
 * A compiled graph (grouped and planned by the middle end, docs/graph-ir.md) made runnable on the
 * cpu engine. Each group of the schedule runs as one kernel where the engine has one — a fused pass
 * over rows for elementwise and row-wise groups ({@link FusedRows}), OpenBLAS or a Java loop for a
 * matrix product, the chunked or sequential recurrence kernels ({@link RecurrenceKernel}) — and node
 * by node over whole tensors otherwise ({@link NodeKernels}). Intermediate values live in a
 * {@link Workspace} laid out from the buffer plan and kept from run to run; outputs are fresh, or the
 * caller's buffers ({@link #runInto}).
 *
 * <p>Everything the engine cannot run is found when the plan is made, not half way through a call:
 * {@link #of} throws a {@link CpuEngineException} naming the op and why (a conv or KV cache marker of
 * {@code step}, a general recurrence, a recurrence piece the kernels do not take).
 */
public final class CpuPlan {
    private final Graph graph;
    private final boolean fused;
    private final List<Grouping.Group> schedule;
    private final Map<Node, RecurrenceKernel> recurrences = new IdentityHashMap<>();
    private final Map<Node, FusedRows> fusedGroups = new IdentityHashMap<>();
    private final Map<Node, FusedRows> fusedEpilogues = new IdentityHashMap<>();
    private final Map<Node, Integer> lastUse = new IdentityHashMap<>();
    private final Map<Node, Node> finalStateOf = new IdentityHashMap<>(); // recurrence -> its state_out
    private final Map<Node, List<Node>> stateOutsOf = new IdentityHashMap<>(); // recurrence -> all its state_outs
    private final Map<Node, Integer> groupOf = new IdentityHashMap<>();
    /** Nodes of groups that run node by node but have a row pass of their own, which writes where the run says. */
    private final Map<Node, FusedRows> singles = new IdentityHashMap<>();
    /**
     * Values computed by a pass over rows that reads each row of its inputs before it writes that row
     * of its outputs (a fused group, a fused epilogue): only these may take the buffer of an input
     * that dies with their group, as the buffer plan allows. A group run node by node would overwrite
     * the input before its other members read it.
     */
    private final java.util.Set<Node> onePass = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    /** Constants of a fixed shape, made once: nothing writes over them (they have no workspace slot). */
    private final Map<Node, Tensor> constants = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<Node> outputNodes = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final BufferPlan buffers;
    /** Workspaces not in use: one per run at a time, so concurrent runs of this plan each take their own. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Workspace> workspaces = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private CpuPlan(Graph graph, boolean fused) {
        this.graph = graph;
        this.fused = fused;
        if (graph.grouping() == null) throw new IllegalArgumentException("the cpu engine runs grouped graphs (after GroupFusible)");
        this.schedule = graph.grouping().groups();
        for (Node n : graph.nodes()) {
            switch (n.op()) {
                case UNSUPPORTED -> throw new CpuEngineException("the cpu engine cannot run " + n.attr("of") + " in " + graph.title() + ": "
                        + n.attr("reason"));
                case CALL -> throw new IllegalArgumentException("the graph still has a call of its entry");
                case RECURRENCE -> recurrences.put(n, new RecurrenceKernel(n, graph.title()).inPlace(graph.mode() == Graph.Mode.STEP));
                default -> { }
            }
        }
        for (Node n : graph.nodes()) {
            if (n.op() != Op.STATE_OUT) continue;
            finalStateOf.put(n.input(0), n);
            stateOutsOf.computeIfAbsent(n.input(0), r -> new ArrayList<>()).add(n);
        }
        for (Grouping.Group g : schedule) for (Node m : g.members()) groupOf.put(m, g.index());
        for (Graph.Output o : graph.outputs()) outputNodes.add(o.node());
        this.buffers = graph.plan();
        for (int p = 0; p < schedule.size(); p++) {
            for (Node member : schedule.get(p).members()) for (Node i : member.inputs()) lastUse.merge(i, p, Math::max);
        }
        for (Graph.Output o : graph.outputs()) lastUse.put(o.node(), Integer.MAX_VALUE);
        if (fused) {
            for (Grouping.Group g : schedule) {
                FusedRows f = FusedRows.of(g, graph);
                if (f != null) fusedGroups.put(g.members().getFirst(), f);
                FusedRows e = FusedRows.epilogue(g);
                if (e != null) fusedEpilogues.put(g.anchor(), e);
            }
            for (Grouping.Group g : schedule) {
                FusedRows whole = fusedGroups.get(g.members().getFirst()), e = g.anchor() == null ? null : fusedEpilogues.get(g.anchor());
                for (Node m : g.members()) if (whole != null || (e != null && e.computes(m))) onePass.add(m);
            }
            for (Grouping.Group g : schedule) {
                if (g.kind() == Grouping.Kind.VIEW || fusedGroups.containsKey(g.members().getFirst())) continue;
                FusedRows e = g.anchor() == null ? null : fusedEpilogues.get(g.anchor());
                for (Node m : g.members()) {
                    if (e != null && e.computes(m)) continue;
                    FusedRows one = FusedRows.single(m);
                    if (one != null) singles.put(m, one);
                }
            }
            for (Node n : graph.nodes()) {
                if (groupOf.containsKey(n)) continue;
                FusedRows one = FusedRows.single(n);
                if (one != null) singles.put(n, one);
            }
        }
    }

    /** The plan of a grouped graph, with fused groups. */
    public static CpuPlan of(Graph graph) { return new CpuPlan(graph, true); }

    /** The plan, fused or node by node (the reference the fused kernels are tested against). */
    public static CpuPlan of(Graph graph, boolean fused) { return new CpuPlan(graph, fused); }

    public Graph graph() { return graph; }

    /** The kernel that runs a recurrence node of this plan, in words ({@code chunked}, {@code sequential (generic step kernel)}). */
    public String recurrenceKernel(Node recurrence) {
        RecurrenceKernel k = recurrences.get(recurrence);
        if (k == null) throw new IllegalArgumentException(recurrence + " is not a recurrence of " + graph.title());
        return k.kernelName();
    }

    /** How many groups run as one fused pass (whole, or their elementwise epilogue). */
    public int fusedGroupCount() { return fusedGroups.size() + fusedEpilogues.size(); }

    /** The names of the graph's inputs, in order. */
    public List<String> inputNames() { return names(Op.INPUT); }

    /** The names of the weights the graph reads ({@code mixers.0.q_proj.weight}). */
    public List<String> weightNames() { return names(Op.WEIGHT); }

    /**
     * The names of the states the graph reads: a {@code step} graph's recurrent states, or the block
     * states of a {@code forward} ({@code layers.0.keys}), whose new values are the outputs named
     * with a prime ({@code layers.0.keys'}). A block state left out of a call's inputs is empty.
     */
    public List<String> stateNames() { return names(Op.STATE); }

    /** The element type of a state the graph reads. */
    public org.linlang.runtime.tensor.DType stateType(String name) {
        for (Node n : graph.nodesOf(Op.STATE)) if (n.name().equals(name)) return NodeKernels.dtype(n);
        throw new IllegalArgumentException(graph.title() + " has no state " + name);
    }

    /**
     * Whether the new value of a state ({@code S'}) always has the shape of the state read
     * ({@code S}): a recurrent state or a conv cache, not a KV cache that grows. Its buffer can then
     * be the state's own ({@link #runInto}).
     */
    public boolean keepsShape(String state) {
        for (Node n : graph.nodesOf(Op.STATE)) {
            if (!n.name().equals(state)) continue;
            for (Graph.Output o : graph.outputs()) if (o.name().equals(state + "'")) return o.node().type().equals(n.type());
        }
        return false;
    }

    private List<String> names(Op op) { return graph.nodesOf(op).stream().map(Node::name).toList(); }

    /**
     * Runs the graph. {@code inputs} holds the inputs and states by name; {@code weights} gives each
     * weight by its dotted name. Returns the outputs by name, in the graph's order, as fresh tensors
     * (they belong to the caller); the intermediate values live in a workspace of this plan, reused
     * from run to run.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Function<String, Tensor> weights) {
        return runInto(inputs, weights, Map.of(), null);
    }

    /**
     * Runs the graph and adds each group's seconds to {@code secondsByKind} under its title
     * ({@code matmul}, {@code rowwise(mean)}, {@code recurrence(gated_delta_rule, chunked)}): where a
     * call's time goes, for {@code lin bench}.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Function<String, Tensor> weights, Map<String, Double> secondsByKind) {
        return runInto(inputs, weights, Map.of(), secondsByKind);
    }

    /**
     * Runs the graph into caller-owned buffers: each output named in {@code into} is written into
     * that tensor, which must have the output's element type and shape and be writable; the others
     * are returned fresh. A state's new value ({@code S'}) may go into the very tensor given as the
     * state {@code S}: the state is then updated in place. With every output given, a run in the
     * steady state (sizes seen before) asks for no tensor memory in the kernels that have a form
     * into a buffer (fused rows, recurrences, decoding products); see docs/cpu-kernels.md, "Memory".
     * Returns every output by name, the given buffers included.
     */
    public Map<String, Tensor> runInto(Map<String, Tensor> inputs, Function<String, Tensor> weights, Map<String, Tensor> into) {
        return runInto(inputs, weights, into, null);
    }

    private Map<String, Tensor> runInto(Map<String, Tensor> inputs, Function<String, Tensor> weights, Map<String, Tensor> into,
                                        Map<String, Double> secondsByKind) {
        Map<Node, Tensor> values = new IdentityHashMap<>();
        List<Map.Entry<Node, long[]>> given = new ArrayList<>();
        List<Node> empty = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (n.op() != Op.INPUT && n.op() != Op.STATE && n.op() != Op.WEIGHT) continue;
            Tensor t = n.op() == Op.WEIGHT ? weights.apply(n.name()) : inputs.get(n.name());
            if (t == null && n.op() == Op.STATE && graph.mode() == Graph.Mode.FORWARD) {
                empty.add(n); // a block state not given is empty (below)
                continue;
            }
            if (t == null) throw new CpuEngineException(graph.title() + " needs " + n.op().text() + " '" + n.name() + "' (" + n.type() + ")");
            if (t.dtype() != NodeKernels.dtype(n)) {
                if (t.dtype().isFloat() != NodeKernels.dtype(n).isFloat()) {
                    throw new CpuEngineException(n.op().text() + " '" + n.name() + "' is " + t.dtype().lin() + ", but " + graph.title()
                            + " expects " + n.type());
                }
                t = t.to(NodeKernels.dtype(n)); // i32 ids where the signature says i64, bf16 weights into f32
            }
            values.put(n, t);
            given.add(Map.entry(n, t.shape()));
        }
        Map<String, Long> sizes = new java.util.HashMap<>(SizeBinding.bind(given));
        emptyStateSizes(empty, sizes);
        for (Node n : empty) values.put(n, Creation.zeros(NodeKernels.dtype(n), NodeKernels.shape(n, sizes)));
        for (SizeGuard guard : graph.guards()) {
            if (!guard.holds(sizes)) {
                throw new CpuEngineException(graph.title() + " was compiled for sizes where " + guard + ", which fails for " + sizes);
            }
        }
        Map<Node, Tensor> direct = callerBuffers(into, values, sizes);
        Workspace ws = workspaces.poll();
        if (ws == null) ws = new Workspace(buffers == null ? 0 : buffers.slots().size());
        try {
            java.util.Set<Node> copied = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (Graph.Output o : graph.outputs()) if (into.containsKey(o.name()) && !direct.containsKey(o.node())) copied.add(o.node());
            Run run = new Run(values, sizes, ws, direct, copied);
            for (int p = 0; p < schedule.size(); p++) {
                Grouping.Group g = schedule.get(p);
                long start = secondsByKind == null ? 0 : System.nanoTime();
                run.group = p;
                ws.resetScratch();
                FusedRows f = fusedGroups.get(g.members().getFirst());
                FusedRows epilogue = g.anchor() == null ? null : fusedEpilogues.get(g.anchor());
                if (f != null) {
                    f.run(run);
                } else if (epilogue != null) {
                    for (Node m : g.members()) if (!epilogue.computes(m)) run.value(m);
                    epilogue.run(run);
                } else {
                    for (Node m : g.members()) run.value(m);
                }
                if (secondsByKind != null) {
                    String title = g.title() + (f != null ? " fused" : epilogue != null ? " + fused epilogue" : "");
                    secondsByKind.merge(title, (System.nanoTime() - start) / 1e9, Double::sum);
                }
                for (Node m : g.members()) release(run, m, p);
                for (Node m : g.members()) for (Node i : m.inputs()) release(run, i, p);
            }
            run.group = -1;
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Graph.Output o : graph.outputs()) {
                Tensor t = run.value(o.node());
                Tensor dst = into.get(o.name());
                if (dst != null) {
                    if (!SequentialKernel.sameElements(t, dst)) dst.copyFrom(t);
                    t = dst;
                } else if (!t.isContiguous() || ws.holds(t) || constants.get(o.node()) == t) {
                    t = t.copy(); // an output escapes to the caller: never a view of the workspace or of a kept constant
                }
                out.put(o.name(), t);
            }
            return out;
        } finally {
            workspaces.add(ws);
        }
    }

    /**
     * The outputs the kernels may write straight into the caller's buffers: checked against the
     * outputs' types, and left out (written by a copy at the end) when a buffer overlaps an input,
     * which a kernel might still read after writing it — except a state's new value over that
     * state itself, which the recurrence kernels update block by block in place.
     */
    private Map<Node, Tensor> callerBuffers(Map<String, Tensor> into, Map<Node, Tensor> values, Map<String, Long> sizes) {
        if (into.isEmpty()) return Map.of();
        Map<Node, Tensor> direct = new IdentityHashMap<>();
        for (Graph.Output o : graph.outputs()) {
            Tensor dst = into.get(o.name());
            if (dst == null) continue;
            Node n = o.node();
            long[] shape = NodeKernels.shape(n, sizes);
            if (dst.dtype() != NodeKernels.dtype(n) || !java.util.Arrays.equals(dst.shape(), shape) || dst.isReadOnly()) {
                throw new CpuEngineException("the buffer for output '" + o.name() + "' of " + graph.title() + " is " + dst.dtype().lin()
                        + java.util.Arrays.toString(dst.shape()) + (dst.isReadOnly() ? " (read-only)" : "") + ", but the output is "
                        + NodeKernels.dtype(n).lin() + java.util.Arrays.toString(shape));
            }
            if (!dst.isContiguous()) continue;
            Tensor stateIn = n.op() == Op.STATE_OUT ? stateRead(n, values) : null;
            boolean overlaps = false;
            for (Tensor t : values.values()) {
                if (t == stateIn && SequentialKernel.sameElements(t, dst)) continue;
                if (t.sharesStorageWith(dst)) overlaps = true;
            }
            if (!overlaps) direct.put(n, dst);
        }
        for (String name : into.keySet()) {
            if (graph.outputs().stream().noneMatch(o -> o.name().equals(name))) {
                throw new CpuEngineException(graph.title() + " has no output '" + name + "'");
            }
        }
        return direct;
    }

    /** The state tensor the recurrence of a state_out reads, or null. */
    private static Tensor stateRead(Node stateOut, Map<Node, Tensor> values) {
        Node rec = stateOut.input(0);
        var rc = rec.recurrence();
        if (rc == null || rc.stateInputs() == 0) return null;
        Node s = rec.input(rc.stepInputs() + rc.stateNames().indexOf((String) stateOut.attr("state")));
        return values.get(s);
    }

    /** As in the interpreter: a state not given is zeros of its type, each size no input binds being 0 (P of an empty KV cache). */
    private static void emptyStateSizes(List<Node> empty, Map<String, Long> sizes) {
        for (Node n : empty) for (Dim d : n.type().dims()) for (var sym : d.symbols()) sizes.putIfAbsent(sym.name, 0L);
    }

    /**
     * The sizes a call gives the symbols of these inputs and states (B, T, a cache's P), read off the
     * tensors by name, a state left out binding its own sizes to 0; unchecked. Engines compile a call
     * with them ({@code EntryPoint.withCallSizes}) and pick the plan whose {@link SizeGuard}s hold.
     */
    public static Map<String, Long> callSizes(List<Node> sources, Map<String, Tensor> inputs) {
        Map<String, long[]> shapes = new java.util.HashMap<>();
        inputs.forEach((k, t) -> shapes.put(k, t.shape()));
        return callSizesOfShapes(sources, shapes);
    }

    /** {@link #callSizes} from the shapes of the inputs and states given (a device engine's states are not host tensors). */
    public static Map<String, Long> callSizesOfShapes(List<Node> sources, Map<String, long[]> inputs) {
        List<Map.Entry<Node, long[]>> given = new ArrayList<>();
        List<Node> empty = new ArrayList<>();
        for (Node n : sources) {
            if (n.op() != Op.INPUT && n.op() != Op.STATE) continue;
            long[] t = inputs.get(n.name());
            if (t != null) given.add(Map.entry(n, t));
            else if (n.op() == Op.STATE) empty.add(n);
        }
        Map<String, Long> sizes = new java.util.HashMap<>(SizeBinding.learn(given));
        emptyStateSizes(empty, sizes);
        return sizes;
    }

    /** Whether this plan holds for a call's inputs and states: its size guards come out as they did when it was compiled. */
    public boolean admits(Map<String, Tensor> inputs) {
        if (graph.guards().isEmpty()) return true;
        Map<String, Long> sizes = callSizes(graph.nodes(), inputs);
        for (SizeGuard g : graph.guards()) {
            if (!org.linlang.compiler.ir.Sizes.known(g.left(), sizes) || !org.linlang.compiler.ir.Sizes.known(g.right(), sizes) || !g.holds(sizes)) {
                return false;
            }
        }
        return true;
    }

    private void release(Run run, Node n, int p) {
        if (n.isSource()) return;
        Integer last = lastUse.get(n);
        if (last != null && last <= p) run.values.remove(n);
    }

    /** The values of one call: computed nodes, and the final states of its recurrences. */
    final class Run {
        final Map<Node, Tensor> values;
        final Map<String, Long> sizes;
        private final Map<Node, Tensor> finalStates = new IdentityHashMap<>();
        private final Workspace ws;
        private final Map<Node, Tensor> direct;
        /** Outputs with a caller buffer they are copied into at the end (it overlaps an input). */
        private final java.util.Set<Node> copiedOut;
        /** The index of the group running. */
        int group = -1;

        Run(Map<Node, Tensor> values, Map<String, Long> sizes, Workspace ws, Map<Node, Tensor> direct, java.util.Set<Node> copiedOut) {
            this.values = values;
            this.sizes = sizes;
            this.ws = ws;
            this.direct = direct;
            this.copiedOut = copiedOut;
        }

        /**
         * Where the kernel computing {@code n} writes it, or null for a fresh tensor: the caller's
         * buffer of an output, the workspace slot the buffer plan gives a value of the running group,
         * the group's scratch for a value the plan does not place (it dies in the group), a block of
         * its own for a node outside every group or an output copied into an overlapping caller
         * buffer at the end. An output without a buffer is fresh: it escapes to the caller.
         */
        Tensor destination(Node n) {
            Tensor d = direct.get(n);
            if (d != null) return d;
            if (outputNodes.contains(n)) return copiedOut.contains(n) ? ws.own(n, NodeKernels.dtype(n), NodeKernels.shape(n, sizes)) : null;
            Integer g = groupOf.get(n);
            if (g == null) return ws.own(n, NodeKernels.dtype(n), NodeKernels.shape(n, sizes));
            if (g != group) return null;
            BufferPlan.Buffer b = buffers == null ? null : buffers.bufferOf(n);
            if (b != null && (b.slot() < 0 || b.lastUse() == Integer.MAX_VALUE)) return null;
            long[] shape = NodeKernels.shape(n, sizes);
            if (b != null && b.inPlace() && !onePass.contains(n)) return ws.own(n, NodeKernels.dtype(n), shape);
            return b != null ? ws.slot(b.slot(), NodeKernels.dtype(n), shape) : ws.scratch(NodeKernels.dtype(n), shape);
        }

        /** A node's value, computing it (and what it reads) if needed. */
        Tensor value(Node n) {
            Tensor t = values.get(n);
            if (t != null) return t;
            if (n.op() == Op.STATE_OUT) {
                Node rec = n.input(0);
                value(rec);
                t = finalStates.get(n);
            } else {
                Tensor[] in = new Tensor[n.inputs().size()];
                for (int i = 0; i < in.length; i++) in[i] = value(n.input(i));
                if (n.op() == Op.RECURRENCE && recurrences.get(n).generic() != null) {
                    List<String> states = n.recurrence().stateNames();
                    List<Node> outs = stateOutsOf.getOrDefault(n, List.of());
                    boolean[] want = new boolean[states.size()];
                    for (Node so : outs) want[states.indexOf((String) so.attr("state"))] = true;
                    GenericRecurrence.Result r = recurrences.get(n).generic().run(in, want);
                    for (Node so : outs) finalStates.put(so, r.finals()[states.indexOf((String) so.attr("state"))]);
                    t = r.output();
                } else if (n.op() == Op.RECURRENCE) {
                    Node stateOut = finalStateOf.get(n);
                    boolean wantFinal = stateOut != null;
                    RecurrenceResult r = recurrences.get(n).run(in, wantFinal, destination(n), wantFinal ? destination(stateOut) : null);
                    if (wantFinal) finalStates.put(stateOut, r.finalState());
                    t = r.output();
                } else if (n.op() == Op.MATMUL && NodeKernels.dtype(n) == org.linlang.runtime.tensor.DType.F32) {
                    boolean ta = n.flag("transpose_a"), tb = n.flag("transpose_b");
                    t = NodeKernels.matmul(in[0], in[1], ta, tb, !ta && tb && RowsTimesWeight.fits(in[0], in[1]) ? destination(n) : null);
                    if (t.dtype() != NodeKernels.dtype(n)) t = t.to(NodeKernels.dtype(n));
                } else if (singles.containsKey(n)) {
                    singles.get(n).run(this);
                    return values.get(n);
                } else if (n.op() == Op.CONSTANT && n.type().dims().stream().allMatch(d -> d.symbols().isEmpty())) {
                    t = constants.computeIfAbsent(n, c -> NodeKernels.eval(c, in, sizes));
                } else {
                    Tensor into = n.op() == Op.SHIFT || n.op() == Op.CONCAT || n.op() == Op.TAKE ? destination(n) : null;
                    t = into == null ? null : NodeKernels.evalInto(n, in, into);
                    if (t == null) t = NodeKernels.eval(n, in, sizes);
                    // a view of a workspace value made outside a view group outlives what the buffer plan knows of: copy it
                    Integer gi = groupOf.get(n);
                    if (ws.holds(t) && t != into && (gi == null || schedule.get(gi).kind() != Grouping.Kind.VIEW)) {
                        Tensor d = destination(n);
                        if (d != null && d.dtype() == t.dtype()) {
                            Copies.copy(t, d); // d is another block, or another part of the scratch: never t's elements
                            t = d;
                        } else {
                            t = t.copy();
                        }
                    }
                }
            }
            values.put(n, t);
            return t;
        }

        void put(Node n, Tensor t) { values.put(n, t); }
    }
}
