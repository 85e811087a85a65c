package org.linlang.runtime.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;

import java.util.Map;
import java.util.Random;

import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.Step;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Program;
import org.linlang.compiler.types.Sym;
import org.linlang.runtime.cpu.ChunkFlops;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/**
 * The per-launch profile of device plans on PoCL (structure only: no figure is asserted): every
 * launched kernel is timed (> 0), the kernels' times of a call fit in its wall time, and the bytes
 * and FLOPs of known kernels are what their buffers and products say.
 */
class KernelProfileOpenClTest {
    static OpenClDevice dev;
    static Program program;
    static final int B = 2, T = 70, D = 24, E = 20, H = 2, K = 16, V = 16;

    @BeforeAll
    static void open() {
        dev = OpenClDevice.open(true);
        Path root = Files.isDirectory(Path.of("../stdlib")) ? Path.of("..") : Path.of(".");
        CheckResult r = Frontend.check(new Source("profile_test.lin", """
                import std.ops.{gated_delta_rule, softmax_attn}
                fn proj(x: [B, T, D], w: [D, E]) -> [B, T, E] = silu(x @ w) * 2.0
                fn gdr(q: [B, T, H, K], k: [B, T, H, K], v: [B, T, H, V], g: [B, T, H], beta: [B, T, H]) -> [B, T, H, V] =
                    gated_delta_rule(q, k, v, g, beta)
                """), root.toAbsolutePath().normalize());
        assertTrue(r.ok(), r.diagnostics().toString());
        program = r.program();
    }

    @AfterAll
    static void close() { if (dev != null) dev.close(); }

    static KernelPlan plan(String entry) {
        return KernelPlan.of(KernelGraph.build(program, entry, Map.of("D", (long) D, "E", (long) E, "K", (long) K, "V", (long) V)).graph());
    }

    /** Normal inputs; log-decays in [log 0.9, 0) for g, β in [0, 1). */
    static Map<String, Tensor> inputs(KernelPlan plan, Random r) { return inputs(plan, r, Map.of("B", (long) B, "T", (long) T, "H", (long) H)); }

    static Map<String, Tensor> inputs(KernelPlan plan, Random r, Map<String, Long> named) {
        var out = new LinkedHashMap<String, Tensor>();
        for (Node n : plan.graph().nodes()) {
            if (n.op() != Op.INPUT) continue;
            long[] shape = new long[n.type().rank()];
            for (int a = 0; a < shape.length; a++) {
                Dim d = n.type().dim(a);
                var bind = new HashMap<Sym, Dim>();
                for (Sym s : d.symbols()) bind.put(s, Dim.of(named.get(s.name)));
                shape[a] = d.substitute(bind).constant();
            }
            long count = 1;
            for (long s : shape) count *= s;
            float[] data = new float[(int) count];
            for (int i = 0; i < data.length; i++) {
                data[i] = switch (n.name()) {
                    case "g" -> (float) Math.log(0.9 + 0.1 * r.nextDouble());
                    case "beta" -> (float) r.nextDouble();
                    default -> (float) r.nextGaussian();
                };
            }
            out.put(n.name(), Creation.of(data, shape));
        }
        return out;
    }

