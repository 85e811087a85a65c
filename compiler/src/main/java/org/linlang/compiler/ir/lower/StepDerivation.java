package org.linlang.compiler.ir.lower;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.GraphBuilder;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.Rewriter;
import org.linlang.compiler.ir.TensorType;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Sym;

/**
 * Derives {@code step} from {@code forward}: the graph is lowered with T symbolic and states as
 * inputs and outputs of every recurrence; then each operation that mixes tokens along time —
 * which one decoding step cannot do without a cache of earlier tokens — becomes an
 * {@link Op#UNSUPPORTED} marker with the reason, and finally T becomes 1.
 *
 * <p>Mixing along time: a {@code shift} of the time axis (a causal convolution: needs a conv
 * cache), and a reduction, softmax, cumsum, slice, concat or matmul contraction over the time
 * axis, a causal mask, or a matmul whose result has two time axes (attention: needs a KV cache).
 * Selecting the last token ({@code x[:, -1]}) is fine.
 */
final class StepDerivation {
    private StepDerivation() {}

    static Graph derive(Graph g, Sym t) {
        Graph marked = Rewriter.rewrite(g, (n, ins, b) -> {
            String why = mixing(n, t);
            if (why == null) return null;
            var attrs = new LinkedHashMap<String, Object>();
            attrs.put("of", n.op().text());
            attrs.putAll(n.attrs());
            attrs.put("reason", why);
            return b.add(Op.UNSUPPORTED, ins, attrs, null, n.type());
        });
        Map<Sym, Dim> one = Map.of(t, Dim.of(1));
        var guards = g.guards().stream()
                .map(s -> new org.linlang.compiler.ir.SizeGuard(s.left().substitute(one), s.op(), s.right().substitute(one), s.outcome())).toList();
        return Rewriter.rewrite(marked, (n, ins, b) -> substituted(n, ins, b, one)).withGuards(guards);
    }

    private static boolean timed(Dim d, Sym t) { return d.symbols().contains(t); }

    /** Why a node cannot be one decoding step, or null. */
    private static String mixing(Node n, Sym t) {
        String kv = "needs a KV cache: " + n.op().text() + " mixes tokens along time, so one decoding step needs the earlier tokens' keys and values (not derivable yet)";
        switch (n.op()) {
            case SHIFT -> {
                long by = ((Number) n.attr("by")).longValue();
                if (by != 0 && timed(n.type().dim(n.intAttr("axis")), t)) {
                    return "needs a conv cache: shift by " + by + " along time reads the " + by + " previous token" + (by == 1 ? "" : "s")
                            + ", which decoding must keep as this layer's state (not derivable yet)";
                }
                return null;
            }
            case SUM, MEAN, MAX, MIN, ARGMAX -> {
                for (int ax : n.intsAttr("axes")) if (timed(n.input(0).type().dim(ax), t)) return kv;
                return null;
            }
            case SOFTMAX, CUMSUM, SLICE, CONCAT -> { return timed(n.input(0).type().dim(n.intAttr("axis")), t) ? kv : null; }
            case SELECT -> {
                Dim idx = n.dimAttr("index");
                boolean last = idx.isConstant() && idx.constant() == -1;
                return !last && timed(n.input(0).type().dim(n.intAttr("axis")), t) ? kv : null;
            }
            case CAUSAL_MASK -> { return timed(n.dimAttr("size"), t) ? kv : null; }
            case MATMUL -> {
                List<Dim> a = org.linlang.compiler.ir.OpRules.swapped(n.input(0).type().dims(), n.flag("transpose_a"));
                if (timed(a.getLast(), t)) return kv;
                long timeAxes = n.type().dims().stream().filter(d -> timed(d, t)).count();
                return timeAxes >= 2 ? kv : null;
            }
            default -> { return null; }
        }
    }

    /** A copy of the node with T replaced in its type, its size attributes and its sources. */
    private static Node substituted(Node n, List<Node> ins, GraphBuilder b, Map<Sym, Dim> s) {
        var attrs = new LinkedHashMap<String, Object>();
        n.attrs().forEach((k, v) -> attrs.put(k, v instanceof Dim d ? d.substitute(s) : v));
        TensorType declared = GraphBuilder.declaredType(n);
        if (declared != null) declared = declared.substitute(s);
        return switch (n.op()) {
            case INPUT -> b.input(n.name(), declared);
            case WEIGHT -> b.weight(n.name(), declared);
            case STATE -> b.state(n.name(), declared);
            case STATE_OUT -> b.add(n.op(), ins, attrs, null, null);
            default -> b.add(n.op(), ins, attrs, n.payload(), declared);
        };
    }

}
