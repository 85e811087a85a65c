package org.linlang.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.compiler.types.DType;

/**
 * Launch-configuration limits: the chunk length shrinks until a recurrence kernel's local arrays
 * fit the static shared memory, configurations past the limits are refused with a reason, and
 * (with nvcc) ptxas confirms the shared memory each K = V = 128 kernel declares and that it stays
 * within 255 registers for sm_90. Spills are printed, not asserted: the sequential delta kernel at
 * K = 128 spills a few hundred bytes (a state column of 128 f32 plus the key).
 */
class LaunchLimitsTest {
    @Test
    void chunkLengthFitsSharedMemory() {
        assertEquals(64, RecurrenceKernels.chunk(spec(true, RecurrenceSpec.Gate.HEAD, 256)));
        assertEquals(64, RecurrenceKernels.chunk(spec(false, RecurrenceSpec.Gate.HEAD, 128)));
        assertEquals(32, RecurrenceKernels.chunk(spec(false, RecurrenceSpec.Gate.CHANNEL, 128)));
        assertEquals(32, RecurrenceKernels.chunk(spec(false, RecurrenceSpec.Gate.CHANNEL, 256)));
        for (RecurrenceSpec s : CodegenFixtures.specs()) {
            KernelSource k = RecurrenceKernels.chunked("k", s, null);
            assertTrue(k.launch().sharedBytes() <= LaunchConfig.MAX_STATIC_SHARED, s.tag() + ": " + k.launch().sharedBytes());
        }
    }

    @Test
    void configurationsPastTheLimitsAreRefused() {
        var big = assertThrows(CodegenException.class, () -> new LaunchConfig(null, 128, 64 * 1024));
        assertTrue(big.getMessage().contains("65536 bytes of shared memory"), big.getMessage());
        var wide = assertThrows(CodegenException.class, () -> new LaunchConfig(null, 2048, 0));
        assertTrue(wide.getMessage().contains("2048 threads"), wide.getMessage());
        var k = assertThrows(CodegenException.class, () -> spec(false, RecurrenceSpec.Gate.NONE, 300));
        assertTrue(k.getMessage().contains("K=300 is over 256"), k.getMessage());
        var kda = assertThrows(CodegenException.class, () -> spec(true, RecurrenceSpec.Gate.CHANNEL, 64));
        assertTrue(kda.getMessage().contains("KDA"), kda.getMessage());
    }

    /**
     * The generic step kernel keeps its slots in local memory while they fit {@link GenericStepKernel#LOCAL_BUDGET}
     * (the tanh EMA at D = 7), and in a global scratch buffer of [B, H, slots] floats past it (D = 2600: five
     * slots of 2600 floats and the constant 0.5), declaring no shared memory then.
     */
    @Test
    void genericStepSlotsPastTheLocalBudgetGoToGlobalMemory() {
        Map<String, KernelPlan> plans = CodegenFixtures.genericPlans();
        KernelSource small = generic(plans.get("ema_bf16")), wide = generic(plans.get("ema_wide"));
        assertEquals(GenericStepKernel.ROLE, small.role());
        assertTrue(small.launch().sharedBytes() > 0 && small.launch().sharedBytes() <= GenericStepKernel.LOCAL_BUDGET, small.body());
        assertTrue(small.body().contains("LOCAL_MEM float W["), small.body());
        assertEquals(GenericStepKernel.ROLE + ", slots in global memory", wide.role());
        assertEquals(0, wide.launch().sharedBytes());
        assertTrue(wide.body().contains("GLOBAL float* W = scratch + GROUP_ID * (i64)13001;"), wide.body());
        assertTrue(wide.body().contains("BARRIER_GLOBAL();") && !wide.body().contains("BARRIER();"), wide.body());
        KernelParam scratch = wide.param("scratch");
        assertTrue(scratch.written());
        assertEquals("f32[B, 2, 13001]", scratch.node().type().toString());
        assertEquals(256, wide.launch().local());
        for (KernelPlan p : plans.values()) {
            KernelSource k = generic(p);
            assertTrue(k.launch().sharedBytes() <= GenericStepKernel.LOCAL_BUDGET, k.name() + ": " + k.launch().sharedBytes());
        }
    }

    private static KernelSource generic(KernelPlan p) {
        return p.kernels(Prelude.Target.CUDA).stream().filter(k -> k.role().startsWith(GenericStepKernel.ROLE)).findFirst().orElseThrow();
    }

    private static final Pattern ENTRY = Pattern.compile("Compiling entry function '(\\w+)'");
    private static final Pattern USED = Pattern.compile("Used (\\d+) registers.*?(?:, (\\d+) bytes smem)?$");
    /** sm_80 lines go on after the shared memory ({@code , 440 bytes cmem[0]}), so the shared memory is found anywhere in the line. */
    private static final Pattern USED_SMEM = Pattern.compile("Used (\\d+) registers.*?(\\d+) bytes smem");
    private static final Pattern SPILL = Pattern.compile("(\\d+) bytes spill stores");

