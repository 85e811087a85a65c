package org.linlang.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.types.Program;

/**
 * A graph of tensor operations for one entry point: nodes in a topological order (every input
 * precedes its users), the named outputs, and what later passes attach — the grouping into
 * kernels ({@link Grouping}) and the buffer plan ({@link BufferPlan}). Immutable.
 */
public final class Graph {
    /** Which entry point: prefill of a whole sequence, or one decoding step with states. */
    public enum Mode {
        FORWARD, STEP;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** A named result; {@code state} marks a recurrent state that {@code step} hands back. */
    public record Output(String name, Node node, boolean state) {}

    private final String title;
    private final Mode mode;
    private final Program program;
    private final List<Node> nodes;
    private final List<Output> outputs;
    private final Map<String, Long> sizes;
    private final Grouping grouping;
    private final BufferPlan plan;
    private final List<SizeGuard> guards;

    public Graph(String title, Mode mode, Program program, List<Node> nodes, List<Output> outputs, Map<String, Long> sizes,
                 Grouping grouping, BufferPlan plan) {
        this(title, mode, program, nodes, outputs, sizes, grouping, plan, List.of());
    }

    private Graph(String title, Mode mode, Program program, List<Node> nodes, List<Output> outputs, Map<String, Long> sizes,
                  Grouping grouping, BufferPlan plan, List<SizeGuard> guards) {
        this.guards = List.copyOf(guards);
        this.title = title;
        this.mode = mode;
        this.program = program;
        this.nodes = List.copyOf(nodes);
        this.outputs = List.copyOf(outputs);
        this.sizes = Collections.unmodifiableMap(new LinkedHashMap<>(sizes));
        this.grouping = grouping;
        this.plan = plan;
    }

    /** {@code TinyHybrid(layers=4).forward}. */
    public String title() { return title; }

    public Mode mode() { return mode; }

    /** The checked program the graph came from (null for graphs built by hand). */
    public Program program() { return program; }

    public List<Node> nodes() { return nodes; }

    public List<Output> outputs() { return outputs; }

    /** The values of symbolic dimensions used when reporting bytes ({@code B}, {@code T}). */
    public Map<String, Long> sizes() { return sizes; }

    public Grouping grouping() { return grouping; }

    /** The comparisons of sizes the graph was built under ({@link SizeGuard}); empty when it holds for every size. */
    public List<SizeGuard> guards() { return guards; }

    public BufferPlan plan() { return plan; }

    public Graph withNodes(List<Node> newNodes, List<Output> newOutputs) {
        return new Graph(title, mode, program, newNodes, newOutputs, sizes, null, null, guards);
    }

    public Graph withGrouping(Grouping g) { return new Graph(title, mode, program, nodes, outputs, sizes, g, null, guards); }

    public Graph withPlan(BufferPlan p) { return new Graph(title, mode, program, nodes, outputs, sizes, grouping, p, guards); }

    public Graph withSizes(Map<String, Long> s) { return new Graph(title, mode, program, nodes, outputs, s, grouping, plan, guards); }

    public Graph withGuards(List<SizeGuard> g) { return new Graph(title, mode, program, nodes, outputs, sizes, grouping, plan, g); }

    /** For each node, the nodes that read it, in graph order. */
    public Map<Node, List<Node>> users() {
        Map<Node, List<Node>> out = new IdentityHashMap<>();
        for (Node n : nodes) out.put(n, new ArrayList<>());
        for (Node n : nodes) {
            for (Node i : n.inputs()) {
                List<Node> l = out.get(i);
                if (l != null && (l.isEmpty() || l.getLast() != n)) l.add(n);
            }
        }
        return out;
    }

    /** The nodes that are outputs of the graph. */
    public Set<Node> outputNodes() {
        Set<Node> s = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Output o : outputs) s.add(o.node());
        return s;
    }

    /** Nodes of one op, in order. */
    public List<Node> nodesOf(Op op) { return nodes.stream().filter(n -> n.op() == op).toList(); }

    /** The markers of what could not be derived. */
    public List<Node> unsupported() { return nodesOf(Op.UNSUPPORTED); }

    /** The printed IR ({@link Printer}). */
    @Override public String toString() { return Printer.print(this); }
}
