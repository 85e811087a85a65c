package org.linlang.runtime.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jocl.cl_mem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.linlang.compiler.codegen.KernelParam;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.RecurrenceSpec;
import org.linlang.compiler.codegen.RecurrenceSpec.Gate;
import org.linlang.compiler.codegen.TensorCoreRecurrence;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * The tensor-core chunked kernel's text, run on PoCL with the prelude's emulated tile op (f32),
 * against float64 recurrences on the same bf16-rounded inputs: every index, tiling, staging and
 * chunk-passing step of the CUDA kernel is checked here; only the wmma macro body is not. Diagonal
 * and delta, gate none and per head, T around the chunk of 64, gates 0.01–5 per step, value tiles of 16 (V = 48: three
 * groups per head) and 32 (V = 64), initial and final states. Tolerance: relative RMS ≤ 1e-4.
 *
 * <p>Second mode: {@code TC_CVT} redefined to round to bf16 where a value enters a tile product, as
 * the wmma form does, which predicts the CUDA form's error against float64 (bounded by 2e-2, the
 * GPU suite's bound for bf16 kernels, and printed).
 */
class TensorCoreRecurrenceOpenClTest {
    static OpenClDevice dev;
    static double worstExact, worstRounded;

    @BeforeAll
    static void open() { dev = OpenClDevice.open(); }

    @AfterAll
    static void close() {
        System.out.printf("tensor-core recurrence kernel (emulated tiles) on %s: worst relative RMS error f32 operands %.2e, bf16 operands %.2e%n",
                dev == null ? "?" : dev.name(), worstExact, worstRounded);
        if (dev != null) dev.close();
    }

    static List<Arguments> cases() {
        var out = new ArrayList<Arguments>();
        for (boolean delta : new boolean[] {false, true}) {
            for (Gate g : List.of(Gate.NONE, Gate.HEAD)) {
                for (int T : new int[] {1, 37, 64, 65, 130}) out.add(Arguments.of(delta, g, T, 32, 48, 0.5, false));
                out.add(Arguments.of(delta, g, 100, 32, 64, 5.0, false));
                out.add(Arguments.of(delta, g, 130, 32, 48, 0.01, false));
                out.add(Arguments.of(delta, g, 130, 32, 48, 0.5, true));
            }
        }
        return out;
    }

