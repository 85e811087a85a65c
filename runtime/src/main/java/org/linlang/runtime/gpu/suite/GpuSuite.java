package org.linlang.runtime.gpu.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.codegen.KernelParam;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.RecurrenceKernels;
import org.linlang.compiler.codegen.RecurrenceSpec;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Sym;
import org.linlang.runtime.cpu.DeltaRecurrence;
import org.linlang.runtime.cpu.DiagonalRecurrence;
import org.linlang.runtime.gpu.DevicePlanRunner;
import org.linlang.runtime.gpu.OpenClDevice;
import org.linlang.runtime.gpu.OpenClPlanRunner;
import org.linlang.runtime.gpu.cuda.CudaCompiler;
import org.linlang.runtime.gpu.cuda.CudaDriver;
import org.linlang.runtime.gpu.cuda.CudaPlanRunner;
import org.linlang.runtime.gpu.cuda.KernelCache;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/**
 * The GPU suite (bench/gpu/run.sh), one part per JVM: {@code kernels} (1) every std op's prefill plan on
 * the cuda engine against the cpu engine (recurrences) or float64 references written here (functions),
 * tiny_hybrid's plan against the interpreter's logits, (2) the chunked recurrence kernels of
 * gated_delta_rule, gla and simple_gla at B=4 T=8192 H=16 K=V=128 with bf16 inputs, timed, and checked
 * against the sequential kernel on the GPU, (3) the decode step (sequential kernel, T=1) latency;
 * {@code models} every example model whole on the device engine against the interpreter
 * ({@link ExampleModels}); {@code decode} the example hybrids' decode step at d = 1024 on the device and
 * cpu engines ({@link DecodeLatency}); {@code references} checkpoints against transformers' logits
 * ({@link HfReferences}). Each part appends its rows to {@code results-PART.md} as they end and logs to
 * {@code suite-PART.log}; exit status 1 when a check of the part fails.
 */
public final class GpuSuite {
    private final PrintStream log;
    private SuiteReport report;

    private GpuSuite(PrintStream log) { this.log = log; }

