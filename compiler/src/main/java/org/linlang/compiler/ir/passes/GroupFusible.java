package org.linlang.compiler.ir.passes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping;
import org.linlang.compiler.ir.Grouping.Kind;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.Pass;
import org.linlang.compiler.ir.Sizes;
import org.linlang.compiler.types.Dim;

/**
 * Pass 4: cuts the graph into kernels. The rules (docs/graph-ir.md, "Fusion"):
 *
 * <ol>
 *   <li><b>Free nodes</b> get no kernel: sources, generators ({@code causal_mask}, {@code arange})
 *       and parameter expressions (elementwise or view nodes computed from weights and constants
 *       only, such as {@code -exp(A_log)} or {@code weight[:, j]}): each kernel that reads one
 *       recomputes it.</li>
 *   <li><b>Anchors</b> — a matmul, a recurrence (with its {@code state_out}s), a marker — each
 *       start a group. A reduction starts a row-wise group unless rule 3 puts it in one.</li>
 *   <li><b>Producers into consumers</b>, visiting nodes from the last to the first: an
 *       elementwise, view or gather node, or a reduction, joins the group of its users when all
 *       its users are in that one group, no user is a gather (gathers read buffers), it is not an
 *       output of the graph, and the group accepts it: an elementwise or row-wise group accepts
 *       nodes of its domain (its root's element count) or of a divisor of it (row values that
 *       broadcast), and a reduction whose input has the domain's size (the group becomes
 *       row-wise); a matmul or recurrence group accepts only views (reshape, transpose) of its
 *       operands.</li>
 *   <li><b>Epilogues, then prologues</b>, visiting the remaining elementwise groups in order: such
 *       a group joins a matmul, recurrence or row-wise group it reads from when it has the same
 *       domain (output elements), none of its gathers reads that group, and no path between the
 *       two passes through a third group (the latest such producer wins); failing that, it joins
 *       the matmul or recurrence group that alone reads it, when it feeds only the anchor (or its
 *       operand views) with values of its own domain.</li>
 * </ol>
 */
public final class GroupFusible implements Pass {
    @Override public String name() { return "group-fusible"; }

    @Override public Graph run(Graph g) { return g.withGrouping(new Cut(g).group()); }

    /** The state of one run of the pass over one graph. */
    private static final class Cut {
        /** A group while it is being formed. */
        private static final class G {
            Kind kind;
            Node anchor;
            Dim domain;
            final Set<Node> members = Collections.newSetFromMap(new IdentityHashMap<>());

            G(Kind kind, Node anchor, Dim domain) {
                this.kind = kind;
                this.anchor = anchor;
                this.domain = domain;
            }
        }

        private final Graph graph;
        private Map<Node, List<Node>> users;
        private Set<Node> outputs;
        private final Map<Node, Integer> position = new IdentityHashMap<>();
        private final Set<Node> free = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Map<Node, G> groupOf = new IdentityHashMap<>();

        Cut(Graph g) { graph = g; }

        Grouping group() {
            users = graph.users();
            outputs = graph.outputNodes();
            for (int i = 0; i < graph.nodes().size(); i++) position.put(graph.nodes().get(i), i);
            findFree();
            producersIntoConsumers();
            epiloguesAndPrologues();
            return build();
        }

        // ---- rule 1 ------------------------------------------------------------------------------------

        private void findFree() {
            for (Node n : graph.nodes()) {
                boolean f = switch (n.op().kind) {
                    case SOURCE -> n.op() != Op.INPUT && n.op() != Op.STATE;
                    case GENERATOR -> true;
                    case ELEMENTWISE, LAYOUT, GATHER -> !outputs.contains(n) && n.inputs().stream().allMatch(free::contains);
                    default -> false;
                };
                if (f) free.add(n);
            }
            for (Node n : graph.nodes()) if (n.op() == Op.INPUT || n.op() == Op.STATE) free.add(n);
        }

        private boolean parameterOnly(Node n) { return free.contains(n) && n.op() != Op.INPUT && n.op() != Op.STATE; }

        // ---- rules 2 and 3 -----------------------------------------------------------------------------

