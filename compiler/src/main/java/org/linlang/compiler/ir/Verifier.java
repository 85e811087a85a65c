package org.linlang.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.types.Dim;

/**
 * Checks the rules every graph keeps between passes:
 * <ul>
 *   <li>every input of a node is a node of the graph that comes before it, and there is no cycle;</li>
 *   <li>every node's type is what its op's rule gives for its inputs and attributes ({@link OpRules}),
 *       element types included;</li>
 *   <li>a {@code state_out} reads a recurrence and carries its call; names of inputs, weights and
 *       states are unique; every output is a node of the graph;</li>
 *   <li>after grouping: each computed node is in exactly one group, and groups only read groups
 *       scheduled before them;</li>
 *   <li>after buffer planning: every value a kernel writes has a buffer, and two buffers share a
 *       slot only when their lifetimes do not overlap (or one overwrites the other in place).</li>
 * </ul>
 */
public final class Verifier {
    private Verifier() {}

    /** Throws an {@link IrException} listing every problem. */
    public static void verify(Graph g) {
        List<String> p = problems(g);
        if (!p.isEmpty()) throw new IrException("invalid graph " + g.title() + ":\n  " + String.join("\n  ", p));
    }

    public static List<String> problems(Graph g) {
        var out = new ArrayList<String>();
        Set<Node> defined = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> all = Collections.newSetFromMap(new IdentityHashMap<>());
        all.addAll(g.nodes());
        Set<Integer> ids = new HashSet<>();
        Map<String, Node> names = new HashMap<>();
        for (Node n : g.nodes()) {
            if (!ids.add(n.id())) out.add(n + ": id " + n.id() + " is used twice");
            for (Node i : n.inputs()) {
                if (!all.contains(i)) out.add(n + ": input " + i + " is not defined in the graph");
                else if (!defined.contains(i)) out.add(n + ": input " + i + " is used before it is defined");
            }
            defined.add(n);
            if (n.op() == Op.INPUT || n.op() == Op.WEIGHT || n.op() == Op.STATE) {
                Node prev = names.put(n.op().text() + ":" + n.name(), n);
                if (prev != null) out.add(n + ": " + n.op().text() + " " + n.name() + " is defined twice");
            }
            if (n.op() == Op.STATE_OUT) {
                if (n.inputs().size() != 1 || n.input(0).op() != Op.RECURRENCE) out.add(n + ": state_out must read a recurrence");
                else if (n.payload() != n.input(0).payload()) out.add(n + ": state_out carries another call than its recurrence's");
            }
            if (n.op() == Op.CALL) continue;
            if (n.inputs().stream().anyMatch(i -> i.type() == null)) continue;
            try {
                TensorType t = OpRules.infer(n.op(), n.inputs().stream().map(Node::type).toList(), n.attrs(), n.payload(), GraphBuilder.declaredType(n));
                if (!t.equals(n.type())) out.add(n + ": its type is " + n.type() + " but " + n.op().text() + " of its inputs gives " + t);
            } catch (IrException e) {
                out.add(n + ": " + e.getMessage());
            }
        }
        cycles(g, out);
        for (Graph.Output o : g.outputs()) if (!all.contains(o.node())) out.add("output " + o.name() + " is not a node of the graph");
        if (g.grouping() != null) groups(g, out);
        if (g.plan() != null && g.grouping() != null) buffers(g, out);
        return out;
    }

    /** A depth-first search over inputs: a node met again on the current path closes a cycle. */
    private static void cycles(Graph g, List<String> out) {
        Map<Node, Integer> state = new IdentityHashMap<>();
        for (Node start : g.nodes()) {
            if (state.containsKey(start)) continue;
            var stack = new ArrayList<Node>();
            var iters = new ArrayList<Integer>();
            stack.add(start);
            iters.add(0);
            state.put(start, 1);
            while (!stack.isEmpty()) {
                Node n = stack.getLast();
                int k = iters.getLast();
                if (k < n.inputs().size()) {
                    iters.set(iters.size() - 1, k + 1);
                    Node i = n.inputs().get(k);
                    Integer s = state.get(i);
                    if (s == null) {
                        state.put(i, 1);
                        stack.add(i);
                        iters.add(0);
                    } else if (s == 1) {
                        out.add("cycle: " + i + " depends on itself through " + n);
                        return;
                    }
                } else {
                    state.put(n, 2);
                    stack.removeLast();
                    iters.removeLast();
                }
            }
        }
    }

    private static void groups(Graph g, List<String> out) {
        Grouping gr = g.grouping();
        Map<Node, Grouping.Group> seen = new IdentityHashMap<>();
        for (Grouping.Group k : gr.groups()) {
            for (Node n : k.members()) {
                Grouping.Group prev = seen.put(n, k);
                if (prev != null) out.add(n + " is in two groups, " + prev.label() + " and " + k.label());
            }
        }
        Set<Node> nodes = Collections.newSetFromMap(new IdentityHashMap<>());
        nodes.addAll(g.nodes());
        // A node outside every group is a source, a generator or a parameter expression: computed
        // from weights and constants only, and recomputed by each kernel that reads it.
        Set<Node> outputs = g.outputNodes();
        for (Node n : g.nodes()) {
            if (seen.containsKey(n) || n.isSource() || n.op().kind == Op.Kind.GENERATOR) continue;
            boolean parameterExpression = switch (n.op().kind) {
                case ELEMENTWISE, LAYOUT, GATHER -> !outputs.contains(n) && n.inputs().stream().allMatch(i ->
                        !seen.containsKey(i) && i.op() != Op.INPUT && i.op() != Op.STATE);
                default -> false;
            };
            if (!parameterExpression) out.add(n + " is in no group");
        }
        for (Grouping.Group k : gr.groups()) {
            for (Node n : k.members()) {
                if (!nodes.contains(n)) out.add(k.label() + ": member " + n + " is not a node of the graph");
                for (Node i : n.inputs()) {
                    Grouping.Group from = seen.get(i);
                    if (from != null && from != k && from.index() >= k.index()) {
                        out.add(k.label() + " reads " + i + " from " + from.label() + ", which is not scheduled before it");
                    }
                }
            }
        }
    }

    private static void buffers(Graph g, List<String> out) {
        BufferPlan plan = g.plan();
        for (Grouping.Group k : g.grouping().groups()) {
            if (k.kind() == Grouping.Kind.VIEW) continue;
            for (Node o : k.outputs()) if (plan.bufferOf(o) == null) out.add(k.label() + ": " + o + " has no buffer");
        }
        List<BufferPlan.Buffer> bs = plan.buffers();
        for (int a = 0; a < bs.size(); a++) {
            BufferPlan.Buffer x = bs.get(a);
            if (x.slot() < 0) continue;
            Dim slot = plan.slots().get(x.slot()).bytes();
            if (!Sizes.fits(slot, x.bytes())) out.add(x.value() + " does not fit its slot s" + x.slot());
            for (int b = a + 1; b < bs.size(); b++) {
                BufferPlan.Buffer y = bs.get(b);
                if (y.slot() != x.slot()) continue;
                boolean handOver = y.inPlaceOf() == x.value() && y.def() == x.lastUse() || x.inPlaceOf() == y.value() && x.def() == y.lastUse();
                boolean overlap = x.def() <= y.lastUse() && y.def() <= x.lastUse();
                if (overlap && !handOver) out.add("slot s" + x.slot() + " holds " + x.value() + " and " + y.value() + " at the same time");
            }
        }
    }
}
