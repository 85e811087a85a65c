package org.linlang.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.types.Program;

/** Which attentions the device plans compute with one flash kernel, and which they leave as three kernels. */
class AttentionPatternTest {

    private static long flash(KernelPlan p) {
        return p.kernels(Prelude.Target.OPENCL).stream().filter(k -> k.role().startsWith("flash attention")).count();
    }

    private static long fused(KernelPlan p) { return p.groups().stream().filter(g -> g.fusedInto() != null).count(); }

    @Test
    void softmaxAttentionIsOneFlashKernel() {
        Program attn = CodegenFixtures.attentionVariants();
        // scores + mask in the QKᵀ group, softmax with the sink column in its own: both fused into P·V's group
        KernelPlan gqa = KernelPlan.of(KernelGraph.build(attn, "attn_gqa_window", CodegenFixtures.DIMS).graph());
        assertEquals(1, flash(gqa), gqa.describe(Prelude.Target.OPENCL));
        assertEquals(2, fused(gqa), gqa.describe(Prelude.Target.OPENCL));
        String role = gqa.kernels(Prelude.Target.CUDA).stream().filter(k -> k.role().startsWith("flash")).findFirst().orElseThrow().role();
        assertEquals("flash attention, window 5, sinks", role);
        assertTrue(gqa.describe(Prelude.Target.CUDA).contains("in the flash attention of"), gqa.describe(Prelude.Target.CUDA));
        for (String n : List.of("attn_plain", "attn_bf16")) {
            KernelPlan p = KernelPlan.of(KernelGraph.build(attn, n, CodegenFixtures.DIMS).graph());
            assertEquals(1, flash(p), p.describe(Prelude.Target.OPENCL));
        }
    }

    @Test
    void aKnownSmallTTakesTheDecodeForm() {
        Program attn = CodegenFixtures.attentionVariants();
        for (String n : List.of("attn_decode", "attn_decode_wide")) {
            KernelPlan p = KernelPlan.of(KernelGraph.build(attn, n, CodegenFixtures.DIMS).graph());
            KernelSource k = p.kernels(Prelude.Target.CUDA).stream().filter(s -> s.role().startsWith("flash")).findFirst().orElseThrow();
            assertTrue(k.role().startsWith("flash attention decode"), p.describe(Prelude.Target.CUDA));
            assertTrue(k.launch().sharedBytes() <= LaunchConfig.MAX_STATIC_SHARED, k.role());
        }
    }

    @Test
    void tinyHybridsAttentionLayerIsFused() {
        KernelPlan p = KernelPlan.of(KernelGraph.build(CodegenFixtures.tinyHybrid(), "TinyHybrid", Map.of("layers", 4L)).graph());
        assertEquals(1, flash(p), p.describe(Prelude.Target.OPENCL));
        assertEquals(2, fused(p), p.describe(Prelude.Target.OPENCL));
    }

    @Test
    void scoresReadElsewhereStayThreeKernels() {
        Program p = CodegenFixtures.check("attn_scores_out.lin", """
                fn attn_and_probs(q: [B, H, T, 16], k: [B, H, T, 16], v: [B, H, T, 8]) -> ([B, H, T, 8], [B, H, T, T]) {
                    let w = softmax(where(causal_mask(T), (q @ transpose(k)) * 0.25, -1e30), axis = -1)
                    return (w @ v, w)
                }
                fn not_causal_slice(q: [B, H, T, 16], k: [B, H, T, 16], v: [B, H, T, 8], m: bool[T, T]) -> [B, H, T, 8] {
                    return softmax(where(m, q @ transpose(k), -1e30), axis = -1) @ v
                }
                fn one_mask_row(q: [B, H, T, 16], k: [B, H, S, 16], v: [B, H, S, 8]) -> [B, H, T, 8] {
                    let (_, row) = split(causal_mask(S), [S - 1, 1], axis = 0)
                    return softmax(where(row, q @ transpose(k), -1e30), axis = -1) @ v
                }
                """, CodegenFixtures.root());
        for (String n : List.of("attn_and_probs", "not_causal_slice", "one_mask_row")) {
            KernelPlan plan = KernelPlan.of(KernelGraph.build(p, n, Map.of()).graph());
            assertEquals(0, flash(plan), plan.describe(Prelude.Target.OPENCL));
        }
    }
}
