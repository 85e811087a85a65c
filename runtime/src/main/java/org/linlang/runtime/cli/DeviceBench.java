package org.linlang.runtime.cli;

import java.io.IOException;
import java.io.PrintStream;
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
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.codegen.CodegenException;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Sym;
import org.linlang.runtime.gpu.DeviceCeilings;
import org.linlang.runtime.gpu.DevicePlanRunner;
import org.linlang.runtime.gpu.DeviceProfiling;
import org.linlang.runtime.gpu.GpuUnavailableException;
import org.linlang.runtime.gpu.KernelProfile;
import org.linlang.runtime.gpu.OpenClDevice;
import org.linlang.runtime.gpu.OpenClPlanRunner;
import org.linlang.runtime.gpu.cuda.CudaCompiler;
import org.linlang.runtime.gpu.cuda.CudaDriver;
import org.linlang.runtime.gpu.cuda.CudaPlanRunner;
import org.linlang.runtime.gpu.cuda.KernelCache;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Elementwise;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * {@code lin bench --engine opencl|cuda}: every launch of a device plan timed on the device's own
 * clock (OpenCL profiling events, CUDA events), one table per phase — kernel, launches, median
 * time, share of the kernels' time, GB/s, GFLOP/s and their fraction of the device's ceilings
 * measured in the same run ({@link DeviceCeilings}) — and the whole call's wall time.
 * <ul>
 *   <li>{@code lin bench FILE.lin --engine …}: the file's script runs first (its output discarded)
 *       and makes the instance, its top-level {@code model} ({@code --instance NAME}); that model
 *       is then called on ids [B, T] as {@code lin run --engine …} calls it (one device plan per
 *       call, weights uploaded on the first); then a session: a prefill of the same ids and
 *       one-token decode steps, where the model has a session;</li>
 *   <li>{@code lin bench --op NAME --engine …}: {@code std.ops.NAME}'s prefill plan at [B, T, H, …]
 *       (K = V = 128 unless {@code --arg} says otherwise) on random inputs, then its {@code .step}
 *       plan (T = 1, states in and out) where the op has one.</li>
 * </ul>
 * The first call of each phase builds the kernels and is not timed.
 */
final class DeviceBench {
    private final BenchCommand opts;
    private final PrintStream out;
    private final String engine;
    private OpenClDevice openCl;
    private CudaDriver cuda;
    private KernelCache cubins;

    DeviceBench(BenchCommand opts, String engine) {
        this.opts = opts;
        this.out = opts.io().out();
        this.engine = engine;
    }

    int run() throws IOException {
        try (AutoCloseable x = this::closeDevice) {
            openDevice();
            header();
            DeviceCeilings ceilings = engine.equals("opencl")
                    ? OpenClPlanRunner.ceilings(openCl, opts.copyBytes(engine), opts.gemmSize(engine), 3)
                    : CudaPlanRunner.ceilings(cuda, cubins, opts.copyBytes(engine), opts.gemmSize(engine), 5);
            out.printf(Locale.ROOT, "# memory ceiling: copy of %d MiB (f32, read + written) %.1f GB/s%n", ceilings.copyBytes() >> 20,
                    ceilings.bytesPerSecond() / 1e9);
            out.printf(Locale.ROOT, "# compute ceiling: %d³ GEMM, %s: %.1f GFLOP/s%n", ceilings.gemmSize(), ceilings.gemmWhat(),
                    ceilings.flopsPerSecond() / 1e9);
            if (opts.op != null) op(ceilings);
            else model(ceilings);
            out.println("# load average at the end: " + BenchCommand.load());
            return LinCli.EXIT_OK;
        } catch (GpuUnavailableException e) {
            opts.io().err().println("lin bench: engine " + engine + ": " + e.getMessage());
            return LinCli.EXIT_ERRORS;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void openDevice() {
        if (engine.equals("opencl")) openCl = OpenClDevice.open(true);
        else {
            cuda = CudaDriver.open();
            cubins = new KernelCache(KernelCache.defaultDir(), CudaCompiler.find());
        }
    }

    private void closeDevice() {
        if (openCl != null) openCl.close();
    }

    private void header() {
        String device;
        if (openCl != null) {
            device = "OpenCL device " + openCl.name() + (openCl.isGpu() ? ", a GPU"
                    : ", not a GPU: the figures below are this machine's CPU (" + Runtime.getRuntime().availableProcessors() + " cores, shared)");
        } else {
            device = "CUDA device " + cuda.name() + " (" + cuda.arch() + ")";
        }
        out.println("# lin bench --engine " + engine + ": " + device);
        out.println("# date: " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))
                + ", load average " + BenchCommand.load());
        out.println("# times: each launch on the device's clock (" + (openCl != null ? "OpenCL profiling events" : "CUDA events")
                + "), median over " + opts.repeat + " calls after " + opts.warmup + " s (at least one call) of warm-up; bytes: the buffers each launch is given; "
                + "FLOPs: matrix products only (0 for elementwise kernels)");
    }

