package org.linlang.runtime.gpu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.linlang.compiler.codegen.GroupKernels;
import org.linlang.compiler.codegen.KernelParam;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.Step;
import org.linlang.compiler.ir.BufferPlan;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.Sizes;
import org.linlang.compiler.types.Dim;

/**
 * Where each value a device plan's steps write lives: the middle end's buffer plan (PlanBuffers:
 * a value lives from the step that writes it to the last step that reads it, a view shares its
 * input's buffer, a value takes a free slot of equal size, else one it fits for every B and T,
 * else a new one) applied to the device's steps rather than to the groups. The steps are finer
 * than the groups: a group may run several kernels, and the values between them (a GEMM's result
 * before its epilogue, a materialised recurrence input) need buffers the group-level plan does not
 * place, while a group-level in-place write (a result over an input that dies in its group) is
 * safe only inside one kernel. So lifetimes are taken per step, and no value is written over
 * another, except a recurrence's new state over the state it read, as the buffer plan says
 * ({@code S'} in place of {@code S}: the kernels read each state column before they write it).
 *
 * <p>Three kinds of value get no slot: the graph's inputs, weights and states (the caller's
 * buffers); the values under the graph's state outputs ({@code S'}, which outlive the call as a
 * session's state), which take a buffer of their own from the device's memory each call; and the
 * recurrences' new states written in place.
 */
final class StepSlots {
    /** The value whose buffer each view (a view group's member) shares. */
    private final Map<Node, Node> base = new IdentityHashMap<>();
    private final Map<Node, Integer> slotOf = new IdentityHashMap<>();
    private final List<List<Node>> members = new ArrayList<>();
    /** In the order of the graph's outputs, which is the order a session gives the old states back in. */
    private final List<Node> ownBuffer = new ArrayList<>();
    /** A state output written over the state it reads: state_out -> state. */
    private final Map<Node, Node> inPlace = new IdentityHashMap<>();
    private final Set<Node> sources = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    StepSlots(KernelPlan plan, Prelude.Target target) {
        Graph g = plan.graph();
        for (Node n : g.nodes()) if (n.op() == Op.INPUT || n.op() == Op.WEIGHT || n.op() == Op.STATE) sources.add(n);
        BufferPlan bp = g.plan();
        // the steps in order, each with the values it reads and writes (views resolved to what they share)
        List<Set<Node>> reads = new ArrayList<>(), writes = new ArrayList<>();
        for (GroupKernels gk : plan.groups()) {
            if (gk.fusedInto() != null) continue;
            Grouping.Group grp = gk.group();
            if (grp.kind() == Grouping.Kind.VIEW) {
                for (Node m : grp.members()) base.put(m, root(m.input(0)));
                continue;
            }
            for (Step s : gk.steps(target)) {
                Set<Node> r = new LinkedHashSet<>(), w = new LinkedHashSet<>();
                if (s instanceof Step.Gemm gm) {
                    r.add(root(gm.a()));
                    r.add(root(gm.b()));
                    w.add(root(gm.out()));
                } else {
                    for (KernelParam p : ((Step.Launch) s).kernel().params()) {
                        if (p.size() || p.node() == null) continue;
                        (p.written() ? w : r).add(root(p.node()));
                    }
                }
                reads.add(r);
                writes.add(w);
            }
        }
        for (Graph.Output o : g.outputs()) {
            Node n = o.node(), r = root(n);
            if (!o.name().endsWith("'")) continue;
            BufferPlan.Buffer b = bp == null ? null : bp.bufferOf(n);
            if (n == r && n.op() == Op.STATE_OUT && b != null && b.inPlaceOf() != null && b.inPlaceOf().op() == Op.STATE
                    && b.inPlaceOf().type().equals(n.type())) {
                inPlace.put(n, b.inPlaceOf());
            } else if (!given(r) && !ownBuffer.contains(r)) {
                ownBuffer.add(r);
            }
        }
        Map<Node, Integer> last = new IdentityHashMap<>();
        for (int i = 0; i < reads.size(); i++) for (Node n : reads.get(i)) last.put(n, i);
        for (Graph.Output o : g.outputs()) last.put(root(o.node()), Integer.MAX_VALUE);
        List<Dim> slotBytes = new ArrayList<>();
        Map<Integer, Node> owner = new java.util.HashMap<>();
        Set<Integer> free = new TreeSet<>();
        for (int i = 0; i < writes.size(); i++) {
            for (Node n : writes.get(i)) {
                if (slotOf.containsKey(n) || given(n) || ownBuffer.contains(n) || inPlace.containsKey(n)) continue;
                Dim bytes = n.type().bytes();
                int slot = -1;
                for (int s : free) if (slotBytes.get(s).equals(bytes)) { slot = s; break; }
                if (slot < 0) for (int s : free) if (Sizes.fits(slotBytes.get(s), bytes)) { slot = s; break; }
                if (slot < 0 && !free.isEmpty()) slot = free.iterator().next(); // grown at run time when too small
                if (slot < 0) {
                    slot = slotBytes.size();
                    slotBytes.add(bytes);
                    members.add(new ArrayList<>());
                } else {
                    free.remove(slot);
                }
                slotOf.put(n, slot);
                members.get(slot).add(n);
                owner.put(slot, n);
            }
            // a slot is free after the step that reads its value last (a value nothing reads dies where it is written)
            for (var e : new ArrayList<>(owner.entrySet())) {
                if (last.getOrDefault(e.getValue(), i) <= i) {
                    free.add(e.getKey());
                    owner.remove(e.getKey());
                }
            }
        }
    }

    /** What a value's buffer is: itself, or the value a view of it shares. */
    Node root(Node n) { return base.getOrDefault(n, n); }

    /**
     * The caller gives these buffers: the graph's inputs, weights and states. A node a kernel made
     * for itself (the generic step kernel's global scratch) is not one of them, whatever its op.
     */
    boolean given(Node n) { return sources.contains(n); }

    /** The workspace slot of a value, or -1 when it has none. */
    int slot(Node n) {
        Integer s = slotOf.get(n);
        return s == null ? -1 : s;
    }

    int slotCount() { return members.size(); }

    /** How many values the slots hold in all (each would have had a buffer of its own without reuse). */
    int valueCount() { return slotOf.size(); }

    /** The values a slot holds in turn (its size is the largest of theirs at the call's sizes). */
    List<Node> members(int slot) { return members.get(slot); }

    /** The values that take a buffer of their own each call (they are under a state output). */
    List<Node> ownBuffers() { return ownBuffer; }

    /** The state outputs written over the state they read: state_out -> state. */
    Map<Node, Node> inPlace() { return inPlace; }

    /** The values placed in workspace slots. */
    Set<Node> slotted() { return slotOf.keySet(); }
}
