package org.linlang.runtime.gpu.suite;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.codegen.KernelParam;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.RecurrenceKernels;
import org.linlang.compiler.codegen.RecurrenceSpec;
import org.linlang.compiler.codegen.RecurrenceSpec.Gate;
import org.linlang.compiler.codegen.TensorCoreRecurrence;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;
import org.linlang.runtime.gpu.cuda.CudaDriver;
import org.linlang.runtime.gpu.cuda.CudaPlanRunner;
import org.linlang.runtime.gpu.cuda.KernelCache;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/**
 * The GPU suite's checks of the tensor-core chunked kernels ({@link TensorCoreRecurrence}) against
 * their portable twins ({@link RecurrenceKernels#chunked}) on the same inputs: every variant
 * (diagonal and delta, gate none and per head) at a small shape with initial and final states, then
 * gated_delta_rule and simple_gla at B=4 T=8192 H=16 K=V=128 bf16, both kernels timed (median of 10).
 * Then a bf16 grouped-query softmax_attn plan on cuda (its flash kernel the tensor-core form)
 * against float64 attention at B=2 T=300 Hq=8 G=4 K=V=128.
 * Bound: relative RMS ≤ 2e-2 between the two (the tensor-core form rounds P, U and S to bf16 where
 * they enter a product; the emulation on PoCL predicts about 3e-3 at small shapes).
 *
 * <p>{@link #dryRun} does everything but the launches (kernels generated and checked, inputs of the
 * small cases built), so it runs in CI without a GPU.
 */
public final class TensorCoreChecks {
    private TensorCoreChecks() {}

    /** Where a result goes: the suite's table. */
    public interface Rows {
        void row(String check, boolean ok, String figure);
    }

    /** One comparison: a spec at a shape; timed ones are also timed. */
    record Case(String name, RecurrenceSpec spec, int b, int t, int h, boolean timed) {
        long rows() { return (long) b * t * h; }
    }

    static List<Case> cases() {
        var out = new ArrayList<Case>();
        for (RecurrenceSpec s : TensorCoreRecurrence.variants(128, 128, true)) {
            var f32out = new RecurrenceSpec(s.delta(), s.gate(), s.k(), s.v(), s.scale(), s.inputs(), s.gates(), DType.F32, true, true);
            out.add(new Case(s.tag(), f32out, 2, 300, 4, false));
        }
        out.add(new Case("gated_delta_rule", spec(true), 4, 8192, 16, true));
        out.add(new Case("simple_gla", spec(false), 4, 8192, 16, true));
        return out;
    }

    private static RecurrenceSpec spec(boolean delta) {
        return new RecurrenceSpec(delta, Gate.HEAD, 128, 128, Math.pow(128, -0.5), DType.BF16, DType.F32, DType.BF16, false, false);
    }

    /** The two kernels of a case, checked: the tensor-core form and its twin, with the same parameters in the same order. */
    record Pair(KernelSource tensorCores, KernelSource twin) {}

    static Pair kernels(Case c) {
        Dim bh = Dim.of((long) c.b() * c.h());
        KernelSource tc = TensorCoreRecurrence.chunked("tc_" + c.spec().tag(), c.spec(), bh);
        KernelSource twin = RecurrenceKernels.chunked("twin_" + c.spec().tag(), c.spec(), bh);
        if (!tc.role().startsWith(TensorCoreRecurrence.FORM)) throw new IllegalStateException(c.name() + ": not the tensor-core form: " + tc.role());
        var a = tc.params().stream().map(KernelParam::name).toList();
        var b = twin.params().stream().map(KernelParam::name).toList();
        if (!a.equals(b)) throw new IllegalStateException(c.name() + ": parameters differ: " + a + " vs " + b);
        String unit = tc.unit(Prelude.Target.CUDA);
        if (!unit.contains("#include <mma.h>") || !tc.body().contains("TILE_MMA_16x16x16")) throw new IllegalStateException(c.name() + ": no wmma tile layer");
        // one group per (batch, head, value tile), the value tiles a multiple of 16 columns
        long groups = tc.launch().groups(tc.launch().threads().constant()), bhs = (long) c.b() * c.h();
        long tiles = groups / bhs;
        if (groups % bhs != 0 || c.spec().v() % tiles != 0 || c.spec().v() / tiles % 16 != 0) {
            throw new IllegalStateException(c.name() + ": " + groups + " groups for B·H = " + bhs + " and V = " + c.spec().v());
        }
        return new Pair(tc, twin);
    }