    // ---- a model file --------------------------------------------------------------------------

    private void model(DeviceCeilings ceilings) throws Exception {
        if (opts.file == null) throw new IllegalArgumentException("give a model file (lin bench FILE.lin --engine " + engine + ") or --op NAME");
        CheckResult checked = Frontend.check(opts.file);
        if (!checked.ok()) throw new IllegalArgumentException(opts.file + " has errors (lin check " + opts.file + " shows them)");
        String text = Files.readString(opts.file);
        int b = opts.batch(), t = opts.deviceT();
        String m = opts.instance;
        KernelProfile profile = new KernelProfile();
        var quiet = new Quiet(opts.io().out());
        try (AutoCloseable active = DeviceProfiling.activate(profile);
             Context c = Context.newBuilder(LinLanguage.ID).allowIO(org.graalvm.polyglot.io.IOAccess.ALL).option("lin.Engine", engine)
                     .err(opts.io().err()).out(quiet).build()) {
            quiet.on = true; // the file's own script runs first (its output is not the bench's): it makes the instance
            eval(c, text);
            quiet.on = false;
            try {
                eval(c, m);
            } catch (PolyglotException e) {
                throw new IllegalArgumentException(opts.file + " makes no top-level `" + m + "` (" + e.getMessage() + "); name the model's variable with --instance");
            }
            long vocab = vocab(c, m);
            out.printf(Locale.ROOT, "# %s: its `%s` called on ids [%d, %d] (ids below %d)%n", opts.file, m, b, t, vocab);
            eval(c, "let __ids = (rand([" + b + ", " + t + "], seed = 5) * " + vocab + ".0) as i64\n");
            phase("prefill: one call of " + m + " on [" + b + ", " + t + "]", profile, ceilings, timed(c, m + "(__ids)"));
            try {
                eval(c, "let __s = " + m + ".session()\n__s(__ids)\nlet __one = __ids[:, 0:1]\n");
            } catch (PolyglotException e) {
                out.println("# no decode step: " + e.getMessage());
                return;
            }
            phase("decode: one token per call of a session after a prompt of " + t, profile, ceilings, timed(c, "__s(__one)"));
        } catch (PolyglotException e) {
            throw new IllegalArgumentException(opts.file + ": " + e.getMessage());
        }
    }

    /** The output of the file's own script, discarded while {@code on}. */
    private static final class Quiet extends java.io.OutputStream {
        private final java.io.OutputStream to;
        boolean on;

        Quiet(java.io.OutputStream to) { this.to = to; }

        @Override public void write(int x) throws IOException { if (!on) to.write(x); }

        @Override public void write(byte[] bytes, int off, int len) throws IOException { if (!on) to.write(bytes, off, len); }

        @Override public void flush() throws IOException { to.flush(); }
    }

    private static org.graalvm.polyglot.Value eval(Context c, String code) { return c.eval(source(code)); }

    private static org.graalvm.polyglot.Source source(String code) {
        return org.graalvm.polyglot.Source.newBuilder(LinLanguage.ID, code, "<lin bench>").mimeType(LinLanguage.SESSION_MIME_TYPE)
                .cached(false).buildLiteral();
    }

