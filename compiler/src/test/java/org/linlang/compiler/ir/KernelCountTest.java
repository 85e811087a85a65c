package org.linlang.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.types.Program;

/**
 * Kernels after fusion, counted (tinygrad's check_schedule): a change to a pass that changes how
 * many kernels a model needs must change this test too. Every definition of std.ops is counted,
 * in {@code forward} and in {@code step}; a new definition without a count fails the test.
 */
class KernelCountTest {
    /** Sizes for the dimensions std.ops leaves open. */
    private static final Map<String, Long> DIMS = Map.of("D", 64L, "K", 32L, "V", 64L, "H", 4L, "C", 128L, "W", 4L, "R", 16L, "k", 2L);

    /** forward kernels, step kernels, step markers (what step cannot derive yet). */
    private record Count(int forward, int step, int unsupported) {}

    private static final Map<String, Count> STD_OPS = new LinkedHashMap<>();

    static {
        STD_OPS.put("l2norm", new Count(1, 1, 0));
        STD_OPS.put("rmsnorm", new Count(1, 1, 0));
        STD_OPS.put("zero_centered_rmsnorm", new Count(1, 1, 0));
        STD_OPS.put("gated_rmsnorm", new Count(1, 1, 0));
        STD_OPS.put("swiglu", new Count(1, 1, 0));
        STD_OPS.put("short_conv", new Count(1, 1, 3));          // step: shifts by 1, 2, 3 need a conv cache
        STD_OPS.put("elu1", new Count(1, 1, 0));
        STD_OPS.put("feature_map", new Count(0, 0, 0));         // the default kind is the identity
        STD_OPS.put("hedgehog", new Count(2, 2, 0));            // the linear map, then concat and softmax
        STD_OPS.put("linear_attn", new Count(1, 1, 0));
        STD_OPS.put("simple_gla", new Count(1, 1, 0));
        STD_OPS.put("gla", new Count(1, 1, 0));
        STD_OPS.put("hgrn2", new Count(1, 1, 0));
        STD_OPS.put("delta_rule", new Count(1, 1, 0));
        STD_OPS.put("gated_delta_rule", new Count(1, 1, 0));
        // QKᵀ, masked softmax, PV, and the optional gate. Keys may outnumber queries (a KV cache), so step is the same.
        STD_OPS.put("softmax_attn", new Count(4, 4, 0));
        STD_OPS.put("without_sink", new Count(3, 3, 0));       // concat of the sink column, softmax, split
        // rope is one kernel in principle; today slices and concat (gathers) end fusion groups: 8.
        STD_OPS.put("rope", new Count(8, 8, 0));
        STD_OPS.put("partial_rope", new Count(11, 11, 0));
        STD_OPS.put("top_k_mask", new Count(1, 1, 0));
        STD_OPS.put("moe_routing", new Count(1, 1, 0));
    }

    static void expectKernels(KernelGraph k, int expected, String what) {
        int got = k.kernelCount();
        if (got != expected) fail(what + ": expecting " + expected + " kernels, got " + got + "\n" + k.print());
    }

    @Test
    void everyStdOpsDefinition() {
        Program p = IrFixtures.check("import std.ops.*\n");
        Module ops = p.modules().stream().filter(m -> m.source().path().equals("std/ops.lin")).findFirst().orElseThrow();
        for (Decl d : ops.decls()) {
            String name = d.name().name();
            Count c = STD_OPS.get(name);
            if (c == null) fail("std.ops." + name + " has no kernel count in KernelCountTest: add one");
            expectKernels(KernelGraph.build(p, name, DIMS), c.forward(), name);
            KernelGraph step = KernelGraph.build(p, name + ".step", DIMS);
            expectKernels(step, c.step(), name + ".step");
            assertEquals(c.unsupported(), step.unsupported().size(), name + ".step markers\n" + step.print());
        }
    }

    @Test
    void stdNnBlocks() {
        Program p = IrFixtures.check("import std.nn.*\n");
        expectKernels(KernelGraph.build(p, "Linear", Map.of("in_features", 64L, "out_features", 32L)), 1, "Linear");
        expectKernels(KernelGraph.build(p, "LinearBias", Map.of("in_features", 64L, "out_features", 32L)), 1, "LinearBias: bias is the epilogue");
        expectKernels(KernelGraph.build(p, "RMSNorm", Map.of("d", 64L)), 1, "RMSNorm");
        // The conv cache: concat of cache and input, the convolution, the newest inputs as the new cache.
        expectKernels(KernelGraph.build(p, "ShortConv", Map.of("channels", 64L, "kernel", 4L)), 4, "ShortConv with its conv cache");
        expectKernels(KernelGraph.build(p, "SwiGLU", Map.of("d", 64L, "hidden", 256L)), 3, "SwiGLU: gate, up with silu(gate) * up, down");
    }

    @Test
    void tinyHybrid() {
        Program p = IrFixtures.tinyHybrid();
        // Per Gated DeltaNet layer 12 (norm, 6 projections, conv + l2norm of q and of k, the recurrence with v's conv,
        // the gated norm, o_proj + residual), per attention layer 9 (norm, q, k, v, QKᵀ, masked softmax, PV,
        // g with o * sigmoid(g), o_proj + residual), per MLP 4 (norm, gate, up with silu(gate) * up, down +
        // residual); the embedding 1; the final norm (with the last residual) and the head 2.
        KernelGraph forward = KernelGraph.build(p, "TinyHybrid", Map.of("layers", 4L));
        expectKernels(forward, 3 * (12 + 4) + (9 + 4) + 3, "TinyHybrid(layers=4).forward");
        assertEquals(Map.of(Grouping.Kind.MATMUL, 41, Grouping.Kind.ROWWISE, 19, Grouping.Kind.RECURRENCE, 3, Grouping.Kind.ELEMENTWISE, 1),
                forward.graph().grouping().census());
        KernelGraph step = KernelGraph.build(p, "TinyHybrid.step", Map.of("layers", 4L));
        expectKernels(step, 62, "TinyHybrid(layers=4).step");
        assertEquals(32, step.unsupported().size());
        expectKernels(KernelGraph.build(p, "TinyHybrid", Map.of("layers", 8L)), 6 * (12 + 4) + 2 * (9 + 4) + 3, "TinyHybrid(layers=8).forward");
    }
}
