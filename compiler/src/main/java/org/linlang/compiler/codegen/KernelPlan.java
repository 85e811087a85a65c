package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping.Group;

/**
 * The device program of a planned graph: for each group of its {@link org.linlang.compiler.ir.Grouping},
 * in schedule order, the steps that compute it ({@link GroupKernels}). Built by {@link #of}.
 *
 * <pre>
 *   KernelPlan plan = KernelPlan.of(KernelGraph.build(program, "TinyHybrid", args).graph());
 *   for (KernelSource k : plan.kernels(Prelude.Target.CUDA)) nvrtc(k.unit(Prelude.Target.CUDA));
 * </pre>
 */
public record KernelPlan(Graph graph, List<GroupKernels> groups) {
    public KernelPlan {
        groups = List.copyOf(groups);
    }

    /**
     * Kernels for every group (an attention's scores, softmax and product with V as one flash
     * kernel: {@link AttentionPattern}); a group no GPU kernel covers fails with a {@link CodegenException} naming it. */
    public static KernelPlan of(Graph graph) {
        if (graph.grouping() == null) throw new IllegalArgumentException("the graph is not grouped into kernels yet");
        var attentionOf = new IdentityHashMap<Group, AttentionPattern>();
        var fusedInto = new IdentityHashMap<Group, Group>();
        for (AttentionPattern p : AttentionPattern.find(graph)) {
            attentionOf.put(p.home(), p);
            for (Group a : p.absorbed()) fusedInto.put(a, p.home());
        }
        var out = new ArrayList<GroupKernels>();
        for (Group g : graph.grouping().groups()) {
            try {
                if (fusedInto.containsKey(g)) out.add(GroupKernels.fused(g, fusedInto.get(g)));
                else if (attentionOf.containsKey(g)) out.add(GroupKernels.attention(attentionOf.get(g)));
                else out.add(GroupKernels.of(g));
            } catch (CodegenException e) {
                throw new CodegenException(g.label() + " " + g.title() + ": " + e.getMessage());
            }
        }
        return new KernelPlan(graph, out);
    }

    /** Every generated kernel for a target, in launch order. */
    public List<KernelSource> kernels(Prelude.Target target) {
        var out = new ArrayList<KernelSource>();
        for (GroupKernels g : groups) {
            for (Step s : g.steps(target)) if (s instanceof Step.Launch l) out.add(l.kernel());
        }
        return out;
    }

    /** The plan as text: one line per group and one indented line per step. */
    public String describe(Prelude.Target target) {
        var sb = new StringBuilder();
        sb.append("device plan ").append(graph.title()).append(" (").append(target.word()).append("): ")
                .append(kernels(target).size()).append(" generated kernels\n");
        for (GroupKernels g : groups) {
            if (g.fusedInto() != null) {
                sb.append(String.format("  %-4s %s: in the flash attention of %s%n", g.group().label(), g.group().title(), g.fusedInto()));
                continue;
            }
            if (g.steps(target).isEmpty()) continue;
            sb.append(String.format("  %-4s %s%n", g.group().label(), g.group().title()));
            for (Step s : g.steps(target)) {
                if (s instanceof Step.Launch l) {
                    KernelSource k = l.kernel();
                    sb.append(String.format("       launch %-28s %-44s threads %s, group %d%s%n", k.name(), k.role(), k.launch().threads(),
                            k.launch().local(), k.launch().sharedBytes() > 0 ? ", shared " + k.launch().sharedBytes() + " B" : ""));
                } else {
                    sb.append("       ").append(s).append('\n');
                }
            }
        }
        return sb.toString();
    }
}
