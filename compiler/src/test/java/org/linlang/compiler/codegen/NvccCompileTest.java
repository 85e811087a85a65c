package org.linlang.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every generated kernel — of tiny_hybrid's prefill and decode step, of every std op in both
 * modes, every recurrence and attention kernel variant, and the generic step kernels of the
 * recurrences the fast families do not take — compiles with {@code nvcc} for sm_80
 * and sm_90 with zero warnings ({@code -Werror all-warnings}). nvcc needs no GPU. Skipped, with a
 * message, only where nvcc is not installed.
 */
class NvccCompileTest {
    static String nvcc;

    @BeforeAll
    static void findNvcc() {
        nvcc = Nvcc.find();
        Assumptions.assumeTrue(nvcc != null, "nvcc is not installed (not on PATH, not in /usr/local/cuda/bin): the CUDA compile checks are skipped");
    }

    /** Compiles one translation unit per plan (all of its kernels) for both architectures. */
    @Test
    void everyPlanKernelCompiles(@TempDir Path dir) throws Exception {
        var failures = new ArrayList<String>();
        int kernels = 0;
        var units = new StringBuilder();
        int u = 0;
        for (Map.Entry<String, KernelPlan> e : CodegenFixtures.plans().entrySet()) {
            var sb = new StringBuilder();
            for (KernelSource k : e.getValue().kernels(Prelude.Target.CUDA)) {
                // kernel names are unique within a plan: prefix them to keep them unique in one unit
                sb.append("// ").append(e.getKey()).append(' ').append(k.role()).append('\n').append(k.body().replace("KERNEL " + k.name() + "(",
                        "KERNEL u" + u + "_" + k.name() + "(")).append('\n');
                kernels++;
            }
            units.append(sb);
            u++;
        }
        assertTrue(kernels > 100, "expected every plan's kernels, got " + kernels);
        compileBoth(dir, "plans", units.toString(), failures);
        assertEquals(List.of(), failures, String.join("\n", failures));
    }

    /** The generic step kernels (every golden it runs, with and without initial states; bf16 inputs; slots in global memory). */
    @Test
    void everyGenericStepKernelCompiles(@TempDir Path dir) throws Exception {
        var sb = new StringBuilder();
        int u = 0, generic = 0;
        Map<String, KernelPlan> plans = CodegenFixtures.genericPlans();
        for (Map.Entry<String, KernelPlan> e : plans.entrySet()) {
            for (KernelSource k : e.getValue().kernels(Prelude.Target.CUDA)) {
                if (k.role().startsWith(GenericStepKernel.ROLE)) generic++;
                sb.append("// ").append(e.getKey()).append(' ').append(k.role()).append('\n')
                        .append(k.body().replace("KERNEL " + k.name() + "(", "KERNEL g" + u + "_" + k.name() + "(")).append('\n');
            }
            u++;
        }
        assertEquals(plans.size(), generic, "one generic step kernel per plan");
        var failures = new ArrayList<String>();
        compileBoth(dir, "generic", sb.toString(), failures);
        assertEquals(List.of(), failures, String.join("\n", failures));
    }

    @Test
    void everyRecurrenceAndAttentionVariantCompiles(@TempDir Path dir) throws Exception {
        var sb = new StringBuilder();
        for (KernelSource k : CodegenFixtures.specKernels()) sb.append(k.body()).append('\n');
        var failures = new ArrayList<String>();
        compileBoth(dir, "variants", sb.toString(), failures);
        assertEquals(List.of(), failures, String.join("\n", failures));
    }

    /**
     * The tensor-core kernels (every variant, K = V = 128 and K = 32, V = 48) compile for sm_80 and
     * sm_90 with zero warnings, through the wmma path: the PTX holds the bf16 tile products.
     */
    @Test
    void tensorCoreKernelsCompileToWmma(@TempDir Path dir) throws Exception {
        var sb = new StringBuilder();
        var kernels = CodegenFixtures.tensorCoreKernels();
        for (KernelSource k : kernels) sb.append(k.body()).append('\n');
        var failures = new ArrayList<String>();
        compileBoth(dir, "tensor_cores", sb.toString(), failures);
        assertEquals(List.of(), failures, String.join("\n", failures));
        for (String arch : List.of("sm_80", "sm_90")) {
            String ptx = Files.readString(dir.resolve("tensor_cores_" + arch + ".ptx"));
            for (KernelSource k : kernels) assertTrue(ptx.contains(".entry " + k.name() + "("), arch + ": no entry " + k.name());
            long mma = ptx.lines().filter(l -> l.contains("wmma.mma.sync.aligned.row.row.m16n16k16.f32.bf16.bf16.f32")).count();
            assertTrue(mma >= kernels.size(), arch + ": " + mma + " wmma bf16 products for " + kernels.size() + " kernels");
        }
    }

    private static void compileBoth(Path dir, String name, String kernels, List<String> failures) throws IOException, InterruptedException {
        Path cu = dir.resolve(name + ".cu");
        Files.writeString(cu, Prelude.unit(Prelude.Target.CUDA, kernels), StandardCharsets.UTF_8);
        for (String arch : List.of("sm_80", "sm_90")) {
            Nvcc.Result r = Nvcc.compile(nvcc, cu, dir.resolve(name + "_" + arch + ".ptx"), arch);
            if (r.status() != 0 || !r.output().isBlank()) failures.add(name + " for " + arch + ": status " + r.status() + "\n" + r.output());
        }
    }
}
