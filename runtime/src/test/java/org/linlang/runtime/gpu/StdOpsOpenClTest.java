package org.linlang.runtime.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Program;
import org.linlang.compiler.types.Sym;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/**
 * Every std op's plan (prefill), run kernel by kernel on OpenCL (PoCL in CI; these tests do not
 * skip), against float64 references written here as plain loops. Sizes are small and awkward:
 * T = 37 and 70 (not multiples of the chunk), D = 48. Tolerance: relative RMS ≤ 1e-4.
 */
class StdOpsOpenClTest {
    static OpenClDevice dev;
    static Program ops;
    static final Map<String, Long> DIMS = Map.of("D", 48L, "K", 32L, "V", 40L, "H", 3L, "C", 24L, "W", 4L, "R", 8L);
    static final int B = 2;

    @BeforeAll
    static void open() {
        dev = OpenClDevice.open();
        Path root = Files.isDirectory(Path.of("../stdlib")) ? Path.of("..") : Path.of(".");
        CheckResult r = Frontend.check(new Source("ops_test.lin", "import std.ops.*\n"), root.toAbsolutePath().normalize());
        assertTrue(r.ok(), r.diagnostics().toString());
        ops = r.program();
    }

    @AfterAll
    static void close() { if (dev != null) dev.close(); }

    /** Random inputs for the op's graph at the given T (other open sizes from {@code extra}). */
    static Map<String, Tensor> inputs(KernelPlan plan, int T, Map<String, Long> extra, Random r) {
        var out = new LinkedHashMap<String, Tensor>();
        for (Node n : plan.graph().nodes()) {
            if (n.op() != Op.INPUT) continue;
            long[] shape = new long[n.type().rank()];
            for (int a = 0; a < shape.length; a++) {
                Dim d = n.type().dim(a);
                if (d.isConstant()) shape[a] = d.constant();
                else {
                    var bind = new HashMap<Sym, Dim>();
                    for (Sym s : d.symbols()) {
                        long v = s.name.equals("B") ? B : s.name.equals("T") ? T : extra.getOrDefault(s.name, -1L);
                        if (v < 0) throw new IllegalStateException("no size for " + s + " in " + n);
                        bind.put(s, Dim.of(v));
                    }
                    shape[a] = d.substitute(bind).constant();
                }
            }
            long count = 1;
            for (long s : shape) count *= s;
            float[] data = Reference.normal(r, (int) count, 1);
            out.put(n.name(), Creation.of(data, shape));
        }
        return out;
    }

    static KernelPlan plan(String op, Map<String, Long> dims) { return KernelPlan.of(KernelGraph.build(ops, op, dims).graph()); }

    /** The portable plan's output; the CUDA step list (GEMMs by their portable twin) must give the same. */
    static float[] run(KernelPlan plan, Map<String, Tensor> in) {
        float[] portable, cuda;
        try (var runner = new OpenClPlanRunner(dev, plan)) {
            portable = runner.run(in).values().iterator().next().toFloatArray();
        }
        try (var runner = new OpenClPlanRunner(dev, plan, org.linlang.compiler.codegen.Prelude.Target.CUDA)) {
            cuda = runner.run(in).values().iterator().next().toFloatArray();
        }
        double[] p = new double[portable.length];
        for (int i = 0; i < p.length; i++) p[i] = portable[i];
        double e = Reference.relRms(p, cuda);
        assertTrue(e <= 1e-5, plan.graph().title() + ": the CUDA steps differ from the portable ones by " + e);
        return portable;
    }

    static float[] f(Tensor t) { return t.toFloatArray(); }

    static void close(String what, double[] ref, float[] got) {
        assertEquals(ref.length, got.length, what + ": element count");
        double e = Reference.relRms(ref, got);
        assertTrue(e <= 1e-4, what + ": relative RMS error " + e);
    }

