package org.linlang.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.ir.RecurrenceCall.Algorithm;
import org.linlang.compiler.recurrence.RecurrenceForm;

/**
 * The whole middle end on examples/tiny_hybrid.lin at layers = 4, for {@code forward} and
 * {@code step}: the verifier between every pass, the kernel graph against a golden file (so no
 * refactoring changes the kernels silently), and the properties each entry must have.
 */
class TinyHybridPipelineTest {
    private static KernelGraph build(String entry) {
        return KernelGraph.build(IrFixtures.tinyHybrid(), entry, Map.of("layers", 4L, "B", 1L, "T", 2048L), true);
    }

    @Test
    void forward() {
        KernelGraph k = build("TinyHybrid");
        IrFixtures.golden(IrFixtures.resources().resolve("tiny_hybrid_forward.kernels"), k.print());
        Graph g = k.graph();
        assertEquals(6, k.trace().size(), "before, and after each of the five passes");
        for (Node r : g.nodesOf(Op.RECURRENCE)) {
            assertEquals(RecurrenceForm.Kind.DELTA, r.recurrence().form().kind());
            assertEquals(Algorithm.CHUNKED, r.recurrence().algorithm());
        }
        assertEquals(List.of(), k.unsupported());
        assertEquals("f32[B, T, 4096]", g.outputs().getFirst().node().type().toString());
        // The residual stream stays in one slot: every residual add writes over the stream it reads.
        long inPlace = g.plan().buffers().stream().filter(BufferPlan.Buffer::inPlace).count();
        assertTrue(inPlace >= 8, "in place: " + inPlace);
        assertTrue(g.plan().peakLiveBytes(g.sizes()) <= Sizes.eval(g.plan().arenaBytes(), g.sizes()));
    }

    @Test
    void step() {
        KernelGraph k = build("TinyHybrid.step");
        IrFixtures.golden(IrFixtures.resources().resolve("tiny_hybrid_step.kernels"), k.print());
        Graph g = k.graph();
        for (Node r : g.nodesOf(Op.RECURRENCE)) {
            assertEquals(Algorithm.SEQUENTIAL, r.recurrence().algorithm());
            assertEquals(1, r.recurrence().stateInputs());
        }
        // Each new state is written over the state read.
        for (Node s : g.nodesOf(Op.STATE_OUT)) {
            BufferPlan.Buffer b = g.plan().bufferOf(s);
            assertEquals(-1, b.slot());
            assertEquals(Op.STATE, b.inPlaceOf().op());
        }
        var reasons = new java.util.TreeMap<String, Long>();
        for (Node n : k.unsupported()) {
            String why = (String) n.attr("reason");
            reasons.merge(n.attr("of") + ": " + why.substring(0, why.indexOf(':')), 1L, Long::sum);
        }
        assertEquals(Map.of("shift: needs a conv cache", 27L, "causal_mask: needs a KV cache", 1L, "softmax: needs a KV cache", 1L,
                "matmul: needs a KV cache", 2L, "slice: needs a KV cache", 1L), reasons,
                "3 shifts for each of q, k, v in 3 layers; QKᵀ, mask (and its bottom-right rows), softmax, PV in 1");
    }

    @Test
    void dot() {
        KernelGraph k = build("TinyHybrid");
        String dot = k.dot();
        assertTrue(dot.startsWith("digraph \"TinyHybrid(layers=4).forward\" {"), dot.substring(0, 60));
        assertEquals(k.graph().grouping().groups().size(), dot.split("subgraph cluster_", -1).length - 1);
        assertTrue(dot.contains("label=\"k9 recurrence(gated_delta_rule, chunked)\""), "the recurrence kernel is a labelled cluster");
        assertTrue(dot.contains("weight mixers.0.q_proj.weight\\nf32[128, 256]"));
    }
}