    /** One call, parsed once; each run's wall time (Lin's {@code time { }} would run it eight times). */
    private static Call timed(Context c, String call) {
        org.graalvm.polyglot.Value program = c.parse(source(call));
        return () -> {
            long t0 = System.nanoTime();
            program.execute();
            return (System.nanoTime() - t0) / 1e9;
        };
    }

    /** Token ids stay below the model's {@code vocab} parameter where it has one, else below --vocab. */
    private long vocab(Context c, String m) {
        try {
            var v = eval(c, m + ".vocab");
            if (v.fitsInLong() && v.asLong() > 0) return v.asLong();
        } catch (PolyglotException e) {
            // a model without a vocab parameter
        }
        return opts.vocab;
    }

    // ---- a std op ------------------------------------------------------------------------------

    private void op(DeviceCeilings ceilings) {
        CheckResult checked = Frontend.check(new Source("<lin bench>", "import std.ops.{" + opts.op + "}\n"));
        if (!checked.ok()) throw new IllegalArgumentException("std.ops has no op " + opts.op);
        Map<String, Long> args = new LinkedHashMap<>(Map.of("K", 128L, "V", 128L));
        args.putAll(opts.args);
        Map<String, Long> sizes = new LinkedHashMap<>(Map.of("B", (long) opts.batch(), "T", (long) opts.deviceT(), "H", (long) opts.heads));
        sizes.putAll(args);
        out.printf(Locale.ROOT, "# std.ops.%s at %s%n", opts.op, sizes.toString().replace("{", "").replace("}", ""));
        KernelProfile profile = new KernelProfile();
        KernelPlan prefill = plan(checked, opts.op, args);
        runPlan("prefill: the op's plan at T=" + opts.deviceT(), prefill, sizes, profile, ceilings);
        KernelPlan step;
        try {
            step = plan(checked, opts.op + ".step", args);
        } catch (IllegalArgumentException e) {
            out.println("# no decode step: " + e.getMessage());
            return;
        }
        Map<String, Long> one = new LinkedHashMap<>(sizes);
        one.put("T", 1L);
        runPlan("decode: the op's .step plan (one token, state in and out)", step, one, profile, ceilings);
    }

    private KernelPlan plan(CheckResult checked, String what, Map<String, Long> args) {
        try {
            return KernelPlan.of(KernelGraph.build(checked.program(), what, args).graph());
        } catch (IrException | CodegenException e) {
            throw new IllegalArgumentException("cannot compile " + what + ": " + e.getMessage());
        }
    }

    private void runPlan(String title, KernelPlan plan, Map<String, Long> sizes, KernelProfile profile, DeviceCeilings ceilings) {
        Map<String, Tensor> in = inputs(plan.graph(), sizes);
        try (DevicePlanRunner<?> r = engine.equals("opencl") ? new OpenClPlanRunner(openCl, plan) : new CudaPlanRunner(cuda, cubins, plan)) {
            r.profileInto(profile);
            phase(title, profile, ceilings, () -> {
                long t0 = System.nanoTime();
                r.run(in);
                return (System.nanoTime() - t0) / 1e9;
            });
        }
    }