    /** Host inputs of a case by parameter name: bf16 q, k (unit rows for delta), v; f32 gates in [-0.1, 0), β in [0, 1), s0. */
    static Map<String, MemorySegment> inputs(Case c, Random r) {
        var in = new LinkedHashMap<String, MemorySegment>();
        RecurrenceSpec s = c.spec();
        in.put("q", bf16(r, c.rows(), s.k(), false));
        in.put("k", bf16(r, c.rows(), s.k(), s.delta()));
        in.put("v", bf16(r, c.rows(), s.v(), false));
        if (s.gate() == Gate.HEAD) in.put("g", f32(c.rows(), () -> (float) (-0.1 * r.nextDouble())));
        if (s.delta()) in.put("beta", f32(c.rows(), () -> (float) r.nextDouble()));
        if (s.initialState()) in.put("s0", f32((long) c.b() * c.h() * s.k() * s.v(), () -> (float) (0.5 * r.nextGaussian())));
        return in;
    }

    /** Everything but the launches; returns what it checked, one line each. */
    public static List<String> dryRun() {
        var lines = new ArrayList<String>();
        var r = new Random(3);
        for (Case c : cases()) {
            Pair p = kernels(c);
            String what = c.timed() ? "sizes only" : inputs(c, r).size() + " inputs built";
            lines.add("tensor cores, dry run: " + c.name() + " B=" + c.b() + " T=" + c.t() + " H=" + c.h() + ": " + p.tensorCores().role()
                    + " (" + p.tensorCores().launch().sharedBytes() + " B shared) vs " + p.twin().role() + ", " + what);
        }
        KernelPlan plan = attentionPlan();
        Map<String, Tensor> in = attentionInputs(new Random(4));
        double[] ref = attentionReference(in);
        lines.add("tensor cores, dry run: " + ATTENTION_CHECK + ": " + flashRole(plan) + ", inputs and float64 reference (" + ref.length + " values)");
        return lines;
    }

    /** The dry run alone: {@code java -cp … org.linlang.runtime.gpu.suite.TensorCoreChecks}. */
    public static void main(String[] args) {
        dryRun().forEach(System.out::println);
    }

    /** Runs every case on the GPU (after the dry run's checks, logged) and adds a row per case. */
    public static void run(CudaDriver cuda, KernelCache cache, PrintStream log, Rows rows) {
        dryRun().forEach(log::println);
        var r = new Random(3);
        for (Case c : cases()) {
            String check = c.name() + " B=" + c.b() + " T=" + c.t() + " H=" + c.h() + " K=V=128 bf16, tensor-core chunked kernel vs its portable twin";
            var allocated = new ArrayList<Long>();
            try {
                Pair p = kernels(c);
                Map<String, Long> ptr = new LinkedHashMap<>();
                for (var e : inputs(c, r).entrySet()) {
                    long d = cuda.alloc(e.getValue().byteSize());
                    cuda.upload(d, e.getValue());
                    allocated.add(d);
                    ptr.put(e.getKey(), d);
                }
                RecurrenceSpec s = c.spec();
                long oBytes = c.rows() * s.v() * (s.output() == DType.BF16 ? 2 : 4), sBytes = 4L * c.b() * c.h() * s.k() * s.v();
                long[] tcArgs = bind(cuda, p.tensorCores(), ptr, c, oBytes, sBytes, allocated);
                long[] twinArgs = bind(cuda, p.twin(), ptr, c, oBytes, sBytes, allocated);
                MemorySegment ftc = function(cuda, cache, p.tensorCores()), ftwin = function(cuda, cache, p.twin());
                Runnable runTc = () -> cuda.launch(ftc, groups(p.tensorCores()), p.tensorCores().launch().local(), tcArgs);
                Runnable runTwin = () -> cuda.launch(ftwin, groups(p.twin()), p.twin().launch().local(), twinArgs);
                runTc.run();
                runTwin.run();
                cuda.synchronize();
                int oi = index(p.twin(), "o");
                double e = GpuSuite.relRms(read(cuda, twinArgs[oi], c.rows() * s.v(), s.output()), floats(read(cuda, tcArgs[oi], c.rows() * s.v(), s.output())));
                String figure = String.format(Locale.ROOT, "output rel RMS %.1e", e);
                boolean ok = e <= 2e-2;
                if (s.finalState()) {
                    int si = index(p.twin(), "s1");
                    long n = (long) c.b() * c.h() * s.k() * s.v();
                    double es = GpuSuite.relRms(read(cuda, twinArgs[si], n, DType.F32), floats(read(cuda, tcArgs[si], n, DType.F32)));
                    figure += String.format(Locale.ROOT, ", final state rel RMS %.1e", es);
                    ok &= es <= 2e-2;
                }
                if (c.timed()) {
                    double tcMs = GpuSuite.time(cuda, runTc, 10), twinMs = GpuSuite.time(cuda, runTwin, 10);
                    figure += String.format(Locale.ROOT, "; %.3f ms tensor cores, %.3f ms portable (×%.1f)", tcMs, twinMs, twinMs / tcMs);
                }
                rows.row(check, ok, figure);
            } catch (RuntimeException e) {
                rows.row(check, false, e.toString().replace('\n', ' ').replace('|', '/'));
                e.printStackTrace(log);
            } finally {
                allocated.forEach(cuda::free);
            }
        }
        attention(cuda, cache, log, rows);
    }

