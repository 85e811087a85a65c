package org.linlang.runtime.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Npy;
import org.linlang.runtime.truffle.LinLanguage;

/** The embedding API ({@link Lin}) and the plain polyglot route, as a Java application uses them. */
class LinTest {
    @TempDir Path dir;

    /** Whether the interpreter runs tensor code yet (it is being added); tensor cases run only then. */
    static boolean tensorsWork() {
        try (Context c = Context.create("lin")) {
            c.eval("lin", "zeros([2])");
            return true;
        } catch (PolyglotException e) {
            return false;
        }
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    // ---- eval ---------------------------------------------------------------------------------------

    @Test
    void evalReturnsValuesReadableAsJava() {
        try (Lin lin = Lin.create()) {
            assertEquals("interp", lin.engine());
            assertEquals(3, lin.eval("1 + 2").asLong());
            assertTrue(lin.eval("1 + 2").isInt());
            assertEquals(3.5, lin.eval("7 / 2").asDouble());
            assertFalse(lin.eval("7 / 2").isInt());
            assertEquals("ab", lin.eval("\"a\" + \"b\"").asString());
            assertTrue(lin.eval("2 > 1").asBoolean());
            assertTrue(lin.eval("let quiet = 1").isNone());
            LinValue list = lin.eval("for i in 0..4: i * i");
            assertTrue(list.isList());
            assertEquals(List.of(0L, 1L, 4L, 9L), list.asList().stream().map(LinValue::asLong).toList());
            assertArrayEquals(new float[] {0, 1, 4, 9}, list.asFloatArray());
            assertArrayEquals(new long[] {4}, list.shape());
            assertEquals("\"q\"", lin.eval("\"q\"").toString());
        }
    }

    @Test
    void evalIsASessionDefinitionsAndLetsStay() {
        try (Lin lin = Lin.create()) {
            lin.eval("let x = 2");
            assertEquals(6, lin.eval("x * 3").asLong());
            lin.eval("fn inc(n: int, by: int = 1) -> int = n + by");
            assertEquals(12, lin.eval("inc(x, by = 10)").asLong());
            assertEquals(List.of("inc", "x"), List.copyOf(lin.names()));
            assertEquals(2, lin.get("x").asLong());
            assertEquals(8, lin.get("inc").call(7).asLong());
            assertNull(lin.get("nothing"));
        }
    }

    @Test
    void printGoesToTheBuildersOutput() {
        var out = new ByteArrayOutputStream();
        try (Lin lin = Lin.builder().out(out).build()) {
            lin.eval("print(\"hello\", 42)");
        }
        assertEquals("hello 42\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void errorsAreLinExceptionsWithTheirPlace() {
        try (Lin lin = Lin.create()) {
            LinException check = assertThrows(LinException.class, () -> lin.eval("let q: int = \"s\""));
            assertEquals(LinException.Kind.CHECK, check.kind());
            assertTrue(check.getMessage().startsWith("<eval 1>:1:14: error[E030]"), check.getMessage());
            assertTrue(check.getMessage().contains("^^^"), check.getMessage());

            LinException runtime = assertThrows(LinException.class, () -> lin.eval("calc", "let a = 1\nlet b = a / (a - 1)"));
            assertEquals(LinException.Kind.RUNTIME, runtime.kind());
            assertEquals("calc", runtime.file());
            assertEquals(2, runtime.line());
            assertEquals(9, runtime.column());
            assertTrue(runtime.getMessage().startsWith("calc:2:9: error: division by zero"), runtime.getMessage());

            // The session goes on, and the failed check defined nothing.
            assertEquals(1, lin.eval("1").asLong());
            assertThrows(LinException.class, () -> lin.eval("q"));
        }
    }

    @Test
    void everyEngineCanBeChosenAndAnUnknownOneIsRefused() {
        // the device engines open their device at the first block or model call, so plain code runs anywhere
        for (String engine : List.of("interp", "cpu", "auto", "opencl", "cuda")) {
            try (Lin lin = Lin.builder().engine(engine).build()) {
                assertEquals(engine, lin.engine());
                assertEquals(3, lin.eval("1 + 2").asLong());
            }
        }
        assertEquals("unknown engine 'gpu'; the engines are interp, cpu, auto, opencl and cuda",
                assertThrows(IllegalArgumentException.class, () -> Lin.builder().engine("gpu")).getMessage());
    }

    @Test
    void onCpuABlockCallTheEngineCannotRunSaysWhy() {
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
                Smooth(4)(ones([1, 5, 2, 4]))
                """;
        try (Lin lin = Lin.builder().engine("cpu").build()) {
            var refused = assertThrows(LinException.class, () -> lin.eval(program));
            assertTrue(refused.getMessage().contains("the cpu engine cannot run recurrence ema"), refused.getMessage());
        }
        try (Lin lin = Lin.builder().engine("interp").build()) {
            assertArrayEquals(new long[] {1, 5, 2, 4}, lin.eval(program).shape());
        }
    }

    // ---- load and call ------------------------------------------------------------------------------

    @Test
    void loadGivesAProgramWhoseFunctionsJavaCalls() throws IOException {
        Path file = write("prog.lin", """
                fn double(x: float) -> float = 2.0 * x
                fn add(a: int, b: int = 10) -> int = a + b
                let k = 3
                k * 2
                """);
        try (Lin lin = Lin.create()) {
            Program p = lin.load(file);
            assertEquals(List.of("double", "add"), p.functions());
            assertEquals(6, p.result().asLong());
            assertEquals(5.0, p.call("double", 2.5).asDouble());
            assertEquals(5.0, p.call("double", 2.5f).asDouble());
            assertEquals(11, p.call("add", 1).asLong());
            assertEquals(3, p.call("add", 1, 2).asLong());
            // What the file defined stays in the session.
            assertEquals(8.0, lin.eval("double(float(k + 1))").asDouble());
            // A Program keeps its functions even when the session redefines the name.
            lin.eval("fn double(x: float) -> float = 3.0 * x");
            assertEquals(2.0, p.call("double", 1.0).asDouble());
            assertEquals(3.0, lin.eval("double(1.0)").asDouble());

            var unknown = assertThrows(IllegalArgumentException.class, () -> p.call("triple", 1.0));
            assertTrue(unknown.getMessage().contains("defines no 'triple'"), unknown.getMessage());
            LinException wrong = assertThrows(LinException.class, () -> p.call("add", "one"));
            assertEquals(LinException.Kind.RUNTIME, wrong.kind());
            assertThrows(IllegalArgumentException.class, () -> p.call("add", new java.util.ArrayList<>()));
        }
    }

    @Test
    void aFileThatDoesNotCheckIsACheckError() throws IOException {
        Path file = write("bad.lin", "fn oops() -> int = \"text\"\n");
        try (Lin lin = Lin.create()) {
            LinException e = assertThrows(LinException.class, () -> lin.load(file));
            assertEquals(LinException.Kind.CHECK, e.kind());
            assertTrue(e.getMessage().contains("bad.lin:1:20: error[E055]"), e.getMessage());
        }
    }

    // ---- the polyglot route --------------------------------------------------------------------------

    @Test
    void thePlainPolyglotRouteWorks() {
        try (Context context = Context.create("lin")) {
            assertEquals(3, context.eval("lin", "1 + 2").asLong());
            Value add = context.eval("lin", "fn add(a: int, b: int) -> int = a + b\nadd");
            assertEquals(5, add.execute(2, 3).asLong());
            // A plain source is a program of its own: it does not see the session.
            assertThrows(PolyglotException.class, () -> context.eval("lin", "add(1, 2)"));
        }
    }

    @Test
    void sessionSourcesThroughThePolyglotApiShareDefinitions() {
        try (Context context = Context.create("lin")) {
            context.eval(session("let x = 2\nfn twice(n: int) -> int = 2 * n"));
            assertEquals(12, context.eval(session("twice(x) * 3")).asLong());
            Value bindings = context.getBindings("lin");
            assertEquals(2, bindings.getMember("x").asLong());
            assertEquals(10, bindings.getMember("twice").execute(5).asLong());
            Value type = context.eval(Source.newBuilder("lin", "twice(x)", "<type>").mimeType(LinLanguage.TYPE_MIME_TYPE).buildLiteral());
            assertEquals("int", type.asString());
        }
    }

    private static Source session(String code) {
        return Source.newBuilder("lin", code, "<input>").mimeType(LinLanguage.SESSION_MIME_TYPE).cached(false).buildLiteral();
    }

    // ---- the sandbox ---------------------------------------------------------------------------------

    @Test
    void aSandboxedProgramCannotImportAModuleOutsideTheAllowedFolders() throws IOException {
        write("allowed/ok/lib.lin", "fn helper() -> int = 1\n");
        Path secret = write("secret/data.lin", "fn leak() -> int = SECRET_CONTENT_42 $$$\n");
        try (Lin lin = Lin.builder().allowRead(dir.resolve("allowed")).workingDirectory(dir).build()) {
            LinException e = assertThrows(LinException.class, () -> lin.eval("import secret.data\nprint(1)"));
            assertEquals(LinException.Kind.CHECK, e.kind());
            assertTrue(e.getMessage().contains("cannot import 'secret.data': reading " + secret.toRealPath() + " is not allowed"), e.getMessage());
            assertTrue(e.getMessage().contains("read only under " + dir.resolve("allowed").toRealPath()), e.getMessage());
            // The file was not read: had the compiler parsed it, its syntax error would be reported.
            assertFalse(e.getMessage().contains("SECRET_CONTENT_42"), e.getMessage());
            assertFalse(e.getMessage().contains("E004"), e.getMessage());
            // Inside the allowed folder, imports are read (and checked) as usual.
            lin.eval("import allowed.ok.lib");
        }
    }

    @Test
    void aDefaultPolyglotContextAllowsNoFileAccessAtAll() {
        try (Context context = Context.create("lin")) {
            PolyglotException e = assertThrows(PolyglotException.class, () -> context.eval("lin", "import some.module"));
            assertTrue(e.isSyntaxError());
            assertTrue(e.getMessage().contains("cannot import 'some.module'") && e.getMessage().contains("not allowed in this context"),
                    e.getMessage());
        }
        try (Context context = Context.newBuilder("lin").allowIO(IOAccess.ALL).build()) {
            PolyglotException e = assertThrows(PolyglotException.class, () -> context.eval("lin", "import some.module"));
            assertTrue(e.getMessage().contains("error[E011]: cannot find module 'some.module'"), e.getMessage());
        }
    }

    @Test
    void aSandboxedProgramCannotLoadATensorFileOutsideTheAllowedFolders() throws IOException {
        assumeTrue(tensorsWork(), "the interpreter does not run tensors yet");
        Files.createDirectories(dir.resolve("allowed"));
        Files.createDirectories(dir.resolve("secret"));
        Path ok = dir.resolve("allowed/ok.npy");
        Path secret = dir.resolve("secret/weights.npy");
        Npy.write(ok, Creation.of(new float[] {1, 2}, 2));
        Npy.write(secret, Creation.of(new float[] {4242.5f, 4343.5f}, 2)); // numbers no temporary folder's name contains
        try (Lin lin = Lin.builder().allowRead(dir.resolve("allowed")).build()) {
            assertArrayEquals(new float[] {1, 2}, lin.eval("load(\"" + ok + "\")").asFloatArray());
            LinException e = assertThrows(LinException.class, () -> lin.eval("load(\"" + secret + "\")"));
            assertEquals(LinException.Kind.RUNTIME, e.kind());
            assertTrue(e.getMessage().contains("is not allowed"), e.getMessage());
            assertFalse(e.getMessage().contains("4242.5"), e.getMessage());
            // A symbolic link inside the allowed folder does not lead out of it.
            Path link = dir.resolve("allowed/link.npy");
            Files.createSymbolicLink(link, secret);
            LinException viaLink = assertThrows(LinException.class, () -> lin.eval("load(\"" + link + "\")"));
            assertTrue(viaLink.getMessage().contains("is not allowed"), viaLink.getMessage());
        }
    }

    @Test
    void aSandboxedProgramWritesOnlyUnderTheWritableFolders() throws IOException {
        assumeTrue(tensorsWork(), "the interpreter does not run tensors yet");
        Path out = Files.createDirectories(dir.resolve("out"));
        Path readOnly = Files.createDirectories(dir.resolve("in"));
        try (Lin lin = Lin.builder().allowRead(readOnly).allowWrite(out).build()) {
            lin.eval("save(\"" + out.resolve("a.npy") + "\", x = ones([2]))");
            assertTrue(Files.exists(out.resolve("a.npy")));
            LinException e = assertThrows(LinException.class, () -> lin.eval("save(\"" + readOnly.resolve("b.npy") + "\", x = ones([2]))"));
            assertTrue(e.getMessage().contains("is not allowed"), e.getMessage());
            assertFalse(Files.exists(readOnly.resolve("b.npy")));
        }
    }

    // ---- tensors: these run once the interpreter runs tensor code ---------------------------------

    @Test
    void tensorsComeBackAsFloatArraysWithTheirShape() {
        assumeTrue(tensorsWork(), "the interpreter does not run tensors yet");
        try (Lin lin = Lin.create()) {
            LinValue t = lin.eval("ones([2, 3]) * 2.0");
            assertTrue(t.isTensor());
            assertArrayEquals(new long[] {2, 3}, t.shape());
            assertEquals("f32", t.dtype());
            assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, t.asFloatArray());
        }
    }

    @Test
    void functionsTakeJavaArraysSegmentsAndTensors() throws IOException {
        assumeTrue(tensorsWork(), "the interpreter does not run tensors yet");
        Path file = write("norm.lin", "fn unit(x: [D]) -> [D] = x / sqrt(sum(x * x))\nfn scaled(x: [N, D], s: float) -> [N, D] = x * s\n");
        try (Lin lin = Lin.create(); Arena arena = Arena.ofConfined()) {
            Program p = lin.load(file);
            assertArrayEquals(new float[] {0.6f, 0.8f}, p.call("unit", new float[] {3, 4}).asFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.6f, 0.8f}, p.call("unit", Lin.tensor(new float[] {3, 4}, 2)).asFloatArray(), 1e-6f);
            MemorySegment m = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            for (int i = 0; i < 4; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, i + 1);
            LinValue y = p.call("scaled", Lin.tensor(m, 2, 2), 0.5);
            assertArrayEquals(new long[] {2, 2}, y.shape());
            assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2}, y.asFloatArray());
        }
    }

    /**
     * A session's steps against a causal depthwise convolution written here in float64 loops: the
     * session's conv cache must carry the last kernel - 1 inputs from call to call, while the plain
     * instance forgets them.
     */
    @Test
    void aSessionCarriesAConvCacheAcrossCallsAsAPlainJavaConvolutionSays() {
        int channels = 3, kernel = 4, steps = 7;
        try (Lin lin = Lin.create()) {
            lin.eval("""
                    block Conv(channels: int, kernel: int = 4) {
                        weight: f32[channels, kernel]
                        state cache: f32[B, kernel - 1, channels]
                        forward(x: [B, T, channels]) -> [B, T, channels] {
                            let xs = concat(cache, x, axis = 1)
                            cache = xs[:, T:]
                            let y = zeros_like(x)
                            for j in 0..kernel { y = y + xs[:, j:j + T] * weight[:, j] }
                            return y
                        }
                    }
                    let m = Conv(3)
                    """);
            float[] w = lin.eval("m.weight").asFloatArray(); // [channels, kernel]
            float[] x = new float[steps * channels];
            for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(1.7 * i + 0.3);
            LinValue model = lin.get("m");
            LinValue session = model.session();
            for (int t = 0; t < steps; t++) {
                float[] xt = java.util.Arrays.copyOfRange(x, t * channels, (t + 1) * channels);
                float[] got = session.call(Lin.tensor(xt, 1, 1, channels)).asFloatArray();
                float[] plain = model.call(Lin.tensor(xt, 1, 1, channels)).asFloatArray();
                double err = 0, norm = 0, plainErr = 0;
                for (int c = 0; c < channels; c++) {
                    double ref = 0;
                    for (int j = 0; j < kernel; j++) {
                        int from = t - (kernel - 1) + j;
                        if (from >= 0) ref += (double) w[c * kernel + j] * x[from * channels + c];
                    }
                    double plainRef = (double) w[c * kernel + kernel - 1] * xt[c];
                    err += (got[c] - ref) * (got[c] - ref);
                    plainErr += (plain[c] - plainRef) * (plain[c] - plainRef);
                    norm += ref * ref;
                }
                assertTrue(Math.sqrt(err / norm) <= 1e-6, "step " + t + ": relative error " + Math.sqrt(err / norm));
                assertTrue(Math.sqrt(plainErr / norm) <= 1e-6, "plain call at step " + t + " must start from an empty cache");
            }
            session.invoke("reset");
            float[] first = java.util.Arrays.copyOfRange(x, 0, channels);
            float[] again = session.call(Lin.tensor(first, 1, 1, channels)).asFloatArray();
            for (int c = 0; c < channels; c++) assertEquals((double) w[c * kernel + kernel - 1] * first[c], again[c], 1e-6);
        }
    }
}
