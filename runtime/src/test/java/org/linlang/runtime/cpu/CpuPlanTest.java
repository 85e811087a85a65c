package org.linlang.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.source.Source;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Elementwise;
import org.linlang.runtime.tensor.Shapes;
import org.linlang.runtime.tensor.Tensor;

/** Plans on the cpu engine: fused and unfused plans agree, step plans chain like prefill, and refusals are one sentence. */
class CpuPlanTest {
    @Test
    void fusedAndUnfusedPlansOfTinyHybridAgree() {
        Graph g = ModelPlans.tinyHybrid(Map.of("layers", 4L, "d", 64L, "vocab", 300L));
        Map<String, Tensor> w = ModelPlans.randomWeights(g);
        long[] ids = new long[2 * 45];
        for (int i = 0; i < ids.length; i++) ids[i] = (i * 37L) % 300;
        Map<String, Tensor> in = Map.of("ids", Creation.of(ids, 2, 45));
        CpuPlan fused = CpuPlan.of(g), plain = CpuPlan.of(g, false);
        assertTrue(fused.fusedGroupCount() >= 8, "fused groups: " + fused.fusedGroupCount());
        assertEquals(0, plain.fusedGroupCount());
        Agreement.assertClose("TinyHybrid fused vs unfused", plain.run(in, w::get).get("out"), fused.run(in, w::get).get("out"));
    }

    private static CheckResult ops() {
        CheckResult c = Frontend.check(new Source("<test>", "import std.ops.{gated_delta_rule}\n"));
        assertTrue(c.ok());
        return c;
    }

    @Test
    void stepPlansChainedGiveThePrefillOutputs() {
        int b = 2, t = 5, h = 3, k = 8, v = 4;
        Map<String, Long> dims = Map.of("K", (long) k, "V", (long) v);
        CpuPlan forward = CpuPlan.of(KernelGraph.build(ops().program(), "gated_delta_rule", dims).graph());
        CpuPlan step = CpuPlan.of(KernelGraph.build(ops().program(), "gated_delta_rule.step", dims).graph());
        assertEquals(1, step.stateNames().size());
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", Creation.randn(new long[] {b, t, h, k}, 1));
        in.put("k", Elementwise.mul(Creation.randn(new long[] {b, t, h, k}, 2), Creation.scalar(0.3)));
        in.put("v", Creation.randn(new long[] {b, t, h, v}, 3));
        in.put("g", Elementwise.mul(Creation.rand(new long[] {b, t, h}, 4), Creation.scalar(-0.5)));
        in.put("beta", Creation.rand(new long[] {b, t, h}, 5));
        Tensor whole = forward.run(in, n -> null).get("out");
        Tensor state = Creation.zeros(b, h, k, v);
        List<Tensor> outs = new java.util.ArrayList<>();
        for (int i = 0; i < t; i++) {
            Map<String, Tensor> one = new LinkedHashMap<>();
            for (var e : in.entrySet()) one.put(e.getKey(), e.getValue().slice(1, i, i + 1, 1));
            one.put(step.stateNames().getFirst(), state);
            Map<String, Tensor> r = step.run(one, n -> null);
            for (var e : r.entrySet()) {
                if (e.getKey().equals("out")) outs.add(e.getValue());
                else state = e.getValue();
            }
        }
        Agreement.assertClose("five steps vs one prefill", whole, Shapes.concat(outs, 1));
    }

    @Test
    void whatTheEngineCannotRunIsRefusedWhenThePlanIsMade() {
        Graph step = KernelGraph.build(Frontend.check(java.nio.file.Path.of("..", "examples", "tiny_hybrid.lin")).program(),
                "TinyHybrid.step", Map.of("layers", 4L)).graph();
        var e = assertThrows(CpuEngineException.class, () -> CpuPlan.of(step));
        assertTrue(e.getMessage().startsWith("the cpu engine cannot run shift in TinyHybrid(layers=4).step: needs a conv cache"), e.getMessage());
    }

    @Test
    void aShapeThatDoesNotFitThePlanIsNamed() {
        CpuPlan forward = CpuPlan.of(KernelGraph.build(ops().program(), "gated_delta_rule", Map.of("K", 8L, "V", 4L)).graph());
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", Creation.zeros(1, 3, 2, 8));
        in.put("k", Creation.zeros(1, 3, 2, 7));
        in.put("v", Creation.zeros(1, 3, 2, 4));
        in.put("g", Creation.zeros(1, 3, 2));
        in.put("beta", Creation.zeros(1, 3, 2));
        var e = assertThrows(CpuEngineException.class, () -> forward.run(in, n -> null));
        assertTrue(e.getMessage().contains("input 'k' has shape [1, 3, 2, 7]"), e.getMessage());
    }
}
