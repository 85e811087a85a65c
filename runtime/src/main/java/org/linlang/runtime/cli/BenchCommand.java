package org.linlang.runtime.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.graalvm.polyglot.Context;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.source.Source;
import org.linlang.runtime.cpu.ChunkFlops;
import org.linlang.runtime.cpu.CpuEngineException;
import org.linlang.runtime.cpu.CpuPlan;
import org.linlang.runtime.cpu.DeltaRecurrence;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Elementwise;
import org.linlang.runtime.tensor.LinAlg;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lin bench}: the cpu engine's figures with their baselines, measured in one run on this
 * machine (docs/cpu-kernels.md). Prints {@code key value} lines, then a summary with ratios:
 * <ul>
 *   <li>prefill: {@code std.ops.gated_delta_rule} and {@code gla} at B=1, T, H, K=V=128 f32 through the
 *       engine's compiled plan, against the numpy chunked baseline run right after, and GFLOP/s
 *       against ND4J's 4096³ sgemm measured in the same run;
 *   <li>decode: one Gated DeltaNet step at B=1 H=16 K=V=128 (the kernel into the caller's state, and
 *       the compiled {@code .step} plan) against one copy of the state's bytes;
 *   <li>model: a whole example model's prefill tokens/s on the cpu and interp engines, and its
 *       decode step where the compiler can derive one;
 *   <li>{@code --plot FILE.svg}: prefill time against T for each engine and baseline.
 * </ul>
 * The machine may be shared: the load average is printed at the start and at the end.
 * <p>With {@code --engine opencl|cuda}, {@link DeviceBench} times each kernel of a model file's calls
 * (or of {@code --op NAME}'s plans) on the device instead (docs/cuda.md, Inspection).
 */
@Command(name = "bench", description = {"Measure the cpu engine against its baselines (numpy chunked, ND4J sgemm, a memory copy, the interpreter);",
        "with --engine opencl|cuda, time each kernel of a model file's calls (or of --op NAME) on the device against its measured ceilings.",
        "Examples: lin bench --plot bench.svg; lin bench examples/hybrid_gated_deltanet.lin --engine cuda --T 2048; lin bench --op gated_delta_rule --engine opencl"})
final class BenchCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--T", description = "Sequence length of the prefill figures; default: 4096 (cpu), 256 (opencl, cuda).")
    Integer tOption;

    /** The cpu figures' T. */
    int t;

    @Option(names = "--H", defaultValue = "4", description = "Heads of the prefill figures; default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(names = "--engine", defaultValue = "cpu", paramLabel = "ENGINE",
            description = "cpu (the figures above), or opencl / cuda: per-kernel device times of FILE's model or of --op; default: ${DEFAULT-VALUE}.")
    String engine;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "With --engine opencl|cuda: the .lin file whose model is timed.")
    Path file;

    @Option(names = "--op", paramLabel = "NAME", description = "With --engine opencl|cuda: time std.ops.NAME (prefill and .step) instead of a file's model.")
    String op;

    @Option(names = "--instance", defaultValue = "model", paramLabel = "NAME",
            description = "With FILE: the top-level variable holding the model the file's script makes; default: ${DEFAULT-VALUE}.")
    String instance;

    @Option(names = "--arg", paramLabel = "NAME=INT", description = "With --op: a size of the op (K=64, V=64; K and V default to 128).")
    Map<String, Long> args = new LinkedHashMap<>();

    @Option(names = "--B", defaultValue = "1", description = "With --engine opencl|cuda: the batch; default: ${DEFAULT-VALUE}.")
    int b;

    @Option(names = "--top", defaultValue = "25", description = "With --engine opencl|cuda: the kernels listed per table, the most time first; default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--vocab", defaultValue = "2", description = "With FILE: token ids are drawn below the model's vocab, or below this when it has none; default: ${DEFAULT-VALUE}.")
    long vocab;

    @Option(names = "--copy-mib", description = "With --engine opencl|cuda: MiB of the bandwidth ceiling's copy; default: 1024 (cuda), 64 (opencl).")
    Long copyMiB;

    @Option(names = "--gemm-n", description = "With --engine opencl|cuda: n of the compute ceiling's n×n×n f32 GEMM; default: 8192 (cuda), 512 (opencl).")
    Integer gemmN;

    @Option(names = "--repeat", defaultValue = "7", description = "Timed runs per figure (the median is reported); default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds of the prefill comparison, Lin and numpy alternating (the median over rounds is reported); default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "SECONDS", description = "Warm-up before each figure; default: ${DEFAULT-VALUE}.")
    double warmup;

    @Option(names = "--parts", defaultValue = "prefill,sgemm,decode,model", split = ",",
            description = "Which figures: prefill, sgemm, decode, model; default: ${DEFAULT-VALUE}.")
    List<String> parts;

    @Option(names = "--numpy", paramLabel = "FILE", description = "The numpy baseline; default: $LIN_NUMPY_BASELINE or ../shared/baselines/numpy_chunked.py.")
    Path numpy;

    @Option(names = "--model", defaultValue = "examples/tiny_hybrid.lin", paramLabel = "FILE", description = "The model file; default: ${DEFAULT-VALUE}.")
    Path model;

    @Option(names = "--decode-model", defaultValue = "bench/models/session_hybrid.lin", paramLabel = "FILE",
            description = "The model whose session decodes (block states as caches); default: ${DEFAULT-VALUE}.")
    Path decodeModel;

    @Option(names = "--model-T", defaultValue = "512", description = "Prompt length of the model figure; default: ${DEFAULT-VALUE}.")
    int modelT;

    @Option(names = "--plot", paramLabel = "FILE.svg", description = "Also draw prefill time against T for each engine and baseline.")
    Path plot;

    @Option(names = "--lengths", defaultValue = "128,256,512,1024,2048,4096", split = ",", description = "The lengths of the plot.")
    List<Integer> lengths;

    @Option(names = "--interp-max-T", defaultValue = "1024", description = "The longest T the plot runs the interpreter at; default: ${DEFAULT-VALUE}.")
    int interpMaxT;

    private final Map<String, Double> figures = new LinkedHashMap<>();

    BenchCommand(Io io) {
        this.io = io;
    }

    Io io() { return io; }

    int batch() { return b; }

    int deviceT() { return tOption != null ? tOption : 256; }

    long copyBytes(String engine) { return (copyMiB != null ? copyMiB : engine.equals("cuda") ? 1024 : 64) << 20; }

    int gemmSize(String engine) { return gemmN != null ? gemmN : engine.equals("cuda") ? 8192 : 512; }

    @Override
    public Integer call() {
        if (!engine.equals("cpu")) {
            if (!engine.equals("opencl") && !engine.equals("cuda")) {
                io.err().println("lin bench: --engine is cpu, opencl or cuda, not " + engine);
                return LinCli.EXIT_USAGE;
            }
            try {
                return new DeviceBench(this, engine).run();
            } catch (IOException | RuntimeException e) {
                io.err().println("lin bench: " + e.getMessage());
                return LinCli.EXIT_ERRORS;
            } finally {
                io.out().flush();
            }
        }
        if (file != null || op != null) {
            io.err().println("lin bench: a FILE or --op is timed with --engine opencl or cuda; the cpu figures take neither");
            return LinCli.EXIT_USAGE;
        }
        t = tOption != null ? tOption : 4096;
        try {
            header();
            if (parts.contains("prefill")) prefill();
            if (parts.contains("sgemm")) sgemm();
            if (parts.contains("decode")) decode();
            if (parts.contains("model")) model();
            if (plot != null) plot();
            io.out().println("# load average at the end: " + load());
            summary();
            return LinCli.EXIT_OK;
        } catch (IOException | RuntimeException e) {
            io.err().println("lin bench: " + e.getMessage());
            return LinCli.EXIT_ERRORS;
        } finally {
            io.out().flush();
        }
    }

    private void header() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
        io.out().println("# machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", load average " + load());
        io.out().println("# date: " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        io.out().println("# java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        io.out().println("# OPENBLAS_CORETYPE=" + System.getenv().getOrDefault("OPENBLAS_CORETYPE", "<unset>"));
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private void put(String key, double value) {
        figures.put(key, value);
        io.out().printf(Locale.ROOT, "%s %.6g%n", key, value);
        io.out().flush();
    }

    // ---- prefill ----------------------------------------------------------------------------

    /** The compiled plan of one std.ops recurrence called on [B, T, H, …] inputs. */
    private static CpuPlan recurrencePlan(String op) {
        CheckResult checked = Frontend.check(new Source("<lin bench>", "import std.ops.{" + op + "}\n"));
        if (!checked.ok()) throw new IllegalStateException("cannot check std.ops");
        return CpuPlan.of(KernelGraph.build(checked.program(), op, Map.of("K", 128L, "V", 128L)).graph());
    }

    private static Map<String, Tensor> recurrenceInputs(String op, int b, int t, int h, int k, int v) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", Creation.randn(new long[] {b, t, h, k}, 1));
        Tensor key = Creation.randn(new long[] {b, t, h, k}, 2);
        in.put("k", Elementwise.mul(key, Creation.scalar(1 / Math.sqrt(k)))); // about unit norm, as l2norm gives
        in.put("v", Creation.randn(new long[] {b, t, h, v}, 3));
        Tensor u = Creation.rand(new long[] {b, t, h}, 4);
        Tensor g = Elementwise.log(Elementwise.add(Elementwise.mul(u, Creation.scalar(0.1)), Creation.scalar(0.9)));
        if (op.equals("gla")) {
            Tensor uk = Creation.rand(new long[] {b, t, h, k}, 5);
            in.put("gk", Elementwise.log(Elementwise.add(Elementwise.mul(uk, Creation.scalar(0.1)), Creation.scalar(0.9))));
        } else {
            in.put("g", g);
            if (op.contains("delta")) in.put("beta", Creation.rand(new long[] {b, t, h}, 6));
        }
        return in;
    }

    private double cpuPrefill(String op, int length) {
        CpuPlan plan = recurrencePlan(op);
        Map<String, Tensor> in = recurrenceInputs(op, 1, length, heads, 128, 128);
        Map<String, Tensor> into = new LinkedHashMap<>(plan.run(in, w -> null)); // the caller's buffers, reused by every timed run
        return median(() -> plan.runInto(in, w -> null, into));
    }

    /**
     * Each round runs Lin's prefill, then numpy's, for both ops, so that both see the same load on a
     * shared machine; each figure is the median over rounds of the per-round medians.
     */
    private void prefill() throws IOException {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (int r = 1; r <= Math.max(1, rounds); r++) {
            for (String op : List.of("gated_delta_rule", "gla")) {
                double s = cpuPrefill(op, t);
                put("round" + r + ".prefill." + op + ".cpu.seconds", s);
                samples.computeIfAbsent(op + ".cpu", k -> new ArrayList<>()).add(s);
                double np = numpy(op, t);
                if (np > 0) {
                    put("round" + r + ".prefill." + op + ".numpy.seconds", np);
                    samples.computeIfAbsent(op + ".numpy", k -> new ArrayList<>()).add(np);
                }
            }
            io.out().println("# load average after round " + r + ": " + load());
        }
        for (String op : List.of("gated_delta_rule", "gla")) {
            double flops = op.equals("gla") ? ChunkFlops.gla(1, t, heads, 128, 128, 64) : ChunkFlops.delta(1, t, heads, 128, 128, 64);
            put("model.gflop." + op, flops / 1e9);
            for (String side : List.of("cpu", "numpy")) {
                List<Double> xs = samples.get(op + "." + side);
                if (xs == null) continue;
                double m = medianOf(xs);
                put("prefill." + op + "." + side + ".seconds", m);
                put("prefill." + op + "." + side + ".gflops", flops / m / 1e9);
            }
        }
    }

    private static double medianOf(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    /** The numpy baseline's median seconds, or -1 (said once) when python3 or the script is missing. */
    private double numpy(String op, int length) throws IOException {
        Path script = numpy != null ? numpy : defaultBaseline();
        if (!Files.isRegularFile(script)) {
            io.err().println("lin bench: no numpy baseline at " + script + " (give --numpy FILE); numpy figures left out");
            numpy = script;
            return -1;
        }
        Process p = new ProcessBuilder("python3", script.toString(), "--op", op, "--T", String.valueOf(length), "--H", String.valueOf(heads),
                "--repeat", String.valueOf(repeat)).redirectErrorStream(true).start();
        String last = "";
        try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) last = line;
        }
        try {
            if (p.waitFor() != 0) throw new IOException("the numpy baseline failed: " + last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        var m = java.util.regex.Pattern.compile("median ([0-9.]+) s").matcher(last);
        if (!m.find()) throw new IOException("cannot read the numpy baseline's output: " + last);
        return Double.parseDouble(m.group(1));
    }

    /** $LIN_NUMPY_BASELINE, else shared/baselines/numpy_chunked.py next to the checkout (or next to the worktrees' folder). */
    private static Path defaultBaseline() {
        String env = System.getenv("LIN_NUMPY_BASELINE");
        if (env != null) return Path.of(env);
        for (String p : List.of("../shared/baselines/numpy_chunked.py", "../../shared/baselines/numpy_chunked.py")) {
            if (Files.isRegularFile(Path.of(p))) return Path.of(p);
        }
        return Path.of("../shared/baselines/numpy_chunked.py");
    }

    // ---- the ceiling, decode ------------------------------------------------------------------

    private void sgemm() {
        Tensor x = Creation.randn(new long[] {4096, 4096}, 13), y = Creation.randn(new long[] {4096, 4096}, 14);
        LinAlg.matmul(x, y);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            LinAlg.matmul(x, y);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        put("nd4j.sgemm4096.seconds", best);
        put("nd4j.sgemm4096.gflops", 2.0 * 4096 * 4096 * 4096 / best / 1e9);
    }

    private void decode() {
        int h = 16, k = 128, v = 128;
        Map<String, Tensor> in = recurrenceInputs("gated_delta_rule", 1, 1, h, k, v);
        Tensor state = Creation.zeros(1, h, k, v), out = Creation.zeros(1, 1, h, v);
        double scale = 1 / Math.sqrt(k);
        double kernel = median(() -> {
            DeltaRecurrence.sequentialInto(in.get("q"), in.get("k"), in.get("v"), in.get("beta"), in.get("g"), scale, state, out);
            return null;
        });
        put("decode.gated_delta_rule.kernel.seconds", kernel);
        CheckResult checked = Frontend.check(new Source("<lin bench>", "import std.ops.{gated_delta_rule}\n"));
        CpuPlan step = CpuPlan.of(KernelGraph.build(checked.program(), "gated_delta_rule.step", Map.of("K", 128L, "V", 128L)).graph());
        Map<String, Tensor> stepIn = new LinkedHashMap<>(in);
        for (String s : step.stateNames()) stepIn.put(s, Creation.zeros(1, h, k, v));
        Map<String, Tensor> stepOut = new LinkedHashMap<>();
        for (var e : step.run(stepIn, w -> null).entrySet()) stepOut.put(e.getKey(), e.getValue()); // out, and the state itself (in place)
        put("decode.gated_delta_rule.plan.seconds", median(() -> step.runInto(stepIn, w -> null, stepOut)));
        long bytes = (long) h * k * v * 4;
        MemorySegment a = Arena.ofAuto().allocate(bytes, 64), b = Arena.ofAuto().allocate(bytes, 64);
        put("decode.state.bytes", bytes);
        put("decode.copy.seconds", median(() -> {
            MemorySegment.copy(a, 0, b, 0, bytes);
            return null;
        }));
    }

    // ---- a whole model --------------------------------------------------------------------------

    private void model() throws IOException {
        String text = Files.readString(model);
        int cut = text.indexOf("\nlet ");
        String defs = cut < 0 ? text : text.substring(0, cut + 1);
        String script = defs + "let __m = TinyHybrid(layers = 4)\n"
                + "let __ids = (rand([1, " + modelT + "], seed = 5) * 4096.0) as i64\n"
                + "__m(__ids)\n"
                + "time { __m(__ids) }\n";
        for (String engine : List.of("cpu", "interp")) {
            try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(org.graalvm.polyglot.io.IOAccess.ALL).option("lin.Engine", engine)
                    .err(io.err()).out(io.out()).build()) {
                double s = c.eval(LinLanguage.ID, script).asDouble();
                put("model.prefill.T" + modelT + "." + engine + ".seconds", s);
                put("model.prefill.T" + modelT + "." + engine + ".tokens_per_second", modelT / s);
            }
        }
        // decode: a session of a model whose blocks keep their caches as states, after a 64-token prompt
        String dtext = Files.readString(decodeModel);
        int dcut = dtext.indexOf("\nlet ");
        String ddefs = dcut < 0 ? dtext : dtext.substring(0, dcut + 1);
        String decode = ddefs + "let __m = SessionHybrid()\n"
                + "let __ids = (rand([1, 64], seed = 5) * 4096.0) as i64\n"
                + "let __s = __m.session()\n"
                + "__s(__ids)\n"
                + "let __one = __ids[:, 0:1]\n"
                + "for __i in 0..30 { __s(__one) }\n" // warm-up: the JIT compiles the one-token path
                // the mean of 64 steps: one step alone may meet a garbage collection (seen: 23 ms for a 3 ms step)
                + "let __t = time { for __i in 0..64 { __s(__one) } }\n"
                + "__t / 64.0\n";
        for (String engine : List.of("cpu", "interp")) {
            try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(org.graalvm.polyglot.io.IOAccess.ALL).option("lin.Engine", engine)
                    .err(io.err()).out(io.out()).build()) {
                double s = c.eval(LinLanguage.ID, decode).asDouble();
                put("model.decode." + engine + ".seconds_per_token", s);
                put("model.decode." + engine + ".tokens_per_second", 1 / s);
            }
        }
    }

    // ---- the plot ---------------------------------------------------------------------------------

    private void plot() throws IOException {
        SvgPlot svg = new SvgPlot("gated_delta_rule prefill, B=1 H=" + heads + " K=V=128 f32 (" + Runtime.getRuntime().availableProcessors()
                + " cores, load " + load() + ")");
        for (int length : lengths) {
            double c = cpuPrefill("gated_delta_rule", length);
            svg.add("cpu (chunked)", length, c);
            put("plot.T" + length + ".cpu.seconds", c);
            Map<String, Tensor> in = recurrenceInputs("gated_delta_rule", 1, length, heads, 128, 128);
            double s = median(() -> DeltaRecurrence.sequential(in.get("q"), in.get("k"), in.get("v"), in.get("beta"), in.get("g"),
                    1 / Math.sqrt(128), null, false));
            svg.add("cpu (sequential)", length, s);
            put("plot.T" + length + ".sequential.seconds", s);
            double np = numpy("gated_delta_rule", length);
            if (np > 0) {
                svg.add("numpy chunked", length, np);
                put("plot.T" + length + ".numpy.seconds", np);
            }
            if (length <= interpMaxT) {
                double ip = interpRecurrence(length);
                svg.add("interp", length, ip);
                put("plot.T" + length + ".interp.seconds", ip);
            }
        }
        Files.writeString(plot, svg.render());
        io.out().println("# plot written to " + plot);
    }

    private double interpRecurrence(int length) {
        String script = "import std.ops.{gated_delta_rule}\n"
                + "let q = randn([1, " + length + ", " + heads + ", 128], seed = 1)\n"
                + "let k = randn([1, " + length + ", " + heads + ", 128], seed = 2) * 0.0884\n"
                + "let v = randn([1, " + length + ", " + heads + ", 128], seed = 3)\n"
                + "let g = log(rand([1, " + length + ", " + heads + "], seed = 4) * 0.1 + 0.9)\n"
                + "let beta = rand([1, " + length + ", " + heads + "], seed = 6)\n"
                + "gated_delta_rule(q, k, v, g, beta)\n"
                + "time { gated_delta_rule(q, k, v, g, beta) }\n";
        try (Context c = Context.newBuilder(LinLanguage.ID).err(io.err()).out(io.out()).build()) {
            return c.eval(LinLanguage.ID, script).asDouble();
        }
    }

    // ---- timing and summary ---------------------------------------------------------------------

    /** The median of {@code repeat} runs after {@code warmup} seconds (and at least 3 runs) of warm-up. */
    private double median(Supplier<?> run) {
        long until = System.nanoTime() + (long) (warmup * 1e9);
        for (int i = 0; i < 3 || System.nanoTime() < until; i++) run.get();
        double[] times = new double[Math.max(1, repeat)];
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            run.get();
            times[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        int n = times.length;
        return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    }

    private void summary() {
        List<String> rows = new ArrayList<>();
        for (String op : List.of("gated_delta_rule", "gla")) {
            Double c = figures.get("prefill." + op + ".cpu.seconds"), n = figures.get("prefill." + op + ".numpy.seconds");
            if (c != null && n != null) {
                rows.add(String.format(Locale.ROOT, "| prefill %s T=%d H=%d | %.1f ms (%.0f GFLOP/s) | numpy %.1f ms | %.2fx faster |", op, t, heads,
                        c * 1e3, figures.get("prefill." + op + ".cpu.gflops"), n * 1e3, n / c));
            }
            Double sg = figures.get("nd4j.sgemm4096.gflops");
            if (c != null && sg != null) {
                rows.add(String.format(Locale.ROOT, "| prefill %s vs the ceiling | %.0f GFLOP/s | ND4J sgemm 4096³ %.0f GFLOP/s | %.2f of it |", op,
                        figures.get("prefill." + op + ".cpu.gflops"), sg, figures.get("prefill." + op + ".cpu.gflops") / sg));
            }
        }
        Double copy = figures.get("decode.copy.seconds");
        for (String how : List.of("kernel", "plan")) {
            Double d = figures.get("decode.gated_delta_rule." + how + ".seconds");
            if (d != null && copy != null) {
                rows.add(String.format(Locale.ROOT, "| decode step gated_delta_rule B1 H16 K=V=128 (%s) | %.1f µs | copy of the 1 MiB state %.1f µs | %.2fx the copy |",
                        how, d * 1e6, copy * 1e6, d / copy));
            }
        }
        Double mc = figures.get("model.prefill.T" + modelT + ".cpu.tokens_per_second"), mi = figures.get("model.prefill.T" + modelT + ".interp.tokens_per_second");
        if (mc != null && mi != null) {
            rows.add(String.format(Locale.ROOT, "| model prefill T=%d (%s) | %.0f tokens/s | interp %.0f tokens/s | %.2fx |", modelT, model.getFileName(), mc, mi, mc / mi));
        }
        Double dc = figures.get("model.decode.cpu.tokens_per_second"), di = figures.get("model.decode.interp.tokens_per_second");
        if (dc != null && di != null) {
            rows.add(String.format(Locale.ROOT, "| model decode, one token per call of a session (%s) | %.0f tokens/s | interp %.0f tokens/s | %.2fx |",
                    decodeModel.getFileName(), dc, di, dc / di));
        }
        if (rows.isEmpty()) return;
        io.out().println();
        io.out().println("| figure | Lin cpu | baseline | ratio |");
        io.out().println("|---|---|---|---|");
        rows.forEach(io.out()::println);
    }
}
