package org.linlang.runtime.gpu.suite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.io.IOAccess;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * Every example model of {@code examples/} run whole, as {@code lin run --engine ENGINE} runs it, against
 * the interpreter: the prefill (B = 2, T = 12), the example's session (a prefill of 8, then 4 tokens one
 * at a time) and a fresh session decoding 3 tokens from empty states, as DeviceCallsOpenClTest does on
 * PoCL; and tiny_hybrid's prefill at B = 2, T = 70 (across a chunk boundary). Relative RMS ≤ 1e-4, and
 * the example prints the same lines on both engines.
 */
final class ExampleModels {
    static final double TOLERANCE = 1e-4;

    private final SuiteReport report;
    private final String engine;

    ExampleModels(SuiteReport report, String engine) {
        this.report = report;
        this.engine = engine;
    }

    /** The examples that open a session (every example model but tiny_hybrid, which is prefill-only). */
    static List<Path> sessionExamples(Path examples) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(examples)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".lin")).sorted().toList()) {
                if (SESSION.matcher(Files.readString(p)).find()) out.add(p);
            }
        }
        return out;
    }

    private static final Pattern SESSION = Pattern.compile("let session = (\\w+)\\.session\\(\\)");

    /** Without a device (the dry run with engine cuda): every example parses and type-checks on the bundle's runtime. */
    void checkOnly(Path examples) throws IOException {
        for (Path p : sessionExamples(examples)) {
            CheckResult r = Frontend.check(p);
            report.row("example " + name(p) + " checks (dry run, no " + engine + ")", r.ok(), r.ok() ? "ok" : r.diagnostics().toString());
        }
        Path tiny = examples.resolve("tiny_hybrid.lin");
        CheckResult r = Frontend.check(tiny);
        report.row("example tiny_hybrid checks (dry run, no " + engine + ")", r.ok(), r.ok() ? "ok" : r.diagnostics().toString());
    }

    void run(Path examples, Path scratch) throws IOException {
        for (Path p : sessionExamples(examples)) {
            String example = name(p);
            try {
                String text = Files.readString(p);
                Matcher m = SESSION.matcher(text);
                m.find();
                String script = text + "\nlet fresh = " + m.group(1) + ".session()\n"
                        + "let stepped = concat(fresh(ids[:, 0:1]), fresh(ids[:, 1:2]), fresh(ids[:, 2:3]), axis = 1)\n";
                String names = "logits = logits, decoded = decoded, stepped = stepped";
                var printedInterp = new ByteArrayOutputStream();
                var printedDevice = new ByteArrayOutputStream();
                long t0 = System.nanoTime();
                Map<String, Tensor> interp = results("interp", script, names, scratch.resolve(example + ".interp.safetensors"), printedInterp);
                long t1 = System.nanoTime();
                Map<String, Tensor> device = results(engine, script, names, scratch.resolve(example + "." + engine + ".safetensors"), printedDevice);
                long t2 = System.nanoTime();
                double e1 = relRms(interp.get("logits"), device.get("logits"));
                double e2 = relRms(interp.get("decoded"), device.get("decoded"));
                double e3 = relRms(interp.get("stepped"), device.get("stepped"));
                boolean samePrint = printedInterp.toString().equals(printedDevice.toString());
                report.row(engine + " " + example + ": prefill B=2 T=12, session 8 + 4 steps, fresh session 3 steps vs interp",
                        Math.max(e1, Math.max(e2, e3)) <= TOLERANCE && samePrint,
                        String.format(Locale.ROOT, "rel RMS %.2e / %.2e / %.2e%s; interp %.1f s, %s %.1f s (compiles included)", e1, e2, e3,
                                samePrint ? "" : "; the printed lines differ", (t1 - t0) / 1e9, engine, (t2 - t1) / 1e9));
            } catch (RuntimeException | IOException e) {
                report.error(engine + " " + example, e);
            }
        }
        try {
            String text = Files.readString(examples.resolve("tiny_hybrid.lin"));
            String script = text.substring(0, text.indexOf("// A quick shape check")) + """
                    let model = TinyHybrid(vocab = 97, d = 32, layers = 4, heads = 2)
                    let ids = (rand([2, 70], seed = 5) * 97.0) as i64
                    let logits = model(ids)
                    """;
            var interp = results("interp", script, "logits = logits", scratch.resolve("tiny_hybrid.interp.safetensors"), new ByteArrayOutputStream());
            var device = results(engine, script, "logits = logits", scratch.resolve("tiny_hybrid." + engine + ".safetensors"), new ByteArrayOutputStream());
            double e = relRms(interp.get("logits"), device.get("logits"));
            report.row(engine + " tiny_hybrid (vocab 97, d 32, 4 layers): prefill B=2 T=70 vs interp", e <= TOLERANCE,
                    String.format(Locale.ROOT, "rel RMS %.2e", e));
        } catch (RuntimeException | IOException e) {
            report.error(engine + " tiny_hybrid prefill T=70", e);
        }
    }

    static String name(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.length() - ".lin".length());
    }

    /** Runs {@code script} on {@code engine} and reads back the named tensors it saved. */
    static Map<String, Tensor> results(String engine, String script, String names, Path file, ByteArrayOutputStream printed) throws IOException {
        try (Context c = context(engine, printed)) {
            c.eval(LinLanguage.ID, script + "\nsave(\"" + file + "\", " + names + ")\n");
        }
        return SafeTensors.read(file).tensors();
    }

    static Context context(String engine, ByteArrayOutputStream printed) {
        return Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", engine)
                .err(new ByteArrayOutputStream()).out(printed).build();
    }

    static double relRms(Tensor reference, Tensor got) {
        if (reference == null || got == null || !java.util.Arrays.equals(reference.shape(), got.shape())) return Double.POSITIVE_INFINITY;
        double[] r = reference.copy().toDoubleArray(), g = got.copy().toDoubleArray();
        double num = 0, den = 0;
        for (int i = 0; i < r.length; i++) {
            if (!Double.isFinite(g[i])) return Double.POSITIVE_INFINITY;
            num += (r[i] - g[i]) * (r[i] - g[i]);
            den += r[i] * r[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }
}