    /** The parts, each run in its own JVM by run.sh (its own timeout) and writing {@code results-PART.md} row by row. */
    static final List<String> PARTS = List.of("kernels", "models", "decode", "references");

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !PARTS.contains(args[1]) || args.length < 3 && !args[1].equals("kernels") || args.length > 3 && !args[1].equals("references")) {
            System.err.println("usage: GpuSuite OUT_DIR kernels [MODELS_DIR] | models EXAMPLES_DIR | decode EXAMPLES_DIR | references FIXTURES_DIR...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        String part = args[1];
        Path dir = args.length > 2 ? Path.of(args[2]) : null;
        List<Path> dirs = Arrays.stream(args).skip(2).map(Path::of).toList();
        try (PrintStream log = new PrintStream(Files.newOutputStream(out.resolve("suite-" + part + ".log")), true, "UTF-8")) {
            var suite = new GpuSuite(new PrintStream(new Tee(System.out, log), true, "UTF-8"));
            int status;
            try {
                status = suite.run(out, part, dir, dirs);
            } catch (Throwable e) { // a part that breaks still leaves its rows and one FAIL saying why
                if (suite.report != null) suite.report.error(part + " part", e);
                e.printStackTrace(suite.log);
                status = 1;
            }
            System.exit(status);
        }
    }

    /** The engine the whole-model parts compare with interp and cpu: cuda, or opencl to test the harness on PoCL. */
    static String deviceEngine() { return System.getProperty("lin.gpuSuite.engine", "cuda"); }

    private int run(Path out, String part, Path dir, List<Path> dirs) throws IOException {
        boolean dry = Boolean.getBoolean("lin.gpuSuite.dryRun");
        String engine = deviceEngine();
        boolean device = !dry || !engine.equals("cuda");
        report = new SuiteReport(out.resolve("results-" + part + ".md"), log, switch (part) {
            case "kernels" -> "Kernels: std ops, tiny_hybrid's plan, recurrence timings (" + (dry && engine.equals("opencl") ? "opencl, dry run" : "cuda") + ")";
            case "models" -> "Example models whole, " + engine + " vs interp";
            case "decode" -> "Decode step of the example hybrids, " + engine + " and cpu";
            default -> "Checkpoints against reference logits";
        });
        log.printf("part %s, engine %s%s, started %s%n", part, engine, dry ? " (dry run)" : "", Instant.now());
        Path scratch = Files.createTempDirectory("lin-gpu-suite");
        switch (part) {
            case "kernels" -> {
                if (dry && engine.equals("opencl")) { // the same checks on PoCL: the harness and its float64 references tested
                    dryRun(dir);
                    var dev = OpenClDevice.open();
                    correctness("opencl", plan -> new OpenClPlanRunner(dev, plan));
                    if (dir != null) tinyHybrid("opencl", plan -> new OpenClPlanRunner(dev, plan), dir);
                } else if (dry) {
                    return dryRun(dir);
                } else {
                    kernels(dir);
                }
            }
            case "models" -> {
                var m = new ExampleModels(report, engine);
                if (device) m.run(dir, scratch);
                else m.checkOnly(dir);
            }
            case "decode" -> {
                List<String> engines = device ? List.of("cpu", engine) : List.of("cpu");
                new DecodeLatency(report).run(dir, dry ? DecodeLatency.SMALL : DecodeLatency.REALISTIC, engines, dry ? 3 : DecodeLatency.STEPS);
            }
            default -> {
                for (Path d : dirs) {
                    new HfReferences(report).run(d, Files.exists(d.resolve("status.txt")) ? "transformers" : "numpy fixture",
                            device ? List.of("interp", "cpu", engine) : List.of("interp", "cpu"));
                }
            }
        }
        return report.failed() ? 1 : 0;
    }

    private void kernels(Path models) throws IOException {
        CudaDriver cuda;
        try {
            cuda = CudaDriver.open();
        } catch (RuntimeException e) {
            report.row("open the cuda driver", false, e.getMessage());
            return;
        }
        CudaCompiler compiler = CudaCompiler.find();
        var cache = new KernelCache(Files.createTempDirectory("lin-gpu-kernel-cache"), compiler);
        report.row("device", true, cuda.name() + " (" + cuda.arch() + "), " + compiler.describe());
        correctness("cuda", plan -> new CudaPlanRunner(cuda, cache, plan));
        if (models != null) tinyHybrid("cuda", plan -> new CudaPlanRunner(cuda, cache, plan), models);
        prefillBench(cuda, cache);
        TensorCoreChecks.run(cuda, cache, log, this::row);
        decodeBench(cuda, cache);
    }

    private void row(String check, boolean ok, String figure) { report.row(check, ok, figure); }

    /**
     * Everything but the device (-Dlin.gpuSuite.dryRun=true): plans, kernel sources, inputs and
     * references, so that a bundle missing a class fails here, before a GPU machine is spent on it.
     */
    private int dryRun(Path models) throws IOException {
        CheckResult r = Frontend.check(new Source("suite.lin", "import std.ops.*\n"));
        if (!r.ok()) throw new IllegalStateException(r.diagnostics().toString());
        var rnd = new Random(1);
        int kernels = 0;
        for (String op : List.of("l2norm", "rmsnorm", "gated_rmsnorm", "swiglu", "short_conv", "rope", "softmax_attn", "linear_attn",
                "simple_gla", "gla", "delta_rule", "gated_delta_rule")) {
            KernelPlan plan = KernelPlan.of(KernelGraph.build(r.program(), op, DIMS).graph());
            kernels += plan.kernels(Prelude.Target.CUDA).size();
            double[] ref = reference(op, inputs(plan, 2, 70, rnd, op), 70);
            log.println("dry run: " + op + " plan and reference (" + ref.length + " values)");
        }
        if (models != null) {
            CheckResult checked = Frontend.check(models.resolve("tiny_hybrid.lin"));
            KernelPlan plan = KernelPlan.of(KernelGraph.build(checked.program(), "TinyHybrid", Map.of("vocab", 64L, "d", 32L, "layers", 4L, "heads", 2L)).graph());
            var w = org.linlang.runtime.tensor.SafeTensors.read(models.resolve("tiny_hybrid.weights.safetensors")).tensors();
            log.println("dry run: tiny_hybrid plan (" + plan.kernels(Prelude.Target.CUDA).size() + " kernels), " + w.size() + " weights");
        }
        var spec = new RecurrenceSpec(true, RecurrenceSpec.Gate.HEAD, 128, 128, 0.1, DType.BF16, DType.F32, DType.BF16, false, false);
        log.println("dry run: " + RecurrenceKernels.chunked("c", spec, Dim.of(64)).role() + ", " + kernels + " std op kernels: ok");
        TensorCoreChecks.dryRun().forEach(log::println);
        report.row("dry run: std op plans and references, tiny_hybrid's plan and weights, a chunked kernel's source, the tensor-core checks' kernels and inputs", true, kernels + " std op kernels");
        return 0;
    }

    // ---- 1. every std op, cuda against cpu / float64 ----------------------------------------------

    static final Map<String, Long> DIMS = Map.of("D", 48L, "K", 32L, "V", 40L, "H", 3L, "C", 24L, "W", 4L, "R", 8L);

    private void correctness(String engine, Function<KernelPlan, DevicePlanRunner<?>> runners) {
        CheckResult r = Frontend.check(new Source("suite.lin", "import std.ops.*\n"));
        if (!r.ok()) throw new IllegalStateException(r.diagnostics().toString());
        var rnd = new Random(1);
        for (String op : List.of("l2norm", "rmsnorm", "gated_rmsnorm", "swiglu", "short_conv", "rope", "softmax_attn", "linear_attn",
                "simple_gla", "gla", "delta_rule", "gated_delta_rule")) {
            for (int T : new int[] {1, 70, 300}) {
                try {
                    KernelPlan plan = KernelPlan.of(KernelGraph.build(r.program(), op, DIMS).graph());
                    Map<String, Tensor> in = inputs(plan, 2, T, rnd, op);
                    double[] ref = reference(op, in, T);
                    try (var runner = runners.apply(plan)) {
                        float[] got = runner.run(in).values().iterator().next().toFloatArray();
                        double e = relRms(ref, got);
                        row(engine + " " + op + " B=2 T=" + T + " vs " + (isRecurrence(op) ? "cpu engine" : "float64"), e <= 1e-4,
                                String.format(Locale.ROOT, "rel RMS %.2e", e));
                    }
                } catch (RuntimeException e) {
                    row(engine + " " + op + " T=" + T, false, e.toString().replace('\n', ' ').replace('|', '/'));
                    e.printStackTrace(log);
                }
            }
        }
    }

    private static boolean isRecurrence(String op) { return op.contains("attn") && !op.equals("softmax_attn") || op.contains("gla") || op.contains("delta"); }

    private static Map<String, Tensor> inputs(KernelPlan plan, int B, int T, Random r, String op) {
        var out = new LinkedHashMap<String, Tensor>();
        for (Node n : plan.graph().nodes()) {
            if (n.op() != Op.INPUT) continue;
            long[] shape = new long[n.type().rank()];
            long count = 1;
            for (int a = 0; a < shape.length; a++) {
                Dim d = n.type().dim(a);
                var bind = new HashMap<Sym, Dim>();
                // S: the keys of softmax_attn, as many as the queries in a prefill without a cache
                for (Sym s : d.symbols()) bind.put(s, Dim.of(s.name.equals("B") ? B : s.name.equals("T") || s.name.equals("S") ? T : s.name.equals("Hk") ? 3 : 1));
                shape[a] = d.substitute(bind).constant();
                count *= shape[a];
            }
            float[] x = new float[(int) count];
            String name = n.name();
            for (int i = 0; i < x.length; i++) {
                double u = r.nextGaussian();
                x[i] = (float) (switch (name) {
                    case "g", "gk" -> -0.5 * Math.abs(u);
                    case "beta" -> 1 / (1 + Math.exp(-u));
                    default -> u;
                });
            }
            if (name.equals("k") && op.contains("delta")) {
                int K = (int) shape[shape.length - 1];
                for (int row = 0; row < x.length / K; row++) {
                    double s = 0;
                    for (int i = 0; i < K; i++) s += x[row * K + i] * x[row * K + i];
                    for (int i = 0; i < K; i++) x[row * K + i] /= (float) Math.sqrt(s);
                }
            }
            out.put(name, Creation.of(x, shape));
        }
        return out;
    }

    private static float[] f(Tensor t) { return t.toFloatArray(); }

    /** The reference output: the cpu engine for recurrences, float64 loops for functions. */
    private static double[] reference(String op, Map<String, Tensor> in, int T) {
        int B = 2;
        switch (op) {
            case "linear_attn", "simple_gla", "gla", "delta_rule", "gated_delta_rule" -> {
                Tensor q = in.get("q"), k = in.get("k"), v = in.get("v");
                double scale = Math.pow(q.dim(-1), -0.5);
                Tensor g = in.get(op.equals("gla") ? "gk" : "g");
                Tensor o = op.contains("delta") ? DeltaRecurrence.chunked(q, k, v, in.get("beta"), g, scale, null, false).output()
                        : DiagonalRecurrence.chunked(q, k, v, g, scale, null, false).output();
                return o.toDoubleArray();
            }
            case "softmax_attn" -> { // the plan takes the optional gate and sinks as inputs too: sigmoid(gate) on the output, one sink logit per head
                float[] q = f(in.get("q")), k = f(in.get("k")), v = f(in.get("v"));
                float[] gate = in.containsKey("gate") ? f(in.get("gate")) : null, sinks = in.containsKey("sinks") ? f(in.get("sinks")) : null;
                int H = (int) in.get("q").dim(2), K = (int) in.get("q").dim(3), V = (int) in.get("v").dim(3);
                double[] o = new double[B * T * H * V];
                for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) for (int h = 0; h < H; h++) {
                    double[] s = new double[t + 1];
                    double m = sinks != null ? sinks[h] : Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j <= t; j++) {
                        double d = 0;
                        for (int i = 0; i < K; i++) d += (double) q[((b * T + t) * H + h) * K + i] * k[((b * T + j) * H + h) * K + i];
                        s[j] = d / Math.sqrt(K);
                        m = Math.max(m, s[j]);
                    }
                    for (int j = 0; j <= t; j++) sum += Math.exp(s[j] - m);
                    if (sinks != null) sum += Math.exp(sinks[h] - m);
                    for (int c = 0; c < V; c++) {
                        double acc = 0;
                        for (int j = 0; j <= t; j++) acc += Math.exp(s[j] - m) / sum * v[((b * T + j) * H + h) * V + c];
                        int at = ((b * T + t) * H + h) * V + c;
                        o[at] = gate == null ? acc : acc / (1 + Math.exp(-gate[at]));
                    }
                }
                return o;
            }
            case "swiglu" -> {
                float[] g = f(in.get("gate")), u = f(in.get("up"));
                double[] o = new double[g.length];
                for (int i = 0; i < g.length; i++) o[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                return o;
            }
            case "short_conv" -> {
                float[] x = f(in.get("x")), w = f(in.get("weight")), bias = in.containsKey("bias") ? f(in.get("bias")) : null;
                int C = 24, W = 4;
                double[] o = new double[x.length];
                for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) for (int c = 0; c < C; c++) {
                    double acc = 0;
                    for (int j = 0; j < W; j++) if (t - W + 1 + j >= 0) acc += (double) w[c * W + j] * x[(b * T + t - W + 1 + j) * C + c];
                    o[(b * T + t) * C + c] = bias == null ? acc : acc + bias[c];
                }
                return o;
            }
            case "rope" -> {
                float[] x = f(in.get("x")), pos = f(in.get("positions"));
                int H = (int) in.get("x").dim(2), R = (int) in.get("x").dim(3) / 2, D = 2 * R;
                double[] o = new double[x.length];
                for (int bt = 0; bt < B * T; bt++) for (int h = 0; h < H; h++) {
                    int base = (bt * H + h) * D;
                    for (int i = 0; i < R; i++) {
                        double ang = pos[bt] / Math.pow(10000.0, i * (2.0 / D));
                        o[base + i] = x[base + i] * Math.cos(ang) - x[base + R + i] * Math.sin(ang);
                        o[base + R + i] = x[base + R + i] * Math.cos(ang) + x[base + i] * Math.sin(ang);
                    }
                }
                return o;
            }
            default -> { // the norms over the last axis
                float[] x = f(in.get("x"));
                int D = (int) in.get("x").dim(-1);
                double[] o = new double[x.length];
                for (int row = 0; row < x.length / D; row++) {
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
                        o[row * D + i] = y;
                    }
                }
                return o;
            }
        }
    }

    static double relRms(double[] ref, float[] x) {
        if (ref.length != x.length) return Double.POSITIVE_INFINITY;
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            if (!Float.isFinite(x[i])) return Double.POSITIVE_INFINITY;
            num += (ref[i] - x[i]) * (ref[i] - x[i]);
            den += ref[i] * ref[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }

    /** The example model's prefill on cuda against the interpreter's logits made on the development machine (build-bundle.sh). */
    private void tinyHybrid(String engine, Function<KernelPlan, DevicePlanRunner<?>> runners, Path models) {
        try {
            Path example = models.resolve("tiny_hybrid.lin");
            CheckResult checked = Frontend.check(example);
            if (!checked.ok()) throw new IllegalStateException(checked.diagnostics().toString());
            KernelPlan plan = KernelPlan.of(KernelGraph.build(checked.program(), "TinyHybrid",
                    Map.of("vocab", 64L, "d", 32L, "layers", 4L, "heads", 2L)).graph());
            Map<String, Tensor> values = new HashMap<>(org.linlang.runtime.tensor.SafeTensors.read(models.resolve("tiny_hybrid.weights.safetensors")).tensors());
            Map<String, Tensor> io = org.linlang.runtime.tensor.SafeTensors.read(models.resolve("tiny_hybrid.io.safetensors")).tensors();
            values.put("ids", io.get("ids"));
            try (var runner = runners.apply(plan)) {
                float[] got = runner.run(values).values().iterator().next().toFloatArray();
                double e = relRms(io.get("logits").toDoubleArray(), got);
                row(engine + " tiny_hybrid prefill (vocab 64, d 32, 4 layers) B=2 T=70 vs interpreter", e <= 1e-4,
                        String.format(Locale.ROOT, "rel RMS %.2e over %d kernels", e, plan.kernels(Prelude.Target.CUDA).size()));
            }
        } catch (IOException | RuntimeException e) {
            row(engine + " tiny_hybrid prefill", false, e.toString().replace('\n', ' ').replace('|', '/'));
            e.printStackTrace(log);
        }
    }

    // ---- 2. prefill timings, bf16 -----------------------------------------------------------------

    private record Op3(String name, boolean delta, RecurrenceSpec.Gate gate) {}

    private void prefillBench(CudaDriver cuda, KernelCache cache) {
        int B = 4, T = 8192, H = 16, K = 128, V = 128;
        for (Op3 op : List.of(new Op3("gated_delta_rule", true, RecurrenceSpec.Gate.HEAD), new Op3("gla", false, RecurrenceSpec.Gate.CHANNEL),
                new Op3("simple_gla", false, RecurrenceSpec.Gate.HEAD))) {
            try {
                var spec = new RecurrenceSpec(op.delta, op.gate, K, V, Math.pow(K, -0.5), DType.BF16, DType.F32, DType.BF16, false, false);
                KernelSource chunked = RecurrenceKernels.chunked("chunked", spec, Dim.of((long) B * H));
                KernelSource seq = RecurrenceKernels.sequential("sequential", spec, Dim.of((long) B * H * V));
                var bufs = new Buffers(cuda, new Random(2));
                long rows = (long) B * T * H;
                Map<String, Long> ptr = new LinkedHashMap<>();
                ptr.put("q", bufs.bf16(rows * K, 1, false));
                ptr.put("k", bufs.bf16(rows * K, 1, op.delta));
                ptr.put("v", bufs.bf16(rows * V, 1, false));
                ptr.put("g", bufs.gate(rows * (op.gate == RecurrenceSpec.Gate.CHANNEL ? K : 1)));
                if (op.delta) ptr.put("beta", bufs.beta(rows));
                ptr.put("o", cuda.alloc(rows * V * 2));
                long oSeq = cuda.alloc(rows * V * 2);
                MemorySegment fc = launch(cuda, cache, chunked), fs = launch(cuda, cache, seq);
                long[] a = args(chunked, ptr, B, T, H);
                double ms = time(cuda, () -> cuda.launch(fc, chunked.launch().groups(chunked.launch().threads().constant()), chunked.launch().local(), a), 10);
                ptr.put("o", oSeq);
                long[] sa = args(seq, ptr, B, T, H);
                cuda.launch(fs, seq.launch().groups((long) B * H * V), seq.launch().local(), sa);
                cuda.synchronize();
                double e = relRms(bufs.readBf16(a[indexOf(chunked, "o")], rows * V), bufs.readBf16Float(oSeq, rows * V));
                double flops = op.delta ? 4.0 * B * H * T * (64.0 * K + 2.0 * K * V) : 2.0 * B * H * T * (64.0 * K + 2.0 * K * V);
                row(op.name + " prefill B=4 T=8192 H=16 K=V=128 bf16, chunked kernel", e <= 2e-2,
                        String.format(Locale.ROOT, "%.3f ms (≈%.1f TFLOP/s of chunked-form flops); vs the sequential kernel rel RMS %.1e", ms, flops / ms / 1e9, e));
                bufs.freeAll();
                cuda.free(a[indexOf(chunked, "o")]);
                cuda.free(oSeq);
            } catch (RuntimeException e) {
                row(op.name + " prefill bench", false, e.toString().replace('\n', ' '));
                e.printStackTrace(log);
            }
        }
    }

    // ---- 3. decode latency ------------------------------------------------------------------------

    private void decodeBench(CudaDriver cuda, KernelCache cache) {
        int B = 1, H = 16, K = 128, V = 128;
        for (Op3 op : List.of(new Op3("gated_delta_rule", true, RecurrenceSpec.Gate.HEAD), new Op3("gla", false, RecurrenceSpec.Gate.CHANNEL))) {
            for (DType dt : List.of(DType.F32, DType.BF16)) {
                try {
                    var spec = new RecurrenceSpec(op.delta, op.gate, K, V, Math.pow(K, -0.5), dt, DType.F32, dt, true, true);
                    KernelSource seq = RecurrenceKernels.sequential("step", spec, Dim.of((long) B * H * V));
                    var bufs = new Buffers(cuda, new Random(3));
                    long rows = (long) B * H;
                    int es = dt == DType.F32 ? 4 : 2;
                    Map<String, Long> ptr = new LinkedHashMap<>();
                    ptr.put("q", bufs.zeros(rows * K * es));
                    ptr.put("k", bufs.zeros(rows * K * es));
                    ptr.put("v", bufs.zeros(rows * V * es));
                    ptr.put("g", bufs.zeros(rows * (op.gate == RecurrenceSpec.Gate.CHANNEL ? K : 1) * 4));
                    if (op.delta) ptr.put("beta", bufs.zeros(rows * 4));
                    long state = bufs.zeros(rows * K * V * 4);
                    ptr.put("s0", state);
                    ptr.put("s1", state);
                    ptr.put("o", bufs.zeros(rows * V * es));
                    MemorySegment fs = launch(cuda, cache, seq);
                    long[] a = args(seq, ptr, B, 1, H);
                    double ms = time(cuda, () -> cuda.launch(fs, seq.launch().groups(rows * V), seq.launch().local(), a), 200);
                    row(op.name + " decode step B=1 H=16 K=V=128 " + dt.lin() + " (sequential kernel, state in place)", true,
                            String.format(Locale.ROOT, "%.1f us per step incl. launch and sync", ms * 1000));
                    bufs.freeAll();
                } catch (RuntimeException e) {
                    row(op.name + " decode bench", false, e.toString().replace('\n', ' '));
                    e.printStackTrace(log);
                }
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static MemorySegment launch(CudaDriver cuda, KernelCache cache, KernelSource k) {
        return cuda.function(cuda.loadModule(cache.cubin(k.unit(Prelude.Target.CUDA), cuda.arch())), k.name());
    }

    private static int indexOf(KernelSource k, String name) {
        for (int i = 0; i < k.params().size(); i++) if (k.params().get(i).name().equals(name)) return i;
        throw new IllegalArgumentException(name);
    }

    private static long[] args(KernelSource k, Map<String, Long> ptr, long B, long T, long H) {
        long[] a = new long[k.params().size()];
        for (int i = 0; i < a.length; i++) {
            KernelParam p = k.params().get(i);
            a[i] = switch (p.name()) {
                case "n_B" -> B;
                case "n_T" -> T;
                case "n_H" -> H;
                default -> ptr.get(p.name());
            };
        }
        return a;
    }

    /** The median milliseconds of {@code n} runs after 2 warm-up runs, each synchronised. */
    static double time(CudaDriver cuda, Runnable r, int n) {
        for (int i = 0; i < 2; i++) r.run();
        cuda.synchronize();
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            r.run();
            cuda.synchronize();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[n / 2];
    }

    /** Device buffers filled from the host, freed together. */
    private static final class Buffers {
        final CudaDriver cuda;
        final Random r;
        final List<Long> all = new ArrayList<>();

        Buffers(CudaDriver cuda, Random r) {
            this.cuda = cuda;
            this.r = r;
        }

        long put(MemorySegment host) {
            long p = cuda.alloc(host.byteSize());
            cuda.upload(p, host);
            all.add(p);
            return p;
        }

        long zeros(long bytes) {
            long p = cuda.alloc(bytes);
            cuda.zero(p, bytes);
            all.add(p);
            return p;
        }

        long bf16(long n, double sd, boolean unitRows128) {
            MemorySegment m = Arena.ofAuto().allocate(2 * n, 8);
            float[] row = new float[128];
            for (long i = 0; i < n; i += 128) {
                double s = 0;
                for (int j = 0; j < 128 && i + j < n; j++) {
                    row[j] = (float) (r.nextGaussian() * sd);
                    s += row[j] * row[j];
                }
                for (int j = 0; j < 128 && i + j < n; j++) {
                    float x = unitRows128 ? (float) (row[j] / Math.sqrt(s)) : row[j];
                    m.setAtIndex(ValueLayout.JAVA_SHORT, i + j, (short) bits(x));
                }
            }
            return put(m);
        }

        /** f32 log-decays in [-0.1, 0): gates stay f32 in Lin's recurrences. */
        long gate(long n) {
            MemorySegment m = Arena.ofAuto().allocate(4 * n, 8);
            for (long i = 0; i < n; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (-0.1 * r.nextDouble()));
            return put(m);
        }

        long beta(long n) {
            MemorySegment m = Arena.ofAuto().allocate(4 * n, 8);
            for (long i = 0; i < n; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble());
            return put(m);
        }

        static int bits(float f) {
            int u = Float.floatToRawIntBits(f);
            return (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
        }

        double[] readBf16(long p, long n) {
            float[] f = readBf16Float(p, n);
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) d[i] = f[i];
            return d;
        }

        float[] readBf16Float(long p, long n) {
            MemorySegment m = Arena.ofAuto().allocate(2 * n, 8);
            cuda.download(m, p);
            float[] f = new float[(int) n];
            for (int i = 0; i < n; i++) f[i] = Float.intBitsToFloat((m.getAtIndex(ValueLayout.JAVA_SHORT, i) & 0xffff) << 16);
            return f;
        }

        void freeAll() {
            all.forEach(cuda::free);
            all.clear();
        }
    }

    /** Writes to two streams. */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream a, b;

        Tee(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
