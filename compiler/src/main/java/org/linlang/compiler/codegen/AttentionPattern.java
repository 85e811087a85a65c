package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping;
import org.linlang.compiler.ir.Grouping.Group;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.OpRules;
import org.linlang.compiler.ir.Scalars;
import org.linlang.compiler.types.Dim;

/**
 * Softmax attention as the middle end leaves it, recognised in a grouped graph so that one flash
 * kernel ({@link FlashAttentionKernel}) does the work of the groups that compute the scores, the
 * softmax and the product with V:
 * <pre>
 *   scores = (Q @ Kᵀ) [* scale]                      [.., T, S]
 *   masked = where(mask, scores, ≤ -1e20)             mask: causal_mask(S)[S−T:] (bottom-right; or the causal mask of
 *                                                      those rows, row_start S − T), optional window; or no where
 *   P      = softmax(masked, axis = -1)               or softmax(concat(masked, sinks [.., T, 1]))[.., :S]
 *   O      = P @ V                                    [.., T, V]
 * </pre>
 * Nothing is assumed about how Q, K and V are laid out: the kernel reads them through the
 * {@link Emitter}'s index arithmetic, so grouped-query heads (K, V broadcast over the group) and
 * the transposes around them cost no buffer. A pattern whose intermediate values anything else
 * reads is left as it is.
 *
 * @param qk       the product Q·Kᵀ
 * @param pv       the product P·V, computed by the flash kernel in its group ({@code home})
 * @param scale    the factor of the scores (1 without one)
 * @param offset   the position among the keys of query 0 (S − T), null without a mask
 * @param window   the sliding window of the mask (0: none)
 * @param sinks    the sink logits {@code [.., T, 1]}, null without
 * @param chain    the nodes the kernel replaces (scores to softmax, and the slice after it)
 * @param absorbed the groups whose work the kernel does: they run nothing
 * @param home     the group of {@code pv}: the flash kernel, then its epilogue (output gate, transposes)
 */