    @Test
    void norms() {
        for (int T : new int[] {37, 70}) {
            var r = new Random(T);
            int D = 48, rows = B * T;
            for (String op : List.of("l2norm", "rmsnorm", "gated_rmsnorm")) {
                KernelPlan p = plan(op, DIMS);
                var in = inputs(p, T, Map.of(), r);
                float[] x = f(in.get("x"));
                double[] ref = new double[x.length];
                for (int row = 0; row < rows; row++) {
                    double s = 0;
                    for (int i = 0; i < D; i++) s += (double) x[row * D + i] * x[row * D + i];
                    double inv = op.equals("l2norm") ? 1 / Math.sqrt(s + 1e-6) : 1 / Math.sqrt(s / D + 1e-6);
                    for (int i = 0; i < D; i++) {
                        double y = x[row * D + i] * inv;
                        if (!op.equals("l2norm")) y *= f(in.get("weight"))[i];
                        if (op.equals("gated_rmsnorm")) {
                            double g = f(in.get("gate"))[row * D + i];
                            y *= g / (1 + Math.exp(-g));
                        }
                        ref[row * D + i] = y;
                    }
                }
                close(op + " T=" + T, ref, run(p, in));
            }
        }
    }

    @Test
    void swigluAndShortConv() {
        int T = 37;
        var r = new Random(5);
        KernelPlan p = plan("swiglu", DIMS);
        var in = inputs(p, T, Map.of(), r);
        float[] g = f(in.get("gate")), u = f(in.get("up"));
        double[] ref = new double[g.length];
        for (int i = 0; i < g.length; i++) ref[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
        close("swiglu", ref, run(p, in));

        p = plan("short_conv", DIMS);
        in = inputs(p, T, Map.of(), r);
        // The op's plan takes the optional bias as an input (a plan is built for the call with every tensor given).
        float[] x = f(in.get("x")), w = f(in.get("weight")), bias = f(in.get("bias"));
        int C = 24, W = 4;
        ref = new double[x.length];
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) for (int c = 0; c < C; c++) {
            double acc = 0;
            for (int j = 0; j < W; j++) {
                int src = t - W + 1 + j;
                if (src >= 0) acc += (double) w[c * W + j] * x[(b * T + src) * C + c];
            }
            ref[(b * T + t) * C + c] = acc + bias[c];
        }
        close("short_conv", ref, run(p, in));

        // activation = "silu", through a caller (a fn entry takes no string arguments): silu after the bias.
        Path root = Files.isDirectory(Path.of("../stdlib")) ? Path.of("..") : Path.of(".");
        CheckResult cr = Frontend.check(new Source("conv_silu.lin", """
                import std.ops.*
                fn conv_silu(x: [B, T, C], weight: [C, W], bias: [C]) -> [B, T, C] = short_conv(x, weight, bias, activation = "silu")
                """), root.toAbsolutePath().normalize());
        assertTrue(cr.ok(), cr.diagnostics().toString());
        p = KernelPlan.of(KernelGraph.build(cr.program(), "conv_silu", DIMS).graph());
        float[] got = run(p, in);
        double[] silu = new double[ref.length];
        for (int i = 0; i < ref.length; i++) silu[i] = ref[i] / (1 + Math.exp(-ref[i]));
        close("short_conv silu", silu, got);
    }