        private void producersIntoConsumers() {
            for (Node n : graph.nodes().reversed()) {
                if (free.contains(n) || n.op() == Op.STATE_OUT) continue;
                switch (n.op().kind) {
                    case CALL -> throw new IrException("group-fusible runs after the entry is inlined");
                    case RECURRENCE -> {
                        G r = create(Kind.RECURRENCE, n, count(n));
                        for (Node u : users.get(n)) if (u.op() == Op.STATE_OUT) join(r, u);
                    }
                    case MATMUL -> create(Kind.MATMUL, n, count(n));
                    case UNSUPPORTED -> create(Kind.UNSUPPORTED, n, count(n));
                    default -> {
                        G target = consumerGroup(n);
                        if (target != null && accepts(target, n)) join(target, n);
                        else if (n.op().kind == Op.Kind.REDUCE) create(Kind.ROWWISE, n, count(n.input(0)));
                        else join(create(Kind.ELEMENTWISE, null, count(n)), n);
                    }
                }
            }
        }

        private G create(Kind kind, Node anchor, Dim domain) {
            G g = new G(kind, anchor, domain);
            if (anchor != null) join(g, anchor);
            return g;
        }

        private void join(G g, Node n) {
            g.members.add(n);
            groupOf.put(n, g);
            if (n.op().kind == Op.Kind.REDUCE && g.kind == Kind.ELEMENTWISE) {
                g.kind = Kind.ROWWISE;
                g.anchor = n;
            }
            if (g.kind == Kind.ELEMENTWISE && g.domain == null) g.domain = count(n);
        }

        /** The one group all users of a node are in, or null (users in several groups, a gather, an output). */
        private G consumerGroup(Node n) {
            if (outputs.contains(n)) return null;
            G only = null;
            for (Node u : users.get(n)) {
                if (u.op().kind == Op.Kind.GATHER) return null;
                G g = groupOf.get(u);
                if (g == null || (only != null && only != g)) return null;
                only = g;
            }
            return only;
        }

        private boolean accepts(G g, Node n) {
            return switch (g.kind) {
                case ELEMENTWISE, ROWWISE -> n.op().kind == Op.Kind.REDUCE ? count(n.input(0)).equals(g.domain)
                        : Sizes.divides(g.domain, count(n));
                case MATMUL, RECURRENCE -> n.op().kind == Op.Kind.LAYOUT;
                default -> false;
            };
        }

        // ---- rule 4 ------------------------------------------------------------------------------------

        private void epiloguesAndPrologues() {
            List<G> order = groupsInOrder();
            for (G e : order) {
                if (e.kind != Kind.ELEMENTWISE || e.members.isEmpty()) continue;
                if (!epilogue(e)) prologue(e);
            }
        }

        private boolean epilogue(G e) {
            var candidates = new ArrayList<G>();
            for (Node m : e.members) {
                for (Node i : m.inputs()) {
                    G a = groupOf.get(i);
                    if (a != null && a != e && !candidates.contains(a)
                            && (a.kind == Kind.MATMUL || a.kind == Kind.RECURRENCE || a.kind == Kind.ROWWISE)) candidates.add(a);
                }
            }
            candidates.sort(Comparator.comparingInt((G a) -> position.get(a.anchor)).reversed());
            for (G a : candidates) {
                if (!a.domain.equals(e.domain)) continue;
                boolean gathersFromA = e.members.stream().anyMatch(m -> m.op().kind == Op.Kind.GATHER
                        && m.inputs().stream().anyMatch(a.members::contains));
                if (gathersFromA || !acyclic(a, e)) continue;
                merge(a, e);
                return true;
            }
            return false;
        }

        private void prologue(G e) {
            G target = null;
            for (Node m : e.members) {
                if (outputs.contains(m)) return;
                for (Node u : users.get(m)) {
                    if (e.members.contains(u)) continue;
                    G a = groupOf.get(u);
                    if (a == null || (target != null && target != a)) return;
                    if (u != a.anchor && u.op().kind != Op.Kind.LAYOUT) return;
                    if (!count(m).equals(e.domain)) return;
                    target = a;
                }
            }
            if (target == null || (target.kind != Kind.MATMUL && target.kind != Kind.RECURRENCE) || !acyclic(target, e)) return;
            merge(target, e);
        }

        private void merge(G into, G from) {
            for (Node n : from.members) {
                into.members.add(n);
                groupOf.put(n, into);
            }
            from.members.clear();
        }

        /** Whether two groups can become one: no path from one to the other through a third group. */
        private boolean acyclic(G a, G b) {
            return !reachesThroughOther(a, b) && !reachesThroughOther(b, a);
        }

