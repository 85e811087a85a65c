package org.linlang.runtime.cpu;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 * by node over whole tensors otherwise ({@link NodeKernels}). A value is dropped after the last
 * group that reads it, as the buffer plan's lifetimes say.
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
    private final java.util.Set<Node> finalStateWanted = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

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
        for (Node n : graph.nodes()) if (n.op() == Op.STATE_OUT) finalStateWanted.add(n.input(0));
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
        }
    }

    /** The plan of a grouped graph, with fused groups. */
    public static CpuPlan of(Graph graph) { return new CpuPlan(graph, true); }

    /** The plan, fused or node by node (the reference the fused kernels are tested against). */
    public static CpuPlan of(Graph graph, boolean fused) { return new CpuPlan(graph, fused); }

    public Graph graph() { return graph; }

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

    private List<String> names(Op op) { return graph.nodesOf(op).stream().map(Node::name).toList(); }

    /**
     * Runs the graph. {@code inputs} holds the inputs and states by name; {@code weights} gives each
     * weight by its dotted name. Returns the outputs by name, in the graph's order.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Function<String, Tensor> weights) {
        return run(inputs, weights, null);
    }

    /**
     * Runs the graph and adds each group's seconds to {@code secondsByKind} under its title
     * ({@code matmul}, {@code rowwise(mean)}, {@code recurrence(gated_delta_rule, chunked)}): where a
     * call's time goes, for {@code lin bench}.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Function<String, Tensor> weights, Map<String, Double> secondsByKind) {
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
        Run run = new Run(values, sizes);
        for (int p = 0; p < schedule.size(); p++) {
            Grouping.Group g = schedule.get(p);
            long start = secondsByKind == null ? 0 : System.nanoTime();
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
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Graph.Output o : graph.outputs()) {
            Tensor t = run.value(o.node());
            out.put(o.name(), t.isContiguous() ? t : t.copy());
        }
        return out;
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
        List<Map.Entry<Node, long[]>> given = new ArrayList<>();
        List<Node> empty = new ArrayList<>();
        for (Node n : sources) {
            if (n.op() != Op.INPUT && n.op() != Op.STATE) continue;
            Tensor t = inputs.get(n.name());
            if (t != null) given.add(Map.entry(n, t.shape()));
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

        Run(Map<Node, Tensor> values, Map<String, Long> sizes) {
            this.values = values;
            this.sizes = sizes;
        }

        /** A node's value, computing it (and what it reads) if needed. */
        Tensor value(Node n) {
            Tensor t = values.get(n);
            if (t != null) return t;
            if (n.op() == Op.STATE_OUT) {
                Node rec = n.input(0);
                value(rec);
                t = finalStates.get(rec);
            } else {
                Tensor[] in = new Tensor[n.inputs().size()];
                for (int i = 0; i < in.length; i++) in[i] = value(n.input(i));
                if (n.op() == Op.RECURRENCE) {
                    boolean wantFinal = finalStateWanted.contains(n);
                    RecurrenceResult r = recurrences.get(n).run(in, wantFinal);
                    if (wantFinal) finalStates.put(n, r.finalState());
                    t = r.output();
                } else {
                    t = NodeKernels.eval(n, in, sizes);
                }
            }
            values.put(n, t);
            return t;
        }

        void put(Node n, Tensor t) { values.put(n, t); }
    }
}
