package org.linlang.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rebuilds a graph node by node: each node's inputs are replaced by what they were rewritten to,
 * then a rule may return a replacement (an existing node, or new nodes it adds) or null to copy
 * the node. Dead nodes are dropped at the end. Every node is retyped by {@link OpRules} on the way.
 */
public final class Rewriter {
    private Rewriter() {}

    @FunctionalInterface
    public interface Rule {
        /** The node's replacement, built in {@code b} from the rewritten {@code inputs}, or null to copy it. */
        Node rewrite(Node old, List<Node> inputs, GraphBuilder b);
    }

    public static Graph rewrite(Graph g, Rule rule) {
        var b = new GraphBuilder();
        Map<Node, Node> map = new IdentityHashMap<>();
        for (Node n : g.nodes()) {
            List<Node> ins = n.inputs().stream().map(map::get).toList();
            Node r = rule.rewrite(n, ins, b);
            map.put(n, r != null ? r : b.copy(n, ins));
        }
        var outs = new ArrayList<Graph.Output>();
        for (Graph.Output o : g.outputs()) outs.add(new Graph.Output(o.name(), map.get(o.node()), o.state()));
        return prune(g.withNodes(b.nodes(), outs));
    }

    /** Drops the nodes no output depends on; inputs and states of the entry stay (they are its signature). */
    public static Graph prune(Graph g) {
        Set<Node> live = Collections.newSetFromMap(new IdentityHashMap<>());
        var stack = new ArrayList<Node>();
        for (Graph.Output o : g.outputs()) stack.add(o.node());
        for (Node n : g.nodes()) if (n.op() == Op.INPUT || n.op() == Op.STATE) stack.add(n);
        while (!stack.isEmpty()) {
            Node n = stack.removeLast();
            if (live.add(n)) stack.addAll(n.inputs());
        }
        var kept = g.nodes().stream().filter(live::contains).toList();
        return g.withNodes(kept, g.outputs());
    }
}
