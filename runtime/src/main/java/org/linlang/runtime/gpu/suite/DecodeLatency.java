package org.linlang.runtime.gpu.suite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.values.LinTensor;

/**
 * The decode step of the example hybrids at a realistic size, timed on the device engine and on the cpu
 * engine of the same machine: the example's model classes built with the sizes below, a session that
 * prefills {@link #PROMPT} tokens, then {@link #WARMUP} steps (plans compiled, weights uploaded) and the
 * median of {@link #STEPS} steps of one token (B = 1). Each step is a whole call as {@code lin run} makes
 * it: ids in, the logits of the token back on the host (the device engines copy a session's states to
 * the device and back on every call today, so the figure includes that traffic). tiny_hybrid has no
 * session (a prefill-only model): its figure is a one-token call without state.
 */
final class DecodeLatency {
    static final int PROMPT = 32, WARMUP = 5, STEPS = 20;

    /** An example at a size: its file, the model's type, and the constructor call. */
    record Sized(String example, String type, String constructor, boolean session) {}

    /** d = 1024, 8 heads of 128, vocab 32000: a 0.2-0.5 B-parameter hybrid, large enough that weights, not launches, set the step time on a CPU. */
    static final List<Sized> REALISTIC = List.of(
            new Sized("hybrid_gated_deltanet", "Hybrid31", "Hybrid31(vocab = 32000, d = 1024, layers = 4, heads = 8, head_dim = 128, experts = 4)", true),
            new Sized("hybrid_gla_swa", "DecoderLM", "DecoderLM(vocab = 32000, d = 1024, num_layers = 7, pattern = ratio(6, 1), mixer = \"gla\", "
                    + "attention = \"swa\", window = 256, heads = 8, head_dim = 128, kv_heads = 2, groups = 4, tie_embeddings = true)", true),
            new Sized("tiny_hybrid", "TinyHybrid", "TinyHybrid(vocab = 32000, d = 1024, layers = 4, heads = 8)", false));

    /** The dry run's sizes: the same harness on PoCL in seconds. */
    static final List<Sized> SMALL = List.of(
            new Sized("hybrid_gated_deltanet", "Hybrid31", "Hybrid31(vocab = 256, d = 64, layers = 4, heads = 2, head_dim = 32, experts = 2)", true),
            new Sized("hybrid_gla_swa", "DecoderLM", "DecoderLM(vocab = 256, d = 64, num_layers = 7, pattern = ratio(6, 1), mixer = \"gla\", "
                    + "attention = \"swa\", window = 16, heads = 2, head_dim = 32, kv_heads = 1, groups = 2, tie_embeddings = true)", true),
            new Sized("tiny_hybrid", "TinyHybrid", "TinyHybrid(vocab = 256, d = 64, layers = 4, heads = 2)", false));

    private final SuiteReport report;

    DecodeLatency(SuiteReport report) { this.report = report; }

    void run(Path examples, List<Sized> models, List<String> engines, int steps) {
        for (Sized m : models) {
            double[] ms = new double[engines.size()];
            for (int i = 0; i < engines.size(); i++) {
                String engine = engines.get(i);
                String what = engine + " " + m.example + " " + (m.session ? "decode step" : "one-token call (no session)") + ": " + m.constructor;
                try {
                    ms[i] = stepMillis(examples, m, engine, steps);
                    report.row(what, true, String.format(Locale.ROOT, "%.2f ms median of %d after %d warm-up (prompt %d)", ms[i], steps, WARMUP, m.session ? PROMPT : 0));
                } catch (RuntimeException | IOException e) {
                    ms[i] = Double.NaN;
                    report.error(what, e);
                }
            }
            if (engines.size() == 2 && !Double.isNaN(ms[0]) && !Double.isNaN(ms[1])) {
                report.row(m.example + ": " + engines.get(1) + " / " + engines.get(0) + " step time", true, String.format(Locale.ROOT, "%.2fx", ms[1] / ms[0]));
            }
        }
    }

    /** The median milliseconds of one step of {@code m} on {@code engine}. */
    static double stepMillis(Path examples, Sized m, String engine, int steps) throws IOException {
        String text = Files.readString(examples.resolve(m.example + ".lin"));
        int cut = text.indexOf("\nlet ");
        String script = (cut < 0 ? text : text.substring(0, cut + 1))
                + "let model = " + m.constructor + "\n"
                + "fn __step(m: " + m.type + ", ids: i64[B, T]) = m(ids)\n"
                + (m.session ? "let session = model.session()\n" : "let session = model\n")
                + "let __pair = (__step, session)\n__pair\n";
        try (Context c = ExampleModels.context(engine, new ByteArrayOutputStream())) {
            Value pair = c.eval(LinLanguage.ID, script);
            Value step = pair.getArrayElement(0), session = pair.getArrayElement(1);
            long vocab = vocab(m.constructor);
            var random = new SplittableRandom(11);
            if (m.session) step.execute(session, new LinTensor(Creation.of(random.longs(PROMPT, 0, vocab).toArray(), 1, PROMPT)));
            double[] t = new double[steps];
            for (int i = -WARMUP; i < steps; i++) {
                var ids = new LinTensor(Creation.of(new long[] {random.nextLong(vocab)}, 1, 1));
                long t0 = System.nanoTime();
                step.execute(session, ids);
                if (i >= 0) t[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(t);
            return t[steps / 2];
        }
    }

    private static long vocab(String constructor) {
        var v = java.util.regex.Pattern.compile("vocab = (\\d+)").matcher(constructor);
        if (!v.find()) throw new IllegalArgumentException("no vocab in " + constructor);
        return Long.parseLong(v.group(1));
    }
}