record AttentionPattern(Node qk, Node pv, double scale, Dim offset, long window, Node sinks, Set<Node> chain,
                        List<Group> absorbed, Group home) {

    /** Key and value sizes past which the kernel's per-item registers would not fit. */
    static final int MAX_HEAD = 256;

    int keySize() { return (int) OpRules.swapped(qk.input(0).type().dims(), qk.flag("transpose_a")).getLast().constant(); }

    int valueSize() { return (int) pv.type().dims().getLast().constant(); }

    /** Every attention of the graph that one flash kernel can compute. */
    static List<AttentionPattern> find(Graph graph) {
        var users = graph.users();
        Set<Node> outputs = graph.outputNodes();
        var out = new ArrayList<AttentionPattern>();
        for (Node sm : graph.nodesOf(Op.SOFTMAX)) {
            AttentionPattern p = match(sm, users, outputs, graph.grouping());
            if (p != null) out.add(p);
        }
        return out;
    }

    private static AttentionPattern match(Node sm, Map<Node, List<Node>> users, Set<Node> outputs, Grouping grouping) {
        int rank = sm.type().rank();
        if (rank < 2 || sm.intAttr("axis") != rank - 1) return null;
        Set<Node> chain = Collections.newSetFromMap(new IdentityHashMap<>());
        chain.add(sm);
        Node x = sm.input(0);
        Node sinks = null;
        if (x.op() == Op.CONCAT && x.inputs().size() == 2 && x.intAttr("axis") == rank - 1
                && x.input(1).type().rank() == rank && x.input(1).type().dims().getLast().equals(Dim.of(1))) {
            sinks = x.input(1);
            chain.add(x);
            x = x.input(0);
        }
        Dim offset = null;
        long window = 0;
        Node mask = null;
        if (x.op() == Op.WHERE) {
            Node fill = x.input(2);
            if (fill.op() != Op.CONSTANT || !(Scalars.number(fill.attr("value")) <= -1e20)) return null;
            mask = x.input(0);
            if (mask.type().rank() != 2) return null;
            Node causal = mask;
            offset = Dim.of(0);
            if (mask.op() == Op.SLICE) {
                if (mask.intAttr("axis") != 0 || ((Number) mask.attr("step")).longValue() != 1) return null;
                offset = mask.dimAttr("start");
                causal = mask.input(0);
            }
            if (causal.op() != Op.CAUSAL_MASK) return null;
            // the middle end builds only the rows a slice reads: a mask of rows row_start … of the square one
            if (causal.attr("row_start") instanceof Dim first) offset = offset.plus(first);
            if (causal.attr("window") instanceof Number w) window = w.longValue();
            chain.add(x);
            x = x.input(1);
        }
        double scale = 1;
        if (x.op() == Op.MUL) {
            int c = scalar(x.input(1)) ? 1 : scalar(x.input(0)) ? 0 : -1;
            if (c < 0) return null;
            scale = Scalars.number(x.input(c).attr("value"));
            chain.add(x);
            x = x.input(1 - c);
        }
        if (x.op() != Op.MATMUL) return null;
        Node qk = x;
        chain.add(qk);
        List<Dim> scores = qk.type().dims();
        if (scores.size() != rank) return null;
        // one mask row per query (a single row broadcast over every query would be another mask)
        if (mask != null && !mask.type().dims().equals(scores.subList(rank - 2, rank))) return null;
        for (Node c : chain) {
            // the mask, scale and fill broadcast onto the scores, never the other way
            if (c != sm && c.op() != Op.CONCAT && !c.type().dims().equals(scores)) return null;
        }
        Node p = sm;
        if (sinks != null) {
            List<Node> su = users.get(sm);
            if (su.size() != 1) return null;
            Node slice = su.getFirst();
            if (slice.op() != Op.SLICE || slice.intAttr("axis") != rank - 1 || ((Number) slice.attr("step")).longValue() != 1
                    || !slice.dimAttr("start").equals(Dim.of(0)) || !slice.type().dims().equals(scores)) return null;
            chain.add(slice);
            p = slice;
        }
        List<Node> pu = users.get(p);
        if (pu.size() != 1) return null;
        Node pv = pu.getFirst();
        if (pv.op() != Op.MATMUL || pv.input(0) != p || pv.input(1) == p || pv.flag("transpose_a")) return null;
        List<Dim> o = pv.type().dims();
        if (o.size() != rank || !o.subList(0, rank - 1).equals(scores.subList(0, rank - 1))) return null;
        if (qk.input(0).type().rank() < 2 || qk.input(1).type().rank() < 2 || pv.input(1).type().rank() < 2) return null;
        Dim k = OpRules.swapped(qk.input(0).type().dims(), qk.flag("transpose_a")).getLast();
        if (!k.isConstant() || k.constant() > MAX_HEAD || !o.getLast().isConstant() || o.getLast().constant() > MAX_HEAD) return null;
        for (Node c : chain) {
            if (outputs.contains(c)) return null;
            for (Node u : users.get(c)) if (!chain.contains(u) && u != pv) return null;
        }
        Group home = grouping.groupOf(pv);
        if (home == null || home.kind() != Grouping.Kind.MATMUL || home.anchor() != pv) return null;
        var absorbed = new ArrayList<Group>();
        for (Node c : chain) {
            Group g = grouping.groupOf(c);
            if (g == null || g == home || absorbed.contains(g)) continue;
            if (g.kind() != Grouping.Kind.MATMUL && g.kind() != Grouping.Kind.ROWWISE && g.kind() != Grouping.Kind.ELEMENTWISE) return null;
            for (Node w : g.outputs()) if (!chain.contains(w)) return null;
            absorbed.add(g);
        }
        return new AttentionPattern(qk, pv, scale, offset, window, sinks, chain, absorbed, home);
    }

    private static boolean scalar(Node n) { return n.op() == Op.CONSTANT && n.type().count().equals(Dim.of(1)); }

    /** The values the flash kernel may read from memory: what its groups read, less what the kernel replaces. */
    Set<Node> buffers() {
        Set<Node> s = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Group g : absorbed) s.addAll(g.inputs());
        s.addAll(home.inputs());
        s.removeAll(chain);
        return s;
    }
}