    // ---- the flash attention: a bf16 plan on cuda (its CUDA steps take the tensor-core kernel) against float64 ----

    static final int AB = 2, AT = 300, AHQ = 8, AG = 4, AD = 128;
    static final String ATTENTION_CHECK = "softmax_attn bf16 B=2 T=300 Hq=8 G=4 K=V=128, tensor-core flash kernel vs float64";

    static KernelPlan attentionPlan() {
        CheckResult r = Frontend.check(new Source("tensor_cores.lin", """
                import std.ops.*
                fn attn_tc(q: bf16[B, T, 8, 128], k: bf16[B, T, 2, 128], v: bf16[B, T, 2, 128]) -> [B, T, 8, 128] = softmax_attn(q, k, v, G = 4)
                """));
        if (!r.ok()) throw new IllegalStateException(r.diagnostics().toString());
        KernelPlan plan = KernelPlan.of(KernelGraph.build(r.program(), "attn_tc", Map.of()).graph());
        flashRole(plan);
        return plan;
    }

    private static String flashRole(KernelPlan plan) {
        return plan.kernels(Prelude.Target.CUDA).stream().map(KernelSource::role).filter(x -> x.startsWith("flash attention, tensor cores (wmma bf16)"))
                .findFirst().orElseThrow(() -> new IllegalStateException("the bf16 attention plan has no tensor-core flash kernel: " + plan.describe(Prelude.Target.CUDA)));
    }

    static Map<String, Tensor> attentionInputs(Random r) {
        var in = new LinkedHashMap<String, Tensor>();
        in.put("q", bf16Tensor(r, AB, AT, AHQ, AD));
        in.put("k", bf16Tensor(r, AB, AT, AHQ / AG, AD));
        in.put("v", bf16Tensor(r, AB, AT, AHQ / AG, AD));
        return in;
    }

    private static Tensor bf16Tensor(Random r, long... shape) {
        int n = 1;
        for (long d : shape) n *= (int) d;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return Creation.of(x, shape).to(org.linlang.runtime.tensor.DType.BF16);
    }