    /**
     * Random inputs at the sizes: log-decays in [log 0.9, 0) for g and gk (finite, as the GPU kernels
     * need), β in [0, 1), keys scaled to about unit norm, normal values elsewhere; states zero.
     */
    static Map<String, Tensor> inputs(Graph g, Map<String, Long> sizes) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        int seed = 1;
        for (Node n : g.nodes()) {
            if (n.op() != Op.INPUT && n.op() != Op.STATE) continue;
            long[] shape = new long[n.type().rank()];
            for (int a = 0; a < shape.length; a++) shape[a] = size(n.type().dim(a), sizes, n);
            DType dt = DType.fromLin(n.type().dtype().lin());
            Tensor x;
            if (n.op() == Op.STATE || !dt.isFloat()) x = Creation.zeros(dt, shape);
            else if (n.name().equals("g") || n.name().equals("gk")) {
                x = Elementwise.log(Elementwise.add(Elementwise.mul(Creation.rand(shape, seed++), Creation.scalar(0.1)), Creation.scalar(0.9)));
            } else if (n.name().equals("beta")) x = Creation.rand(shape, seed++);
            else if (n.name().equals("k")) x = Elementwise.mul(Creation.randn(shape, seed++), Creation.scalar(1 / Math.sqrt(shape[shape.length - 1])));
            else x = Creation.randn(shape, seed++);
            in.put(n.name(), x.dtype() == dt ? x : x.to(dt));
        }
        return in;
    }

    private static long size(Dim d, Map<String, Long> sizes, Node n) {
        if (d.isConstant()) return d.constant();
        var binding = new java.util.HashMap<Sym, Dim>();
        for (Sym s : d.symbols()) {
            Long v = sizes.get(s.name);
            if (v == null) throw new IllegalArgumentException("input " + n.name() + " has the size " + s.name + ": give it with --arg " + s.name + "=N");
            binding.put(s, Dim.of(v));
        }
        return d.substitute(binding).constant();
    }

    // ---- one phase: timed calls, then the table ----------------------------------------------

    private interface Call { double seconds() throws Exception; }

    private void phase(String title, KernelProfile profile, DeviceCeilings ceilings, Call call) throws RuntimeException {
        double[] wall = new double[Math.max(1, opts.repeat)];
        try {
            long until = System.nanoTime() + (long) (opts.warmup * 1e9);
            do call.seconds(); while (System.nanoTime() < until); // the first call of a phase also builds its kernels
            profile.clear();
            for (int i = 0; i < wall.length; i++) wall[i] = call.seconds();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Arrays.sort(wall);
        double callMedian = median(wall);
        List<KernelProfile.Row> rows = profile.rows(wall.length);
        double total = rows.stream().mapToDouble(KernelProfile.Row::totalSeconds).sum();
        int launches = profile.launches().size() / wall.length;
        out.println();
        out.println("## " + title);
        out.printf(Locale.ROOT, "# whole call: median %s over %d calls; kernels %s per call (each kernel's median; %.0f%% of the call), %d launches per call%n",
                time(callMedian), wall.length, time(total), 100 * total / callMedian, launches);
        out.println("| kernel | what | launches/call | median | share | GB/s | GFLOP/s | % of copy GB/s | % of GEMM FLOP/s |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        int shown = Math.min(rows.size(), opts.top);
        for (KernelProfile.Row r : rows.subList(0, shown)) {
            double perCallLaunches = r.launches();
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.1f%% | %s | %s | %.1f%% | %s |%n", r.kernel(), r.role(),
                    perCallLaunches == Math.rint(perCallLaunches) ? String.valueOf((long) perCallLaunches) : String.format(Locale.ROOT, "%.2f", perCallLaunches),
                    time(r.medianSeconds()), 100 * r.totalSeconds() / total, rate(r.bytesPerSecond() / 1e9),
                    r.flops() > 0 ? rate(r.flopsPerSecond() / 1e9) : "-",
                    100 * r.bytesPerSecond() / ceilings.bytesPerSecond(),
                    r.flops() > 0 ? String.format(Locale.ROOT, "%.1f%%", 100 * r.flopsPerSecond() / ceilings.flopsPerSecond()) : "-");
        }
        if (shown < rows.size()) {
            double rest = rows.subList(shown, rows.size()).stream().mapToDouble(KernelProfile.Row::totalSeconds).sum();
            out.printf(Locale.ROOT, "| (%d more kernels) | | | | %.1f%% | | | | |%n", rows.size() - shown, 100 * rest / total);
        }
        out.flush();
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Three significant figures. */
    private static String rate(double x) {
        return x >= 100 ? String.format(Locale.ROOT, "%.0f", x) : x >= 10 ? String.format(Locale.ROOT, "%.1f", x)
                : x >= 1 ? String.format(Locale.ROOT, "%.2f", x) : String.format(Locale.ROOT, "%.3g", x);
    }

    private static String time(double s) {
        if (s >= 1) return String.format(Locale.ROOT, "%.3f s", s);
        if (s >= 1e-3) return String.format(Locale.ROOT, "%.3f ms", s * 1e3);
        return String.format(Locale.ROOT, "%.1f µs", s * 1e6);
    }

}