        private boolean reachesThroughOther(G from, G to) {
            var seen = new HashSet<G>();
            var stack = new ArrayDeque<G>();
            for (G s : successors(from)) if (s != to) stack.push(s);
            while (!stack.isEmpty()) {
                G g = stack.pop();
                if (g == to) return true;
                if (!seen.add(g)) continue;
                for (G s : successors(g)) if (s != from) stack.push(s);
            }
            return false;
        }

        private Set<G> successors(G g) {
            Set<G> out = new LinkedHashSet<>();
            for (Node n : g.members) {
                for (Node u : users.get(n)) {
                    G h = groupOf.get(u);
                    if (h != null && h != g) out.add(h);
                }
            }
            return out;
        }

        // ---- the result --------------------------------------------------------------------------------

        private List<G> groupsInOrder() {
            var all = new ArrayList<G>(new LinkedHashSet<>(groupOf.values()));
            all.removeIf(g -> g.members.isEmpty());
            all.sort(Comparator.comparingInt(this::first));
            return all;
        }

        private int first(G g) { return g.members.stream().mapToInt(position::get).min().orElse(Integer.MAX_VALUE); }

        private Grouping build() {
            List<G> all = groupsInOrder();
            // A topological order of the groups, earliest first member first.
            Map<G, Integer> indegree = new IdentityHashMap<>();
            for (G g : all) indegree.put(g, 0);
            Map<G, Set<G>> succ = new IdentityHashMap<>();
            for (G g : all) {
                succ.put(g, successors(g));
                for (G s : succ.get(g)) indegree.merge(s, 1, Integer::sum);
            }
            var ready = new PriorityQueue<G>(Comparator.comparingInt(this::first));
            for (G g : all) if (indegree.get(g) == 0) ready.add(g);
            var ordered = new ArrayList<G>();
            while (!ready.isEmpty()) {
                G g = ready.poll();
                ordered.add(g);
                for (G s : succ.get(g)) if (indegree.merge(s, -1, Integer::sum) == 0) ready.add(s);
            }
            if (ordered.size() != all.size()) throw new IrException("group-fusible made a cycle between kernels");
            var groups = new ArrayList<Grouping.Group>();
            for (G g : ordered) groups.add(describe(groups.size(), g));
            return new Grouping(groups);
        }

        private Grouping.Group describe(int index, G g) {
            List<Node> members = g.members.stream().sorted(Comparator.comparingInt(position::get)).toList();
            Set<Node> inlined = new LinkedHashSet<>();
            Map<Node, Dim> reads = new LinkedHashMap<>();
            for (Node m : members) {
                for (int k = 0; k < m.inputs().size(); k++) {
                    Node i = m.input(k);
                    Dim gathered = m.op() == Op.TAKE && k == 0 ? m.type().bytes() : null;
                    collectReads(i, g, inlined, reads, gathered);
                }
            }
            List<Node> outs = new ArrayList<>();
            for (Node m : members) {
                boolean escapes = outputs.contains(m) || users.get(m).stream().anyMatch(u -> !g.members.contains(u));
                if (escapes) outs.add(m);
            }
            Kind kind = g.kind;
            if (kind == Kind.ELEMENTWISE && members.stream().allMatch(m -> m.op() == Op.RESHAPE)) kind = Kind.VIEW;
            List<Node> inl = inlined.stream().sorted(Comparator.comparingInt(position::get)).toList();
            return new Grouping.Group(index, kind, g.anchor, members, inl, new ArrayList<>(reads.keySet()), outs, reads);
        }

        /** What reading {@code i} costs a group: its buffer, or (for a recomputed node) what that reads. */
        private void collectReads(Node i, G g, Set<Node> inlined, Map<Node, Dim> reads, Dim gathered) {
            if (g.members.contains(i)) return;
            if (groupOf.containsKey(i) || i.op() == Op.INPUT || i.op() == Op.STATE || i.op() == Op.WEIGHT) {
                Dim bytes = gathered != null ? gathered : i.type().bytes();
                reads.merge(i, bytes, (a, b) -> a.equals(i.type().bytes()) || b.equals(i.type().bytes()) ? i.type().bytes() : a.plus(b));
                return;
            }
            if (parameterOnly(i) && i.op() != Op.WEIGHT) {
                if (i.op() != Op.CONSTANT || i.type().rank() > 0) inlined.add(i);
                for (Node j : i.inputs()) collectReads(j, g, inlined, reads, null);
            }
        }

        private static Dim count(Node n) { return n.type().count(); }
    }
}