    @Test
    void ptxasAgreesAtK128(@TempDir Path dir) throws Exception {
        String nvcc = Nvcc.find();
        Assumptions.assumeTrue(nvcc != null, "nvcc is not installed: the register and shared-memory report is skipped");
        var sb = new StringBuilder();
        var expectShared = new java.util.HashMap<String, Integer>();
        for (boolean delta : new boolean[] {false, true}) {
            for (RecurrenceSpec.Gate g : RecurrenceSpec.Gate.values()) {
                if (delta && g == RecurrenceSpec.Gate.CHANNEL) continue;
                RecurrenceSpec s = new RecurrenceSpec(delta, g, 128, 128, 0.1, DType.BF16, DType.F32, DType.BF16, true, true);
                KernelSource c = RecurrenceKernels.chunked("c_" + s.tag(), s, null);
                sb.append(c.body()).append(RecurrenceKernels.sequential("s_" + s.tag(), s, null).body());
                expectShared.put(c.name(), c.launch().sharedBytes());
            }
        }
        Path cu = dir.resolve("k128.cu");
        Files.writeString(cu, Prelude.unit(Prelude.Target.CUDA, sb.toString()), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(nvcc, "-cubin", "-arch=sm_90", "-Xptxas", "-v", "-o", dir.resolve("k.cubin").toString(), cu.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        String entry = null;
        var report = new ArrayList<String>();
        int seen = 0;
        for (String line : out.split("\n")) {
            Matcher e = ENTRY.matcher(line);
            if (e.find()) entry = e.group(1);
            Matcher s = SPILL.matcher(line);
            if (s.find() && entry != null) report.add(entry + " spills " + s.group(1) + " B");
            Matcher u = USED.matcher(line.trim());
            if (u.find() && entry != null) {
                int regs = Integer.parseInt(u.group(1));
                int smem = u.group(2) == null ? 0 : Integer.parseInt(u.group(2));
                assertTrue(regs <= 255, entry + " uses " + regs + " registers");
                if (expectShared.containsKey(entry)) assertEquals((int) expectShared.get(entry), smem, entry + ": shared memory declared vs reported");
                seen++;
            }
        }
        assertEquals(2 * expectShared.size(), seen, out);
        System.out.println("ptxas sm_90, K=V=128: " + String.join("; ", report));
    }

    /** The tensor-core kernels at K = V = 128 (sm_80 and sm_90; the chunked recurrences and the flash attention): no spills, and ptxas reports the shared memory they declare, within 48 KiB. */
    @Test
    void ptxasTensorCoreKernels(@TempDir Path dir) throws Exception {
        String nvcc = Nvcc.find();
        Assumptions.assumeTrue(nvcc != null, "nvcc is not installed: the tensor-core ptxas report is skipped");
        var sb = new StringBuilder();
        var expectShared = new java.util.HashMap<String, Integer>();
        for (RecurrenceSpec s : TensorCoreRecurrence.variants(128, 128, true)) {
            KernelSource k = TensorCoreRecurrence.chunked("tc_" + s.tag(), s, null);
            sb.append(k.body());
            expectShared.put(k.name(), k.launch().sharedBytes());
        }
        KernelSource flash = CodegenFixtures.tensorCoreAttention().getLast(); // K = V = 128
        sb.append(flash.body());
        expectShared.put(flash.name(), flash.launch().sharedBytes());
        Path cu = dir.resolve("tc128.cu");
        Files.writeString(cu, Prelude.unit(Prelude.Target.CUDA, sb.toString()), StandardCharsets.UTF_8);
        var report = new ArrayList<String>();
        for (String arch : List.of("sm_80", "sm_90")) {
            Process p = new ProcessBuilder(nvcc, "-cubin", "-arch=" + arch, "-Xptxas", "-v", "-o", dir.resolve(arch + ".cubin").toString(), cu.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, out);
            String entry = null;
            int seen = 0;
            for (String line : out.split("\n")) {
                Matcher e = ENTRY.matcher(line);
                if (e.find()) entry = e.group(1);
                Matcher s = SPILL.matcher(line);
                if (s.find() && entry != null) assertEquals("0", s.group(1), arch + " " + entry + " spills: " + line);
                Matcher u = USED_SMEM.matcher(line.trim());
                if (u.find() && entry != null) {
                    int regs = Integer.parseInt(u.group(1));
                    int smem = Integer.parseInt(u.group(2));
                    assertTrue(regs <= 255, entry + " uses " + regs + " registers");
                    assertEquals((int) expectShared.get(entry), smem, arch + " " + entry + ": shared memory declared vs reported");
                    assertTrue(smem <= LaunchConfig.MAX_STATIC_SHARED, entry + ": " + smem);
                    report.add(arch + " " + entry + " " + regs + " registers " + smem + " B smem");
                    seen++;
                }
            }
            assertEquals(expectShared.size(), seen, out);
        }
        System.out.println("ptxas, tensor-core kernels at K=V=128: " + String.join("; ", report));
    }

    private static RecurrenceSpec spec(boolean delta, RecurrenceSpec.Gate g, int k) {
        return new RecurrenceSpec(delta, g, k, k, 0.1, DType.F32, DType.F32, DType.F32, false, false);
    }

}
