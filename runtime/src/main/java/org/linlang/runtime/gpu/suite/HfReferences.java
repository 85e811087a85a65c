package org.linlang.runtime.gpu.suite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.linlang.runtime.checkpoint.Checkpoint;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.generate.Generator;
import org.linlang.runtime.generate.Sampling;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * Lin's checkpoints against reference logits: for every {@code ARCH/} folder beside an
 * {@code ARCH.reference.safetensors} (the layout of tools/fixtures/make_hf_fixtures.py, which writes
 * transformers' and fla's logits, and of the numpy fixtures in runtime/src/test/resources/fixtures),
 * the logits of every position of {@code input_ids} on each engine within 1e-4 (max |error| over max
 * |reference|, the checkpoint tests' measure), and the greedy continuation on the cpu engine equal to
 * the reference's {@code greedy}. A device engine that refuses a model says so in a skip row; an
 * architecture the fixture script skipped or failed (its {@code status.txt}) is listed too.
 */
final class HfReferences {
    static final double TOLERANCE = 1e-4;

    private final SuiteReport report;

    HfReferences(SuiteReport report) { this.report = report; }

    void run(Path folder, String source, List<String> engines) throws IOException {
        Path status = folder.resolve("status.txt");
        if (Files.exists(status)) {
            for (String line : Files.readAllLines(status)) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String arch = line.substring(0, colon), rest = line.substring(colon + 1).strip();
                if (rest.startsWith("skipped: ")) report.skip(source + " " + arch, rest.substring("skipped: ".length()));
                else if (rest.startsWith("FAILED")) report.row(source + " " + arch + " reference", false, rest);
            }
        }
        List<String> archs = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".reference.safetensors")).sorted()
                    .map(n -> n.substring(0, n.length() - ".reference.safetensors".length()))
                    .filter(a -> Files.isDirectory(folder.resolve(a))).forEach(archs::add);
        }
        if (archs.isEmpty()) report.row(source + " references in " + folder, false, "no ARCH/ folder with an ARCH.reference.safetensors");
        for (String arch : archs) {
            Map<String, Tensor> ref;
            try {
                ref = SafeTensors.read(folder.resolve(arch + ".reference.safetensors")).tensors();
            } catch (IOException | RuntimeException e) {
                report.error(source + " " + arch + " reference", e);
                continue;
            }
            for (String engine : engines) check(folder.resolve(arch), source + " " + arch, ref, engine);
        }
    }

    private void check(Path dir, String what, Map<String, Tensor> ref, String engine) {
        Tensor ids = ref.get("input_ids"), expected = ref.get("logits");
        String check = what + ": logits of " + ids.dim(1) + " positions on " + engine;
        try (Context context = ExampleModels.context(engine, new ByteArrayOutputStream())) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(dir));
            long t0 = System.nanoTime();
            Tensor got = model.logits(ids);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double e = maxRelative(got, expected);
            report.row(check, e <= TOLERANCE, String.format(Locale.ROOT, "max abs error / max abs reference %.2e, rel RMS %.2e (%.2f s)", e,
                    ExampleModels.relRms(expected, got), seconds));
            if (engine.equals("cpu") && ref.containsKey("greedy")) {
                long[] want = ref.get("greedy").toLongArray();
                long[] ids0 = ids.select(0, 0).toLongArray();
                long[] gen = Generator.generate(model.session(), ids0, Sampling.greedy(want.length), null, null).ids();
                report.row(what + ": greedy continuation of " + want.length + " tokens on a session (cpu)", Arrays.equals(want, gen),
                        "reference " + Arrays.toString(want) + (Arrays.equals(want, gen) ? "" : ", Lin " + Arrays.toString(gen)));
            }
        } catch (PolyglotException e) {
            if (!e.isInternalError() && !engine.equals("interp") && !engine.equals("cpu") && e.getMessage() != null && e.getMessage().contains("engine")) {
                report.skip(check, "refused: " + e.getMessage());
            } else {
                report.error(check, e);
            }
        } catch (RuntimeException e) {
            report.error(check, e);
        }
    }

    /** max |a - b| / max |b| over all elements (the checkpoint tests' measure); infinite on a shape mismatch or a non-finite value. */
    static double maxRelative(Tensor got, Tensor expected) {
        if (!Arrays.equals(got.shape(), expected.shape())) return Double.POSITIVE_INFINITY;
        double[] a = got.copy().toDoubleArray(), b = expected.copy().toDoubleArray();
        double diff = 0, scale = 0;
        for (int i = 0; i < b.length; i++) {
            if (!Double.isFinite(a[i])) return Double.POSITIVE_INFINITY;
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }
}
