package org.linlang.runtime.truffle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.io.IOAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * Block and model calls under {@code --engine opencl} (PoCL in CI) run as device plans and give the
 * interpreter's results: every example model's prefill (B = 2, T = 12), its session (a prefill of 8,
 * then 4 tokens one at a time, states and caches kept on the device between calls), and a
 * second session decoding its first 3 tokens one at a time from empty states (zero recurrent states,
 * KV caches with P = 0). Tolerance: relative RMS ≤ 1e-4 against the interpreter (float32 both; the
 * interpreter is the reference semantics, independent of the generated kernels).
 */
class DeviceCallsOpenClTest {
    @TempDir Path dir;

    private static final double TOLERANCE = 1e-4;

    static String run(String engine, String program, ByteArrayOutputStream out) {
        try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", engine)
                .err(new ByteArrayOutputStream()).out(out).build()) {
            return c.eval(LinLanguage.ID, program).toString();
        }
    }

    private Map<String, Tensor> results(String engine, String script, String names, ByteArrayOutputStream printed) throws Exception {
        Path out = dir.resolve(engine + ".safetensors");
        run(engine, script + "\nsave(\"" + out + "\", " + names + ")\n", printed);
        return SafeTensors.read(out).tensors();
    }

    static double relRms(Tensor reference, Tensor got) {
        assertEquals(java.util.Arrays.toString(reference.shape()), java.util.Arrays.toString(got.shape()));
        double[] r = reference.copy().toDoubleArray(), g = got.copy().toDoubleArray();
        double num = 0, den = 0;
        for (int i = 0; i < r.length; i++) {
            if (Double.isNaN(g[i])) return Double.POSITIVE_INFINITY;
            num += (r[i] - g[i]) * (r[i] - g[i]);
            den += r[i] * r[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    private static void assertClose(String what, Tensor reference, Tensor got) {
        double e = relRms(reference, got);
        System.out.printf("%s on opencl: relative RMS error %.2e%n", what, e);
        assertTrue(e <= TOLERANCE, what + ": relative RMS error " + e + " > " + TOLERANCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"attention", "deltanet", "gated_deltanet", "gla", "hgrn2", "hybrid_gated_deltanet", "hybrid_gla_swa",
            "liger", "lightning", "linear_attention", "mamba2", "retention"})
    void exampleModelsPrefillAndDecodeOnOpenCl(String example) throws Exception {
        String text = Files.readString(Path.of("..", "examples", example + ".lin"));
        var sessionOf = java.util.regex.Pattern.compile("let session = (\\w+)\\.session\\(\\)").matcher(text);
        assertTrue(sessionOf.find(), example + " opens a session");
        String script = text + """

                let fresh = MODEL.session()
                let stepped = concat(fresh(ids[:, 0:1]), fresh(ids[:, 1:2]), fresh(ids[:, 2:3]), axis = 1)
                """.replace("MODEL", sessionOf.group(1));
        String names = "logits = logits, decoded = decoded, stepped = stepped";
        var printedInterp = new ByteArrayOutputStream();
        var printedDevice = new ByteArrayOutputStream();
        var interp = results("interp", script, names, printedInterp);
        var device = results("opencl", script, names, printedDevice);
        assertClose(example + " prefill logits", interp.get("logits"), device.get("logits"));
        assertClose(example + " session (8 + 4 steps) logits", interp.get("decoded"), device.get("decoded"));
        assertClose(example + " session from empty states (3 steps) logits", interp.get("stepped"), device.get("stepped"));
        assertEquals(printedInterp.toString(), printedDevice.toString(), example + " prints the same");
    }

    @Test
    void tinyHybridPrefillAcrossAChunkBoundaryOnOpenCl() throws Exception {
        String text = Files.readString(Path.of("..", "examples", "tiny_hybrid.lin"));
        String script = text.substring(0, text.indexOf("// A quick shape check")) + """
                let model = TinyHybrid(vocab = 97, d = 32, layers = 4, heads = 2)
                let ids = (rand([2, 70], seed = 5) * 97.0) as i64
                let logits = model(ids)
                """;
        var interp = results("interp", script, "logits = logits", new ByteArrayOutputStream());
        var device = results("opencl", script, "logits = logits", new ByteArrayOutputStream());
        assertClose("tiny_hybrid prefill (T = 70) logits", interp.get("logits"), device.get("logits"));
    }

    /**
     * Plans are compiled once per key and weights uploaded once per model: two sessions of 5 calls each
     * and two plain calls add no plan and no runner after the first session's calls.
     */
    @Test
    void plansAndWeightsAreMadeOncePerModel() throws Exception {
        String script = Files.readString(Path.of("..", "examples", "gated_deltanet.lin"));
        int[] first = deviceCounts(script);
        System.out.printf("gated_deltanet on opencl: %d device plans, %d runners%n", first[0], first[1]);
        assertTrue(first[0] >= 1 && first[1] == first[0], "plans, runners: " + first[0] + ", " + first[1]);
        int[] after = deviceCounts(script + """

                let again = model.session()
                let more = concat(again(ids[:, 0:8]), again(ids[:, 8:9]), again(ids[:, 9:10]), again(ids[:, 10:11]),
                                  again(ids[:, 11:12]), axis = 1)
                let twice = model(ids)
                """);
        assertEquals(first[0], after[0], "no new plan for the same calls");
        assertEquals(first[1], after[1], "no new weight upload for a second session of the same model");
    }

    /** The device plans and runners of a script's calls, read before its context closes. */
    private static int[] deviceCounts(String script) {
        try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", "opencl")
                .err(new ByteArrayOutputStream()).out(new ByteArrayOutputStream()).build()) {
            c.eval(LinLanguage.ID, script);
            c.enter();
            try {
                return LinLanguage.context(null).compiledCalls().deviceCounts();
            } finally {
                c.leave();
            }
        }
    }

    /** A recurrence with a nonlinear transition runs on the generic step kernel and prints what interp prints. */
    @Test
    void aNonlinearRecurrenceRunsOnTheGenericStepKernel() {
        String program = """
                recurrence ema(x: [D]) -> [D]
                    state m: [D] = 0
                {
                    m = tanh(0.5 * m + x)
                    emit m
                }
                block Smooth(d: int) {
                    forward(x: [B, T, H, d]) -> [B, T, H, d] = ema(x)
                }
                let s = Smooth(4)
                let y = s(rand([2, 5, 2, 4], seed = 3) - 0.5)
                print(float(y[1, 4, 1, 3]))
                print(float(sum(y * y)))
                """;
        var interp = new ByteArrayOutputStream();
        var device = new ByteArrayOutputStream();
        run("interp", program, interp);
        run("opencl", program, device);
        String[] a = interp.toString().trim().split("\n"), b = device.toString().trim().split("\n");
        assertEquals(a.length, b.length, device.toString());
        for (int i = 0; i < a.length; i++) {
            double x = Double.parseDouble(a[i]), y = Double.parseDouble(b[i]);
            assertTrue(Math.abs(x - y) <= 1e-5 * Math.abs(x), interp + " vs " + device);
        }
    }

    /** A step the generic step kernel does not compile (a call of the program's own function) is refused in one sentence under opencl. */
    @Test
    void aRecurrenceTheDeviceCannotRunIsRefusedInOneSentence() {
        String program = """
                fn squash(x: [.., D]) -> [.., D] = tanh(x)
                recurrence ema(x: [D]) -> [D]
                    state m: [D] = 0
                {
                    m = squash(0.5 * m + x)
                    emit m
                }
                block Smooth(d: int) {
                    forward(x: [B, T, H, d]) -> [B, T, H, d] = ema(x)
                }
                let s = Smooth(4)
                float(sum(s(ones([1, 5, 2, 4]))))
                """;
        var e = assertThrows(PolyglotException.class, () -> run("opencl", program, new ByteArrayOutputStream()));
        System.out.println("refusal: " + e.getMessage());
        assertTrue(e.getMessage().contains("the opencl engine cannot"), e.getMessage());
        assertTrue(e.getMessage().contains("does not compile calls of squash"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** Without an NVIDIA driver, engine cuda fails in the one sentence `lin op --engine cuda` gives; with one, it matches interp. */
    @Test
    void cudaRunsTheSamePlansOrSaysWhyNot() throws Exception {
        String script = Files.readString(Path.of("..", "examples", "gla.lin"));
        String names = "logits = logits, decoded = decoded";
        var interp = results("interp", script, names, new ByteArrayOutputStream());
        Map<String, Tensor> cuda;
        try {
            cuda = results("cuda", script, names, new ByteArrayOutputStream());
        } catch (PolyglotException e) {
            System.out.println("engine cuda here: " + e.getMessage());
            assertTrue(e.getMessage().contains("engine cuda: "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertFalse(e.isInternalError(), e.getMessage());
            return;
        }
        assertTrue(relRms(interp.get("logits"), cuda.get("logits")) <= TOLERANCE);
        assertTrue(relRms(interp.get("decoded"), cuda.get("decoded")) <= TOLERANCE);
    }
}
