package org.linlang.runtime.cpu;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Elementwise;
import org.linlang.runtime.tensor.Tensor;

/** Graphs of the example models with random weights, for the cpu engine's tests and profiles. */
public final class ModelPlans {
    private ModelPlans() {}

    public static Graph tinyHybrid(Map<String, Long> args) {
        CheckResult checked = Frontend.check(Path.of("..", "examples", "tiny_hybrid.lin"));
        if (!checked.ok()) throw new IllegalStateException(checked.diagnostics().toString());
        return KernelGraph.build(checked.program(), "TinyHybrid", args).graph();
    }

    /** 0.02 · randn for each weight (norm weights near 1), seeded by name. */
    public static Map<String, Tensor> randomWeights(Graph g) {
        Map<String, Tensor> w = new HashMap<>();
        for (Node n : g.nodesOf(Op.WEIGHT)) {
            long[] shape = n.type().dims().stream().mapToLong(d -> d.constant()).toArray();
            Tensor r = Elementwise.mul(Creation.randn(shape, n.name().hashCode()), Creation.scalar(0.02));
            if (n.name().endsWith("norm.weight") || n.name().contains("norms.")) r = Elementwise.add(r, Creation.scalar(1));
            w.put(n.name(), r);
        }
        return w;
    }

    /** Profile: java … ModelPlans T [FILE MODEL] — where a prefill's time goes, by kernel kind (T = 1: a step with empty states). */
    public static void main(String[] a) {
        long t = a.length > 0 ? Long.parseLong(a[0]) : 512;
        Graph g = a.length > 2 ? KernelGraph.build(Frontend.check(Path.of(a[1])).program(), a[2], Map.of()).graph()
                : tinyHybrid(Map.of("layers", 4L));
        Map<String, Tensor> w = randomWeights(g);
        long[] ids = new long[(int) t];
        for (int i = 0; i < t; i++) ids[i] = (i * 7919L) % 4096;
        Map<String, Tensor> in = Map.of("ids", Creation.of(ids, 1, t));
        CpuPlan plan = CpuPlan.of(g);
        for (int i = 0; i < (t == 1 ? 300 : 5); i++) plan.run(in, w::get);
        Map<String, Double> s = new java.util.TreeMap<>();
        long t0 = System.nanoTime();
        int reps = t == 1 ? 50 : 5;
        for (int i = 0; i < reps; i++) plan.run(in, w::get, s);
        System.out.printf("total %.4f s per call%n", (System.nanoTime() - t0) / 1e9 / reps);
        s.forEach((k, v) -> System.out.printf("%-50s %.4f%n", k, v / reps));
    }
}
