package org.linlang.compiler.ir;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.types.Dim;

/**
 * The graph cut into groups, each one kernel (pass 4, {@code GroupFusible}; the rules are in
 * docs/graph-ir.md). Every computed node is a member of exactly one group; parameter
 * expressions, constants and generators are recomputed inside each group that reads them
 * ({@link Group#inlined}). Groups are listed in an order in which they can run.
 */
public final class Grouping {
    /** What a kernel does. */
    public enum Kind {
        /** A matrix product with its operand views and elementwise epilogue (bias, activation, residual). */
        MATMUL,
        /** A recurrence over time with its elementwise prologue and epilogue, and its final states. */
        RECURRENCE,
        /** Reductions along rows (norms, softmax, l2norm) with the elementwise work before and after them on the same rows. */
        ROWWISE,
        /** Elementwise work and gathers, one output element per thread. */
        ELEMENTWISE,
        /** Only reshapes: shares its input's buffer, no kernel. */
        VIEW,
        /** A marker of what the middle end cannot derive yet; no kernel. */
        UNSUPPORTED;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * One kernel.
     *
     * @param index   its position in the schedule
     * @param kind    what it does
     * @param anchor  the node it is built around (the matmul, recurrence, first reduction, marker), or null
     * @param members the nodes it computes, in graph order
     * @param inlined parameter expressions, constants and generators it recomputes
     * @param inputs  the buffers it reads: other groups' outputs, inputs, weights, states
     * @param outputs the members it writes (read by other groups, or outputs of the graph)
     * @param reads   the bytes it reads from each input (a gather reads only the rows it takes)
     */
    public record Group(int index, Kind kind, Node anchor, List<Node> members, List<Node> inlined, List<Node> inputs,
                        List<Node> outputs, Map<Node, Dim> reads) {
        public Group {
            members = List.copyOf(members);
            inlined = List.copyOf(inlined);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }

        /** {@code k12}. */
        public String label() { return "k" + index; }

        public boolean isKernel() { return kind != Kind.VIEW && kind != Kind.UNSUPPORTED; }

        /** {@code matmul}, {@code rowwise(mean)}, {@code recurrence(gated_delta_rule, chunked)}. */
        public String title() {
            return switch (kind) {
                case ROWWISE -> "rowwise(" + anchor.op().text() + ")";
                case RECURRENCE -> {
                    RecurrenceCall rc = anchor.recurrence();
                    yield "recurrence(" + rc.name() + (rc.algorithm() == null ? "" : ", " + rc.algorithmWords()) + ")";
                }
                case UNSUPPORTED -> "unsupported(" + anchor.attr("of") + ")";
                default -> kind.word();
            };
        }

        /** Bytes read and written. */
        public Dim bytesMoved() {
            Dim total = Dim.of(0);
            for (Dim d : reads.values()) total = total.plus(d);
            for (Node o : outputs) total = total.plus(o.type().bytes());
            return total;
        }
    }

    private final List<Group> groups;
    private final Map<Node, Group> byNode = new IdentityHashMap<>();

    public Grouping(List<Group> groups) {
        this.groups = List.copyOf(groups);
        for (Group g : groups) for (Node n : g.members()) byNode.put(n, g);
    }

    public List<Group> groups() { return groups; }

    /** The group computing a node, or null for sources and recomputed nodes. */
    public Group groupOf(Node n) { return byNode.get(n); }

    /** Groups that launch a kernel (not views, not markers). */
    public List<Group> kernels() { return groups.stream().filter(Group::isKernel).toList(); }

    public int kernelCount() { return kernels().size(); }

    /** Kernels by kind, in the order of {@link Kind}: {@code {matmul=29, rowwise=17, …}}. */
    public Map<Kind, Integer> census() {
        var m = new LinkedHashMap<Kind, Integer>();
        for (Kind k : Kind.values()) {
            int c = (int) groups.stream().filter(g -> g.kind() == k).count();
            if (c > 0) m.put(k, c);
        }
        return m;
    }

}