    /** Causal grouped-query softmax attention in float64 (query head h reads key head h / G), scale K^-1/2. */
    static double[] attentionReference(Map<String, Tensor> in) {
        float[] q = in.get("q").toFloatArray(), k = in.get("k").toFloatArray(), v = in.get("v").toFloatArray();
        int hk = AHQ / AG;
        double scale = Math.pow(AD, -0.5);
        double[] o = new double[AB * AT * AHQ * AD], w = new double[AT];
        for (int b = 0; b < AB; b++) {
            for (int t = 0; t < AT; t++) {
                for (int h = 0; h < AHQ; h++) {
                    int qo = ((b * AT + t) * AHQ + h) * AD, kh = h / AG;
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        int ko = ((b * AT + j) * hk + kh) * AD;
                        double d = 0;
                        for (int i = 0; i < AD; i++) d += (double) q[qo + i] * k[ko + i];
                        w[j] = d * scale;
                        mx = Math.max(mx, w[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= t; j++) sum += (w[j] = Math.exp(w[j] - mx));
                    for (int j = 0; j <= t; j++) {
                        int vo = ((b * AT + j) * hk + kh) * AD;
                        for (int i = 0; i < AD; i++) o[qo + i] += w[j] / sum * v[vo + i];
                    }
                }
            }
        }
        return o;
    }

    private static void attention(CudaDriver cuda, KernelCache cache, PrintStream log, Rows rows) {
        try {
            KernelPlan plan = attentionPlan();
            Map<String, Tensor> in = attentionInputs(new Random(4));
            double[] ref = attentionReference(in);
            try (var runner = new CudaPlanRunner(cuda, cache, plan)) {
                float[] got = runner.run(in).values().iterator().next().toFloatArray();
                double e = GpuSuite.relRms(ref, got);
                rows.row(ATTENTION_CHECK, e <= 2e-2, String.format(Locale.ROOT, "rel RMS %.1e (%s)", e, flashRole(plan)));
            }
        } catch (RuntimeException e) {
            rows.row(ATTENTION_CHECK, false, e.toString().replace('\n', ' ').replace('|', '/'));
            e.printStackTrace(log);
        }
    }

    /** The launch arguments of a kernel: the shared inputs, its own output and final state, the sizes. */
    private static long[] bind(CudaDriver cuda, KernelSource k, Map<String, Long> inputs, Case c, long oBytes, long sBytes, List<Long> allocated) {
        long[] a = new long[k.params().size()];
        for (int i = 0; i < a.length; i++) {
            KernelParam p = k.params().get(i);
            a[i] = switch (p.name()) {
                case "n_B" -> c.b();
                case "n_T" -> c.t();
                case "n_H" -> c.h();
                case "o", "s1" -> {
                    long d = cuda.alloc(p.name().equals("o") ? oBytes : sBytes);
                    allocated.add(d);
                    yield d;
                }
                default -> inputs.get(p.name());
            };
        }
        return a;
    }

    private static MemorySegment function(CudaDriver cuda, KernelCache cache, KernelSource k) {
        return cuda.function(cuda.loadModule(cache.cubin(k.unit(Prelude.Target.CUDA), cuda.arch())), k.name());
    }

    private static long groups(KernelSource k) { return k.launch().groups(k.launch().threads().constant()); }

    private static int index(KernelSource k, String name) {
        for (int i = 0; i < k.params().size(); i++) if (k.params().get(i).name().equals(name)) return i;
        throw new IllegalArgumentException(name);
    }

    private static double[] read(CudaDriver cuda, long p, long n, DType dt) {
        MemorySegment m = Arena.ofAuto().allocate(n * (dt == DType.BF16 ? 2 : 4), 8);
        cuda.download(m, p);
        double[] d = new double[(int) n];
        for (int i = 0; i < n; i++) {
            d[i] = dt == DType.BF16 ? Float.intBitsToFloat((m.getAtIndex(ValueLayout.JAVA_SHORT, i) & 0xffff) << 16) : m.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        }
        return d;
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static MemorySegment bf16(Random r, long rows, int width, boolean unitRows) {
        MemorySegment m = Arena.ofAuto().allocate(2 * rows * width, 8);
        float[] row = new float[width];
        for (long i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < width; j++) {
                row[j] = (float) r.nextGaussian();
                s += row[j] * row[j];
            }
            for (int j = 0; j < width; j++) {
                float x = unitRows ? (float) (row[j] / Math.sqrt(s)) : row[j];
                int u = Float.floatToRawIntBits(x);
                m.setAtIndex(ValueLayout.JAVA_SHORT, i * width + j, (short) ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16));
            }
        }
        return m;
    }

    private static MemorySegment f32(long n, java.util.function.Supplier<Float> next) {
        MemorySegment m = Arena.ofAuto().allocate(4 * n, 8);
        for (long i = 0; i < n; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, next.get());
        return m;
    }
}