    @Test
    void rope() {
        int T = 37, H = 3, R = 8;
        var r = new Random(9);
        for (String op : List.of("rope", "partial_rope")) {
            var dims = new HashMap<>(DIMS);
            if (op.equals("partial_rope")) dims.put("D", 20L);
            KernelPlan p = plan(op, dims);
            var in = inputs(p, T, Map.of(), r);
            float[] x = f(in.get("x")), pos = f(in.get("positions"));
            int D = op.equals("rope") ? 2 * R : 20;
            double[] ref = new double[x.length];
            for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) for (int h = 0; h < H; h++) {
                int base = ((b * T + t) * H + h) * D;
                for (int i = 0; i < D; i++) ref[base + i] = x[base + i];
                for (int i = 0; i < R; i++) {
                    double invFreq = 1.0 / Math.pow(10000.0, i * (2.0 / (2 * R)));
                    double ang = pos[b * T + t] * invFreq;
                    double x1 = x[base + i], x2 = x[base + R + i];
                    ref[base + i] = x1 * Math.cos(ang) - x2 * Math.sin(ang);
                    ref[base + R + i] = x2 * Math.cos(ang) + x1 * Math.sin(ang);
                }
            }
            close(op, ref, run(p, in));
        }
    }

    /**
     * softmax_attn's plan is one flash kernel (with the gate as its epilogue): S = T and S > T (a KV
     * cache of 13 earlier positions, query t at position S − T + t), grouped-query heads, windows,
     * T = 37 and 70 (not multiples of a work-group), with gate and sinks.
     */
    @Test
    void softmaxAttentionPlan() {
        int H = 3, K = 32, V = 40;
        record Variant(int g, int window, int t) {}
        double worst = 0;
        for (Variant c : List.of(new Variant(1, 0, 37), new Variant(3, 0, 70), new Variant(1, 5, 37), new Variant(3, 9, 70))) {
            var r = new Random(11 + c.g() * 7 + c.window());
            var dims = new HashMap<>(DIMS);
            dims.put("G", (long) c.g());
            dims.put("window", (long) c.window());
            KernelPlan p = plan("softmax_attn", dims);
            assertTrue(p.kernels(org.linlang.compiler.codegen.Prelude.Target.OPENCL).stream().anyMatch(k -> k.role().startsWith("flash attention")),
                    p.describe(org.linlang.compiler.codegen.Prelude.Target.OPENCL));
            int hq = H * c.g(), T = c.t();
            for (int S : new int[] {T, T + 13}) {
                var in = inputs(p, T, Map.of("Hk", (long) H, "S", (long) S), r);
                double[] ref = Reference.attention(B, T, S, hq, c.g(), K, V, c.window(), Math.pow(K, -0.5), f(in.get("q")), f(in.get("k")),
                        f(in.get("v")), f(in.get("gate")), f(in.get("sinks")));
                float[] got = run(p, in);
                close("softmax_attn " + c + " S=" + S + " (flash kernel)", ref, got);
                worst = Math.max(worst, Reference.relRms(ref, got));
            }
        }
        System.out.printf("softmax_attn plans (flash kernel) on %s: worst relative RMS error %.2e%n", dev.name(), worst);
    }

    @Test
    void recurrencePlans() {
        int H = 3, K = 32, V = 40;
        for (int T : new int[] {1, 37, 70}) {
            for (String op : List.of("linear_attn", "simple_gla", "gla", "hgrn2", "delta_rule", "gated_delta_rule")) {
                var r = new Random(T * 17L + op.length());
                KernelPlan p = plan(op, DIMS);
                var in = inputs(p, T, Map.of(), r);
                boolean delta = op.contains("delta"), hgrn2 = op.equals("hgrn2");
                float[] q = f(in.get("q")), k = hgrn2 ? null : f(in.get("k")), v = f(in.get("v"));
                if (delta) {
                    RecurrenceKernelsOpenClTest.normalizeRows(k, K);
                    in.put("k", Creation.of(k, in.get("k").shape()));
                }
                float[] g = null, beta = null;
                String gate = op.equals("gla") || hgrn2 ? "gk" : op.equals("simple_gla") || op.equals("gated_delta_rule") ? "g" : null;
                if (gate != null) {
                    g = f(in.get(gate));
                    for (int i = 0; i < g.length; i++) g[i] = -Math.abs(g[i]) * 0.5f;
                    in.put(gate, Creation.of(g, in.get(gate).shape()));
                }
                // HGRN2's key is 1 − exp(gk), computed inside the GPU kernel; here from the same gates in float64
                if (hgrn2) k = oneMinusExp(g);
                if (delta) {
                    beta = f(in.get("beta"));
                    for (int i = 0; i < beta.length; i++) beta[i] = (float) (1 / (1 + Math.exp(-beta[i])));
                    in.put("beta", Creation.of(beta, in.get("beta").shape()));
                }
                double[][] ref = Reference.recurrence(delta, "gk".equals(gate), B, T, H, K, V, Math.pow(K, -0.5), q, k, v, g, beta, null);
                close(op + " T=" + T, ref[0], run(p, in));
            }
        }
    }

    /** Plans with bf16 inputs (gates stay f32, as the language requires): bf16 loads in the generated kernels. */
    @Test
    void bf16Plans() {
        Path root = Files.isDirectory(Path.of("../stdlib")) ? Path.of("..") : Path.of(".");
        String text = """
                import std.ops.*
                fn norm_bf16(x: bf16[B, T, D], w: [D]) -> [B, T, D] = rmsnorm(x, w)
                fn gdr_bf16(q: bf16[B, T, H, K], k: bf16[B, T, H, K], v: bf16[B, T, H, V], g: [B, T, H], beta: [B, T, H]) -> [B, T, H, V] =
                    gated_delta_rule(q, k, v, g, beta)
                """;
        CheckResult r = Frontend.check(new Source("bf16.lin", text), root.toAbsolutePath().normalize());
        assertTrue(r.ok(), r.diagnostics().toString());
        int T = 70, D = 48, H = 3, K = 32, V = 40;
        var rnd = new Random(21);
        KernelPlan p = KernelPlan.of(KernelGraph.build(r.program(), "norm_bf16", DIMS).graph());
        var in = inputs(p, T, Map.of(), rnd);
        float[] x = Reference.bf16(f(in.get("x"))), w = f(in.get("w"));
        in.put("x", Creation.of(x, in.get("x").shape()).to(org.linlang.runtime.tensor.DType.BF16));
        double[] ref = new double[x.length];
        for (int row = 0; row < x.length / D; row++) {
            double s = 0;
            for (int i = 0; i < D; i++) s += (double) x[row * D + i] * x[row * D + i];
            for (int i = 0; i < D; i++) ref[row * D + i] = x[row * D + i] / Math.sqrt(s / D + 1e-6) * w[i];
        }
        close("rmsnorm, bf16 x", ref, run(p, in));

        p = KernelPlan.of(KernelGraph.build(r.program(), "gdr_bf16", DIMS).graph());
        in = inputs(p, T, Map.of(), rnd);
        float[] q = Reference.bf16(f(in.get("q"))), k = f(in.get("k")), v = Reference.bf16(f(in.get("v")));
        RecurrenceKernelsOpenClTest.normalizeRows(k, K);
        k = Reference.bf16(k);
        float[] g = f(in.get("g")), beta = f(in.get("beta"));
        for (int i = 0; i < g.length; i++) {
            g[i] = -Math.abs(g[i]) * 0.5f;
            beta[i] = (float) (1 / (1 + Math.exp(-beta[i])));
        }
        for (String n : List.of("q", "k", "v")) {
            float[] data = n.equals("q") ? q : n.equals("k") ? k : v;
            in.put(n, Creation.of(data, in.get(n).shape()).to(org.linlang.runtime.tensor.DType.BF16));
        }
        in.put("g", Creation.of(g, in.get("g").shape()));
        in.put("beta", Creation.of(beta, in.get("beta").shape()));
        double[][] ref2 = Reference.recurrence(true, false, B, T, H, K, V, Math.pow(K, -0.5), q, k, v, g, beta, null);
        float[] got = run(p, in);
        // the output is bf16 (the type of q): compare with the reference rounded the same way
        double e = Reference.relRms(ref2[0], got);
        assertTrue(e <= 8e-3, "gated_delta_rule, bf16 q k v: relative RMS error " + e);
    }

    /** Each recurrence's step plan (the sequential kernel, state in and out) run for several tokens, the state fed back, against float64. */
    @Test
    void decodeStepsThroughTheStepPlans() {
        int H = 3, K = 32, V = 40, steps = 6;
        for (String op : List.of("linear_attn", "simple_gla", "gla", "hgrn2", "delta_rule", "gated_delta_rule")) {
            var r = new Random(op.hashCode());
            KernelPlan p = plan(op + ".step", DIMS);
            boolean delta = op.contains("delta"), hgrn2 = op.equals("hgrn2");
            String gate = op.equals("gla") || hgrn2 ? "gk" : op.equals("simple_gla") || op.equals("gated_delta_rule") ? "g" : null;
            int n = B * steps * H;
            float[] q = Reference.normal(r, n * K, 1), k = Reference.normal(r, n * K, 1), v = Reference.normal(r, n * V, 1);
            if (delta) RecurrenceKernelsOpenClTest.normalizeRows(k, K);
            float[] g = null, beta = null;
            if (gate != null) {
                g = new float[n * (gate.equals("gk") ? K : 1)];
                for (int i = 0; i < g.length; i++) g[i] = (float) (-0.5 * r.nextDouble());
            }
            if (delta) {
                beta = new float[n];
                for (int i = 0; i < n; i++) beta[i] = (float) r.nextDouble();
            }
            float[] s0 = Reference.normal(r, B * H * K * V, 0.5);
            if (hgrn2) k = oneMinusExp(g);
            double[][] ref = Reference.recurrence(delta, gate != null && gate.equals("gk"), B, steps, H, K, V, Math.pow(K, -0.5), q, k, v, g, beta, s0);
            float[] state = s0.clone();
            float[] out = new float[B * steps * H * V];
            try (var runner = new OpenClPlanRunner(dev, p)) {
                for (int t = 0; t < steps; t++) {
                    var in = new java.util.LinkedHashMap<String, Tensor>();
                    in.put("q", Creation.of(slice(q, B, steps, H * K, t), B, 1, H, K));
                    if (!hgrn2) in.put("k", Creation.of(slice(k, B, steps, H * K, t), B, 1, H, K));
                    in.put("v", Creation.of(slice(v, B, steps, H * V, t), B, 1, H, V));
                    if (gate != null) {
                        int per = gate.equals("gk") ? H * K : H;
                        in.put(gate, gate.equals("gk") ? Creation.of(slice(g, B, steps, per, t), B, 1, H, K) : Creation.of(slice(g, B, steps, per, t), B, 1, H));
                    }
                    if (delta) in.put("beta", Creation.of(slice(beta, B, steps, H, t), B, 1, H));
                    in.put("S", Creation.of(state, B, H, K, V));
                    Map<String, Tensor> res = runner.run(in);
                    float[] o = res.get("out").toFloatArray();
                    for (int b = 0; b < B; b++) System.arraycopy(o, b * H * V, out, (b * steps + t) * H * V, H * V);
                    state = res.get("S").toFloatArray();
                }
            }
            close(op + ".step x" + steps + " outputs", ref[0], out);
            close(op + ".step x" + steps + " final state", ref[1], state);
        }
    }

    /**
     * Recurrences whose pieces are expressions of the step's inputs, computed inside the chunked and
     * sequential kernels: feature maps on q, k and v, a decay given as a factor and applied after the
     * write (the classifier folds it into the value), β as a function of an input. The reference
     * evaluates the pieces in float64 and runs the plain recurrence on them.
     */
    @Test
    void piecesThatAreExpressionsOfTheInputs() {
        Path root = Files.isDirectory(Path.of("../stdlib")) ? Path.of("..") : Path.of(".");
        CheckResult cr = Frontend.check(new Source("pieces.lin", """
                recurrence feat(q: [K], k: [K], v: [V], f: f32, scale: float = K ** -0.5) -> [V]
                    state S: [K, V] = 0
                {
                    S = S + outer(elu(k) + 1.0, silu(v))
                    S = sigmoid(f) * S
                    emit (scale * relu(q)) @ S
                }
                recurrence folded(q: [K], k: [K], v: [V], g: f32, b: f32, scale: float = K ** -0.5) -> [V]
                    state S: [K, V] = 0
                {
                    S = exp(g) * S
                    S = S + outer(k, sigmoid(b) * (v - k @ S))
                    emit (scale * q) @ S
                }
                """), root.toAbsolutePath().normalize());
        assertTrue(cr.ok(), cr.diagnostics().toString());
        int H = 3, K = 32, V = 40;
        for (String op : List.of("feat", "folded")) {
            for (String entry : List.of(op, op + ".step")) {
                int T = entry.endsWith(".step") ? 1 : 70;
                var r = new Random(op.hashCode() + T);
                KernelPlan p = KernelPlan.of(KernelGraph.build(cr.program(), entry, DIMS).graph());
                var in = inputs(p, T, Map.of(), r);
                int n = B * T * H;
                float[] q = f(in.get("q")), k = f(in.get("k")), v = f(in.get("v"));
                float[] s0 = null;
                if (entry.endsWith(".step")) {
                    s0 = Reference.normal(r, B * H * K * V, 0.5);
                    in.put("S", Creation.of(s0, B, H, K, V));
                }
                float[] qq = new float[q.length], kk = new float[k.length], vv = new float[v.length], g = new float[n], beta = null;
                boolean delta = op.equals("folded");
                if (delta) {
                    RecurrenceKernelsOpenClTest.normalizeRows(k, K);
                    in.put("k", Creation.of(k, in.get("k").shape()));
                    float[] gs = f(in.get("g")), b = f(in.get("b"));
                    beta = new float[n];
                    for (int i = 0; i < n; i++) {
                        gs[i] = -Math.abs(gs[i]) * 0.5f;
                        g[i] = gs[i];
                        beta[i] = (float) (1 / (1 + Math.exp(-b[i])));
                    }
                    in.put("g", Creation.of(gs, in.get("g").shape()));
                    System.arraycopy(q, 0, qq, 0, q.length);
                    System.arraycopy(k, 0, kk, 0, k.length);
                    System.arraycopy(v, 0, vv, 0, v.length);
                } else {
                    float[] fg = f(in.get("f"));
                    for (int i = 0; i < q.length; i++) qq[i] = Math.max(q[i], 0);
                    for (int i = 0; i < k.length; i++) kk[i] = (float) (k[i] > 0 ? k[i] + 1 : Math.exp(k[i]));
                    for (int row = 0; row < n; row++) {
                        double a = 1 / (1 + Math.exp(-fg[row]));
                        g[row] = (float) Math.log(a);
                        // S_t = a (S_{t-1} + k vᵀ) = a S_{t-1} + k (a v)ᵀ
                        for (int j = 0; j < V; j++) vv[row * V + j] = (float) (a * v[row * V + j] / (1 + Math.exp(-v[row * V + j])));
                    }
                }
                double[][] ref = Reference.recurrence(delta, false, B, T, H, K, V, Math.pow(K, -0.5), qq, kk, vv, g, beta, s0);
                Map<String, Tensor> res;
                try (var runner = new OpenClPlanRunner(dev, p)) {
                    res = runner.run(in);
                }
                close(entry + " outputs", ref[0], res.values().iterator().next().toFloatArray());
                if (s0 != null) close(entry + " final state", ref[1], res.get("S").toFloatArray());
            }
        }
    }

    /** HGRN2's key from its log-forget gates: 1 − exp(gk), elementwise (in float64, then stored as f32). */
    static float[] oneMinusExp(float[] gk) {
        float[] k = new float[gk.length];
        for (int i = 0; i < k.length; i++) k[i] = (float) (1 - Math.exp(gk[i]));
        return k;
    }

    /** Token t of a [B, T, width] array, as [B, width]. */
    private static float[] slice(float[] a, int b, int steps, int width, int t) {
        float[] out = new float[b * width];
        for (int i = 0; i < b; i++) System.arraycopy(a, (i * steps + t) * width, out, i * width, width);
        return out;
    }
}
