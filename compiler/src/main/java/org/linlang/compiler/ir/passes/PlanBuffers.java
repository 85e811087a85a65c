package org.linlang.compiler.ir.passes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.linlang.compiler.ir.BufferPlan;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.Pass;
import org.linlang.compiler.ir.Sizes;
import org.linlang.compiler.types.Dim;

/**
 * Pass 5: places every value a kernel writes in an arena (docs/graph-ir.md, "Buffers").
 * <ol>
 *   <li>Lifetimes: a value lives from the kernel that writes it to the last kernel that reads
 *       it; outputs of the graph live to the end. A view (reshape) shares its input's buffer.</li>
 *   <li>In place: a kernel writes a result over one of its inputs when that input dies with the
 *       kernel, has the same size, and every member of the kernel reading it is elementwise on
 *       it and not part of a matmul's or recurrence's prologue (each element is read before the
 *       same element is written). In {@code step}, a
 *       recurrence writes each new state over the state it read.</li>
 *   <li>Reuse: otherwise the result takes a free slot it fits in for every B and T (equal size
 *       preferred, then the first that fits), or a new slot; a slot is freed after the last
 *       reader of its value.</li>
 * </ol>
 */
public final class PlanBuffers implements Pass {
    @Override public String name() { return "plan-buffers"; }

    @Override public Graph run(Graph g) {
        Grouping gr = g.grouping();
        if (gr == null) throw new IrException("plan-buffers runs after group-fusible");
        List<Grouping.Group> schedule = gr.groups();
        var outputs = g.outputNodes();
        Map<Node, Node> base = new IdentityHashMap<>();
        Map<Node, Integer> lastUse = new IdentityHashMap<>();
        Map<Node, Integer> def = new IdentityHashMap<>();
        for (Grouping.Group k : schedule) {
            if (k.kind() == Grouping.Kind.VIEW) {
                Node from = k.inputs().isEmpty() ? null : baseOf(base, k.inputs().getFirst());
                for (Node o : k.members()) if (from != null) base.put(o, from);
            } else {
                for (Node o : k.outputs()) def.put(o, k.index());
            }
            for (Node i : k.inputs()) lastUse.merge(baseOf(base, i), k.index(), Math::max);
        }
        for (Node o : outputs) lastUse.put(baseOf(base, o), Integer.MAX_VALUE);

        List<BufferPlan.Buffer> buffers = new ArrayList<>();
        List<BufferPlan.Slot> slots = new ArrayList<>();
        Map<Node, BufferPlan.Buffer> byNode = new IdentityHashMap<>();
        Map<Integer, Node> owner = new HashMap<>();
        Set<Integer> free = new TreeSet<>();
        for (Grouping.Group k : schedule) {
            if (k.kind() == Grouping.Kind.VIEW) continue;
            Set<Node> taken = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Node o : k.outputs()) {
                Dim bytes = o.type().bytes();
                int last = lastUse.getOrDefault(o, k.index());
                Node state = stateInPlace(o, g);
                if (state != null) {
                    var b = new BufferPlan.Buffer(o, bytes, -1, k.index(), last, state);
                    buffers.add(b);
                    byNode.put(o, b);
                    continue;
                }
                Node over = inPlace(k, o, base, lastUse, byNode, owner, taken);
                int slot;
                if (over != null) {
                    taken.add(over);
                    slot = byNode.get(over).slot();
                } else {
                    slot = -1;
                    for (int s : free) if (slots.get(s).bytes().equals(bytes)) { slot = s; break; }
                    if (slot < 0) for (int s : free) if (Sizes.fits(slots.get(s).bytes(), bytes)) { slot = s; break; }
                    if (slot < 0) {
                        slot = slots.size();
                        slots.add(new BufferPlan.Slot(slot, bytes));
                    } else {
                        free.remove(slot);
                    }
                }
                owner.put(slot, o);
                var b = new BufferPlan.Buffer(o, bytes, slot, k.index(), last, over);
                buffers.add(b);
                byNode.put(o, b);
            }
            for (BufferPlan.Buffer b : buffers) {
                if (b.slot() >= 0 && b.lastUse() == k.index() && owner.get(b.slot()) == b.value()) {
                    free.add(b.slot());
                    owner.remove(b.slot());
                }
            }
        }
        Dim weights = Dim.of(0);
        int count = 0;
        for (Node n : g.nodes()) {
            if (n.op() == Op.WEIGHT) {
                weights = weights.plus(n.type().bytes());
                count++;
            }
        }
        return g.withPlan(new BufferPlan(buffers, slots, weights, count));
    }

    private static Node baseOf(Map<Node, Node> base, Node n) { return base.getOrDefault(n, n); }

    /** In step, the state input a recurrence's new state may overwrite (the recurrence is its only reader). */
    private static Node stateInPlace(Node o, Graph g) {
        if (o.op() != Op.STATE_OUT) return null;
        Node rec = o.input(0);
        var rc = rec.recurrence();
        if (rc.stateInputs() == 0) return null;
        Node s = rec.input(rc.stepInputs() + rc.stateNames().indexOf((String) o.attr("state")));
        if (s.op() != Op.STATE) return null;
        for (Node n : g.nodes()) if (n != rec && n.inputs().contains(s)) return null;
        return s;
    }

    /**
     * The members of a matmul or recurrence kernel that its anchor reads (its prologue), or null
     * for other kernels. A prologue may not overwrite what it reads: one element of the anchor's
     * result can depend on many elements of its operands. The epilogue runs element by element
     * after the anchor, and may.
     */
    private static Set<Node> prologue(Grouping.Group k) {
        if (k.kind() != Grouping.Kind.MATMUL && k.kind() != Grouping.Kind.RECURRENCE) return null;
        Set<Node> members = Collections.newSetFromMap(new IdentityHashMap<>());
        members.addAll(k.members());
        Set<Node> before = Collections.newSetFromMap(new IdentityHashMap<>());
        var stack = new ArrayList<Node>(k.anchor().inputs());
        while (!stack.isEmpty()) {
            Node n = stack.removeLast();
            if (members.contains(n) && before.add(n)) stack.addAll(n.inputs());
        }
        return before;
    }

    /** An input buffer this kernel may overwrite with {@code o}, or null. */
    private static Node inPlace(Grouping.Group k, Node o, Map<Node, Node> base, Map<Node, Integer> lastUse,
                                Map<Node, BufferPlan.Buffer> byNode, Map<Integer, Node> owner, Set<Node> taken) {
        for (Node i : k.inputs()) {
            Node b = baseOf(base, i);
            BufferPlan.Buffer buf = byNode.get(b);
            if (buf == null || buf.slot() < 0 || taken.contains(b)) continue;
            if (lastUse.getOrDefault(b, -1) != k.index() || owner.get(buf.slot()) != b) continue;
            if (!buf.bytes().equals(o.type().bytes())) continue;
            Set<Node> prologue = prologue(k);
            boolean elementwise = true;
            for (Node m : k.members()) {
                if (!m.inputs().contains(i)) continue;
                if (m.op().kind != Op.Kind.ELEMENTWISE || !m.type().count().equals(i.type().count())) elementwise = false;
                if (prologue != null && prologue.contains(m)) elementwise = false;
            }
            if (elementwise) return b;
        }
        return null;
    }
}