    /** Runs the plan {@code calls} times with a profile; checks the structure every profile must have. */
    static KernelProfile profile(DevicePlanRunner<?> runner, Prelude.Target target, Map<String, Tensor> in, int calls) {
        var profile = new KernelProfile();
        runner.profileInto(profile);
        var wall = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            runner.run(in);
            wall[i] = (System.nanoTime() - t0) / 1e9;
        }
        assertEquals(calls, profile.callSeconds().size());
        // every step of the plan launched once per call, under its name
        int steps = 0;
        var names = new java.util.HashSet<String>();
        for (var gk : runner.plan().groups()) {
            if (gk.fusedInto() != null) continue;
            for (Step s : gk.steps(target)) {
                steps++;
                names.add(s instanceof Step.Launch l ? l.kernel().name() : gk.group().label() + "_gemm");
            }
        }
        assertEquals(steps * calls, profile.launches().size());
        assertEquals(names, profile.rows(calls).stream().map(KernelProfile.Row::kernel).collect(Collectors.toSet()));
        for (KernelProfile.Row row : profile.rows(calls)) assertEquals(1.0, row.launches(), row.kernel());
        for (KernelProfile.Launch l : profile.launches()) assertTrue(l.seconds() > 0, l.toString());
        // the launches of one call run one after another on an in-order queue, inside the call
        for (int c = 0; c < calls; c++) {
            int call = c;
            double kernels = profile.launches().stream().filter(l -> l.call() == call).mapToDouble(KernelProfile.Launch::seconds).sum();
            double inside = profile.callSeconds().get(c);
            assertTrue(inside <= wall[c], "the plan call's own wall time " + inside + " s is inside the caller's " + wall[c] + " s");
            assertTrue(kernels <= inside * 1.02 + 2e-4, "call " + c + ": kernels " + kernels + " s, wall " + inside + " s");
        }
        return profile;
    }

    static LaunchCost cost(KernelProfile p, String kernel) {
        return p.launches().stream().filter(l -> l.cost().kernel().equals(kernel)).findFirst().orElseThrow().cost();
    }

    @Test
    void portableMatmulKernel() {
        KernelPlan p = plan("proj");
        try (var runner = new OpenClPlanRunner(dev, p)) {
            KernelProfile prof = profile(runner, Prelude.Target.OPENCL, inputs(p, new Random(1)), 3);
            KernelSource mm = p.kernels(Prelude.Target.OPENCL).stream().filter(k -> k.role().startsWith("matmul")).findFirst().orElseThrow();
            LaunchCost c = cost(prof, mm.name());
            // its buffers: x [B, T, D], w [D, E] and the result [B, T, E], f32
            assertEquals(3, mm.params().stream().filter(x -> !x.size()).count(), mm.params().toString());
            assertEquals(4L * (B * T * D + D * E + B * T * E), c.bytes());
            assertEquals(2.0 * B * T * E * D, c.flops());
        }
    }

    @Test
    void gemmStepsOfTheCudaPlanCountTwoMnk() {
        KernelPlan p = plan("proj");
        try (var runner = new OpenClPlanRunner(dev, p, Prelude.Target.CUDA)) {
            KernelProfile prof = profile(runner, Prelude.Target.CUDA, inputs(p, new Random(2)), 2);
            var gemms = prof.launches().stream().filter(l -> l.cost().kernel().endsWith("_gemm")).map(KernelProfile.Launch::cost).toList();
            assertEquals(2, gemms.size());
            // the shared weight folds the batch into the rows: m = B·T, n = E, k = D
            assertEquals(2.0 * (B * T) * E * D, gemms.getFirst().flops());
            assertEquals(4L * (B * T * D + D * E + B * T * E), gemms.getFirst().bytes());
            // the epilogue (silu, × 2) is bandwidth only
            assertTrue(prof.launches().stream().anyMatch(l -> l.cost().role().startsWith("epilogue") && l.cost().flops() == 0));
        }
    }

    @Test
    void chunkedRecurrenceKernel() {
        KernelPlan p = plan("gdr");
        try (var runner = new OpenClPlanRunner(dev, p)) {
            KernelProfile prof = profile(runner, Prelude.Target.OPENCL, inputs(p, new Random(3)), 2);
            KernelSource rec = p.kernels(Prelude.Target.OPENCL).stream().filter(k -> k.role().startsWith("chunked")).findFirst().orElseThrow();
            assertTrue(rec.role().endsWith("L=64"), rec.role());
            LaunchCost c = cost(prof, rec.name());
            assertEquals(ChunkFlops.delta(B, T, H, K, V, 64), c.flops());
            // q, k [B, T, H, K], v and o [B, T, H, V], g and beta [B, T, H]
            assertEquals(4L * (2 * B * T * H * K + 2 * B * T * H * V + 2 * B * T * H), c.bytes());
        }
        KernelPlan step = KernelPlan.of(KernelGraph.build(program, "gated_delta_rule.step", Map.of("K", (long) K, "V", (long) V)).graph());
        KernelSource seq = step.kernels(Prelude.Target.OPENCL).stream().filter(k -> k.role().startsWith("sequential")).findFirst().orElseThrow();
        var sizes = new HashMap<Sym, Long>();
        for (var kp : seq.params()) if (kp.size()) for (Sym s : kp.dim().symbols()) sizes.put(s, s.name.equals("B") ? 2L : s.name.equals("T") ? 1L : 3L);
        LaunchCost c = LaunchCost.launch(step.groups().stream().filter(g -> g.steps(Prelude.Target.OPENCL).stream()
                .anyMatch(s -> s instanceof Step.Launch l && l.kernel() == seq)).findFirst().orElseThrow(), seq, sizes);
        long b = PlanSizes.eval(seq.param("n_B").dim(), sizes), t = PlanSizes.eval(seq.param("n_T").dim(), sizes), h = PlanSizes.eval(seq.param("n_H").dim(), sizes);
        assertEquals(6.0 * K * V * b * t * h, c.flops());
    }

    /**
     * A flash attention with the bottom-right causal mask and a window of 5, T = 9 queries over S = 12
     * keys: row t sees min(t + S − T + 1, 5) keys (4, then 5), 44 in all, each 2·(K + V) flops.
     */
    @Test
    void flashAttentionCountsTheKeysTheMaskLetsEachRowSee() {
        int k = 32, v = 40, hk = 2, t = 9, s = 12;
        KernelPlan p = KernelPlan.of(KernelGraph.build(program, "softmax_attn",
                Map.of("K", (long) k, "V", (long) v, "G", 1L, "window", 5L)).graph());
        try (var runner = new OpenClPlanRunner(dev, p)) {
            KernelProfile prof = profile(runner, Prelude.Target.OPENCL,
                    inputs(p, new Random(5), Map.of("B", (long) B, "T", (long) t, "S", (long) s, "Hk", (long) hk)), 1);
            LaunchCost c = prof.launches().stream().map(KernelProfile.Launch::cost).filter(x -> x.role().startsWith("flash attention"))
                    .findFirst().orElseThrow();
            assertTrue(c.role().contains("window 5"), c.role());
            assertEquals(2.0 * (k + v) * 44 * B * hk, c.flops());
        }
    }

    @Test
    void aDeviceOpenedWithoutProfilingRefusesToTime() {
        KernelPlan p = plan("proj");
        OpenClDevice plain = OpenClDevice.open();
        try (var runner = new OpenClPlanRunner(plain, p)) {
            Map<String, Tensor> in = inputs(p, new Random(4));
            runner.run(in); // not profiling: no timer is asked for
            runner.profileInto(new KernelProfile());
            var e = assertThrows(IllegalStateException.class, () -> runner.run(in));
            assertTrue(e.getMessage().contains("without profiling"), e.getMessage());
        } finally {
            plain.close();
        }
    }

    @Test
    void ceilingsAreMeasuredOnTheDevice() {
        DeviceCeilings c = OpenClPlanRunner.ceilings(dev, 1 << 20, 64, 2);
        assertEquals(1 << 20, c.copyBytes());
        assertEquals(64, c.gemmSize());
        assertTrue(c.bytesPerSecond() > 0 && Double.isFinite(c.bytesPerSecond()), c.toString());
        assertTrue(c.flopsPerSecond() > 0 && Double.isFinite(c.flopsPerSecond()), c.toString());
    }

}
