package org.linlang.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.codegen.RecurrenceSpec.Gate;
import org.linlang.compiler.types.DType;

/**
 * Which chunked kernel a plan takes: the CUDA step list the tensor-core form for bf16 inputs with
 * K and V multiples of 16, the portable form otherwise; the portable (OpenCL) step list always the
 * portable form. Ineligible specs are refused with their reason.
 */
class TensorCoreSelectionTest {
    @Test
    void bf16DeltaPlanTakesTensorCoresOnCudaOnly() {
        KernelPlan plan = CodegenFixtures.plans().get("gdr_bf16");
        List<String> cuda = plan.kernels(Prelude.Target.CUDA).stream().map(KernelSource::role).toList();
        List<String> portable = plan.kernels(Prelude.Target.OPENCL).stream().map(KernelSource::role).toList();
        assertEquals(1, cuda.stream().filter(r -> r.startsWith(TensorCoreRecurrence.FORM + " delta_head_k32_v64")).count(), cuda.toString());
        assertTrue(cuda.stream().noneMatch(r -> r.startsWith("chunked delta")), cuda.toString());
        assertTrue(portable.stream().noneMatch(r -> r.contains("tensor cores")), portable.toString());
        assertTrue(portable.stream().anyMatch(r -> r.startsWith("chunked delta_head_k32_v64")), portable.toString());
        assertTrue(plan.describe(Prelude.Target.CUDA).contains("chunked, tensor cores (wmma bf16)"), plan.describe(Prelude.Target.CUDA));
    }

    @Test
    void bf16AttentionTakesTheTensorCoreFlashKernelOnCudaOnly() {
        KernelPlan plan = CodegenFixtures.plans().get("attn_bf16");
        List<String> cuda = plan.kernels(Prelude.Target.CUDA).stream().map(KernelSource::role).toList();
        List<String> portable = plan.kernels(Prelude.Target.OPENCL).stream().map(KernelSource::role).toList();
        assertTrue(cuda.stream().anyMatch(r -> r.startsWith(FlashAttentionTensorCores.FORM)), cuda.toString());
        assertTrue(portable.stream().noneMatch(r -> r.contains("tensor cores")), portable.toString());
        for (String f32 : List.of("attn_plain", "attn_gqa_window", "attn_decode")) {
            assertTrue(CodegenFixtures.plans().get(f32).kernels(Prelude.Target.CUDA).stream().noneMatch(k -> k.role().contains("tensor cores")), f32);
        }
    }

    @Test
    void f32PlansKeepThePortableForm() {
        for (String op : List.of("gated_delta_rule.forward", "simple_gla.forward", "gla.forward")) {
            KernelPlan plan = CodegenFixtures.plans().get(op);
            assertTrue(plan.kernels(Prelude.Target.CUDA).stream().noneMatch(k -> k.role().contains("tensor cores")), op);
        }
    }

    @Test
    void ineligibleSpecsAreRefusedWithTheirReason() {
        assertNull(TensorCoreRecurrence.refusal(spec(true, Gate.HEAD, 128, 128, DType.BF16)));
        assertNull(TensorCoreRecurrence.refusal(spec(false, Gate.NONE, 16, 16, DType.BF16)));
        assertTrue(TensorCoreRecurrence.refusal(spec(false, Gate.CHANNEL, 64, 64, DType.BF16)).contains("per-channel gate"));
        assertTrue(TensorCoreRecurrence.refusal(spec(true, Gate.HEAD, 64, 64, DType.F32)).contains("takes bf16"));
        assertTrue(TensorCoreRecurrence.refusal(spec(true, Gate.HEAD, 24, 64, DType.BF16)).contains("multiples of 16"));
        assertTrue(TensorCoreRecurrence.refusal(spec(true, Gate.HEAD, 256, 64, DType.BF16)).contains("static shared memory"));
        var e = assertThrows(CodegenException.class, () -> TensorCoreRecurrence.chunked("k", spec(true, Gate.HEAD, 24, 64, DType.BF16), null));
        assertTrue(e.getMessage().contains("no tensor-core form for delta_head_k24_v64"), e.getMessage());
    }

    @Test
    void valueTilesAndSharedMemory() {
        // K = 128: tiles of 16 value columns (P, O and S in f32 fill most of the 48 KiB); K = 32: tiles of 32
        assertEquals(16, TensorCoreRecurrence.valueTile(spec(true, Gate.HEAD, 128, 128, DType.BF16)));
        assertEquals(32, TensorCoreRecurrence.valueTile(spec(true, Gate.HEAD, 32, 64, DType.BF16)));
        assertEquals(16, TensorCoreRecurrence.valueTile(spec(true, Gate.HEAD, 32, 48, DType.BF16)));
        for (int k : new int[] {16, 32, 48, 64, 128, 192}) {
            KernelSource ks = TensorCoreRecurrence.chunked("k", spec(true, Gate.HEAD, k, 64, DType.BF16), null);
            assertTrue(ks.launch().sharedBytes() <= LaunchConfig.MAX_STATIC_SHARED - 1024, k + ": " + ks.launch().sharedBytes());
            assertEquals(TensorCoreRecurrence.LOCAL, ks.launch().local());
        }
    }

    private static RecurrenceSpec spec(boolean delta, Gate g, int k, int v, DType in) {
        return new RecurrenceSpec(delta, g, k, v, 0.1, in, DType.F32, DType.F32, false, false);
    }
}