    /**
     * A gated_delta_rule plan with bf16 q, k, v at K = 32, V = 48: its CUDA step list takes the
     * tensor-core kernel (bound to the plan's buffers and sizes by GroupKernels), run here through the
     * emulation, against float64 and against the portable step list.
     */
    @org.junit.jupiter.api.Test
    void cudaStepListOfABf16PlanTakesTheTensorCoreKernel() {
        java.nio.file.Path root = java.nio.file.Files.isDirectory(java.nio.file.Path.of("../stdlib")) ? java.nio.file.Path.of("..") : java.nio.file.Path.of(".");
        var r = org.linlang.compiler.Frontend.check(new org.linlang.compiler.source.Source("tc.lin", """
                import std.ops.*
                fn gdr_bf16(q: bf16[B, T, H, K], k: bf16[B, T, H, K], v: bf16[B, T, H, V], g: [B, T, H], beta: [B, T, H]) -> [B, T, H, V] =
                    gated_delta_rule(q, k, v, g, beta)
                """), root.toAbsolutePath().normalize());
        assertTrue(r.ok(), r.diagnostics().toString());
        int B = 2, T = 70, H = 3, K = 32, V = 48;
        var plan = org.linlang.compiler.codegen.KernelPlan.of(org.linlang.compiler.ir.KernelGraph.build(r.program(), "gdr_bf16",
                java.util.Map.of("H", (long) H, "K", (long) K, "V", (long) V)).graph());
        var roles = plan.kernels(org.linlang.compiler.codegen.Prelude.Target.CUDA).stream().map(KernelSource::role).toList();
        assertTrue(roles.stream().anyMatch(x -> x.startsWith(TensorCoreRecurrence.FORM)), roles.toString());
        var rnd = new Random(5);
        float[] q = Reference.bf16(Reference.normal(rnd, B * T * H * K, 1)), k = Reference.normal(rnd, B * T * H * K, 1);
        float[] v = Reference.bf16(Reference.normal(rnd, B * T * H * V, 1));
        RecurrenceKernelsOpenClTest.normalizeRows(k, K);
        k = Reference.bf16(k);
        float[] g = new float[B * T * H], beta = new float[B * T * H];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (-0.5 * rnd.nextDouble());
            beta[i] = (float) rnd.nextDouble();
        }
        var in = new java.util.LinkedHashMap<String, org.linlang.runtime.tensor.Tensor>();
        in.put("q", org.linlang.runtime.tensor.Creation.of(q, new long[] {B, T, H, K}).to(org.linlang.runtime.tensor.DType.BF16));
        in.put("k", org.linlang.runtime.tensor.Creation.of(k, new long[] {B, T, H, K}).to(org.linlang.runtime.tensor.DType.BF16));
        in.put("v", org.linlang.runtime.tensor.Creation.of(v, new long[] {B, T, H, V}).to(org.linlang.runtime.tensor.DType.BF16));
        in.put("g", org.linlang.runtime.tensor.Creation.of(g, new long[] {B, T, H}));
        in.put("beta", org.linlang.runtime.tensor.Creation.of(beta, new long[] {B, T, H}));
        double[][] ref = Reference.recurrence(true, false, B, T, H, K, V, Math.pow(K, -0.5), q, k, v, g, beta, null);
        float[] cuda, portable;
        try (var runner = new OpenClPlanRunner(dev, plan, org.linlang.compiler.codegen.Prelude.Target.CUDA)) {
            cuda = runner.run(in).values().iterator().next().toFloatArray();
        }
        try (var runner = new OpenClPlanRunner(dev, plan)) {
            portable = runner.run(in).values().iterator().next().toFloatArray();
        }
        // the output is bf16 (the type of q): both step lists round the same f32 values, so they agree closely
        double e = Reference.relRms(ref[0], cuda), ep = Reference.relRms(ref[0], portable);
        assertTrue(e <= 8e-3, "tensor-core step list: relative RMS error " + e);
        double[] p = new double[portable.length];
        for (int i = 0; i < p.length; i++) p[i] = portable[i];
        double d = Reference.relRms(p, cuda);
        assertTrue(d <= 1e-2 && Math.abs(e - ep) <= 1e-3, "tensor-core vs portable step lists: " + d + " (errors " + e + ", " + ep + ")");
        System.out.printf("gdr_bf16 plan, CUDA step list (tensor-core kernel, emulated): rel RMS %.2e vs float64 (portable %.2e), %.2e between them%n", e, ep, d);
    }

    @ParameterizedTest(name = "delta={0} gate={1} T={2} K={3} V={4} gate strength {5} bf16 operands={6}")
    @MethodSource("cases")
    void matchesFloat64(boolean delta, Gate gate, int T, int K, int V, double strength, boolean roundOperands) {
        int B = 2, H = 3;
        var r = new Random(T * 17L + V + (delta ? 5 : 0) + gate.ordinal());
        float[] q = Reference.bf16(Reference.normal(r, B * T * H * K, 1)), k = Reference.normal(r, B * T * H * K, 1);
        float[] v = Reference.bf16(Reference.normal(r, B * T * H * V, 1));
        if (delta) RecurrenceKernelsOpenClTest.normalizeRows(k, K);
        k = Reference.bf16(k);
        float[] g = null;
        if (gate == Gate.HEAD) {
            g = new float[B * T * H];
            for (int i = 0; i < g.length; i++) g[i] = (float) (-strength * r.nextDouble());
        }
        float[] beta = null;
        if (delta) {
            beta = new float[B * T * H];
            for (int i = 0; i < beta.length; i++) beta[i] = (float) r.nextDouble();
        }
        float[] s0 = Reference.normal(r, B * H * K * V, 0.5);
        double scale = Math.pow(K, -0.5);
        double[][] ref = Reference.recurrence(delta, false, B, T, H, K, V, scale, q, k, v, g, beta, s0);
        var spec = new RecurrenceSpec(delta, gate, K, V, scale, DType.BF16, DType.F32, DType.F32, true, true);
        KernelSource ks = TensorCoreRecurrence.chunked("tc", spec, Dim.of((long) B * H));
        if (roundOperands) {
            ks = new KernelSource(ks.name(), "#undef TC_CVT\n#define TC_CVT(x) bf16_load(bf16_store(x))\n" + ks.body(), ks.params(), ks.launch(), ks.role());
        }
        float[] o = new float[B * T * H * V], s1 = new float[B * H * K * V];
        var args = new ArrayList<Object>();
        var mems = new ArrayList<cl_mem>();
        var names = new ArrayList<String>();
        for (KernelParam p : ks.params()) {
            if (p.size()) {
                args.add(switch (p.name()) { case "n_B" -> (long) B; case "n_T" -> (long) T; default -> (long) H; });
                continue;
            }
            float[] data = switch (p.name()) {
                case "q" -> q; case "k" -> k; case "v" -> v; case "g" -> g; case "beta" -> beta; case "s0" -> s0;
                case "o" -> o; default -> s1;
            };
            cl_mem m = RecurrenceKernelsOpenClTest.upload(dev, data, p.dtype());
            mems.add(m);
            names.add(p.name());
            args.add(m);
        }
        dev.launch(ks, args, ks.launch().threads().constant());
        dev.finish();
        dev.read(mems.get(names.indexOf("o")), java.lang.foreign.MemorySegment.ofArray(o));
        dev.read(mems.get(names.indexOf("s1")), java.lang.foreign.MemorySegment.ofArray(s1));
        mems.forEach(dev::release);
        double eo = Reference.relRms(ref[0], o), es = Reference.relRms(ref[1], s1);
        String what = ks.role() + " T=" + T + (roundOperands ? " (bf16 operands)" : "");
        double bound = roundOperands ? 2e-2 : 1e-4;
        if (roundOperands) worstRounded = Math.max(worstRounded, Math.max(eo, es));
        else worstExact = Math.max(worstExact, Math.max(eo, es));
        assertTrue(eo <= bound, what + ": output relative RMS error " + eo);
        assertTrue(es <= bound, what + ": final state relative RMS error " + es);
    }
}
