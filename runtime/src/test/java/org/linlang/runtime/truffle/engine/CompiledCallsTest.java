package org.linlang.runtime.truffle.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.io.IOAccess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.cpu.Agreement;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * Differential: a script's model call gives the same logits on the interp and cpu engines
 * (examples/tiny_hybrid.lin at small sizes, batch 2, a length that is not a multiple of the chunk
 * size, f32 relative RMS error ≤ 1e-4), and what the cpu engine refuses is one sentence, or runs on
 * interp under engine auto.
 */
class CompiledCallsTest {
    @TempDir Path dir;

    private static String tinyHybrid() throws Exception {
        String text = Files.readString(Path.of("..", "examples", "tiny_hybrid.lin"));
        return text.substring(0, text.indexOf("// A quick shape check"));
    }

    private String run(String engine, String program, ByteArrayOutputStream err) {
        return run(engine, program, err, new ByteArrayOutputStream());
    }

    private String run(String engine, String program, ByteArrayOutputStream err, ByteArrayOutputStream out) {
        try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", engine)
                .err(err).out(out).build()) {
            return c.eval(LinLanguage.ID, program).toString();
        }
    }

    private Tensor logits(String engine, String script) throws Exception {
        Path out = dir.resolve(engine + ".safetensors");
        run(engine, script + "save(\"" + out + "\", logits = logits)\n", new ByteArrayOutputStream());
        return SafeTensors.read(out).tensors().get("logits").copy();
    }

    @Test
    void tinyHybridGivesTheInterpretersLogits() throws Exception {
        String script = tinyHybrid() + """
                let model = TinyHybrid(vocab = 97, d = 32, layers = 4, heads = 2)
                let ids = (rand([2, 70], seed = 5) * 97.0) as i64
                let logits = model(ids)
                """;
        Tensor interp = logits("interp", script);
        Tensor cpu = logits("cpu", script);
        Agreement.assertClose("TinyHybrid logits", interp, cpu);
    }

    /**
     * Every example model runs whole on the cpu engine (every call, prefill and session steps) and gives
     * the interpreter's logits, one prefill of 12 tokens of a batch of 2 and a session (8, then 4 one at a
     * time) alike: softmax attention reads its cache length P and T as values (positions, the mask's rows),
     * sliding windows cut their caches under a size guard, `..` blocks (q/k norms) run at rank 4.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"attention", "deltanet", "gated_deltanet", "gla", "hgrn2",
            "hybrid_gated_deltanet", "hybrid_gla_swa", "liger", "lightning", "linear_attention", "mamba2", "retention"})
    void exampleModelsGiveTheInterpretersLogitsOnCpu(String example) throws Exception {
        String script = Files.readString(Path.of("..", "examples", example + ".lin"));
        Path out = dir.resolve(example);
        String save = "\nsave(\"" + out + "-ENGINE.safetensors\", logits = logits, decoded = decoded)\n";
        var printedInterp = new ByteArrayOutputStream();
        var printedCpu = new ByteArrayOutputStream();
        run("interp", script + save.replace("ENGINE", "interp"), new ByteArrayOutputStream(), printedInterp);
        run("cpu", script + save.replace("ENGINE", "cpu"), new ByteArrayOutputStream(), printedCpu);
        var interp = SafeTensors.read(Path.of(out + "-interp.safetensors")).tensors();
        var cpu = SafeTensors.read(Path.of(out + "-cpu.safetensors")).tensors();
        Agreement.assertClose(example + " logits", interp.get("logits").copy(), cpu.get("logits").copy());
        Agreement.assertClose(example + " session logits", interp.get("decoded").copy(), cpu.get("decoded").copy());
        org.junit.jupiter.api.Assertions.assertEquals(printedInterp.toString(), printedCpu.toString(), example + " prints the same");
        assertTrue(printedCpu.toString().contains("prefill 8 + 4 steps equals one prefill of 12: true"), printedCpu.toString());
    }

    /** A recurrence step that calls a function of the program: the generic step kernel does not inline such calls. */
    @Test
    void aBlockTheEngineCannotRunIsOneSentenceOnCpuAndInterpretedOnAuto() throws Exception {
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
                let y = s(ones([1, 5, 2, 4]))
                float(sum(y))
                """;
        var e = assertThrows(PolyglotException.class, () -> run("cpu", program, new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("the cpu engine cannot run recurrence ema"), e.getMessage());
        assertTrue(e.getMessage().contains("does not compile calls of squash"), e.getMessage());
        var err = new ByteArrayOutputStream();
        String interp = run("interp", program, new ByteArrayOutputStream());
        String auto = run("auto", program, err);
        assertTrue(interp.equals(auto), interp + " vs " + auto);
        assertTrue(err.toString().contains("engine auto runs calls of Smooth on interp"), err.toString());
    }

    /** {@code lin run FILE --engine cpu} of a block with a nonlinear recurrence (an EMA through tanh) prints what interp prints. */
    @Test
    void linRunOfANonlinearRecurrenceOnCpuPrintsWhatInterpPrints() throws Exception {
        Path file = dir.resolve("ema.lin");
        java.nio.file.Files.writeString(file, """
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
                let y = s(rand([2, 7, 3, 4], seed = 3) - 0.5)
                print(y[1, 6, 2])
                print(float(sum(y)))
                """);
        String interp = linRun(file, "interp"), cpu = linRun(file, "cpu");
        org.junit.jupiter.api.Assertions.assertEquals(interp, cpu);
        assertTrue(cpu.contains("tensor(["), cpu);
    }

    private static String linRun(Path file, String engine) {
        var bytes = new ByteArrayOutputStream();
        var stream = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        int code = org.linlang.runtime.cli.LinCli.execute(new String[] {"run", file.toString(), "--engine", engine},
                new org.linlang.runtime.cli.Io(java.io.InputStream.nullInputStream(), stream, stream, java.util.Map.of()));
        org.junit.jupiter.api.Assertions.assertEquals(org.linlang.runtime.cli.LinCli.EXIT_OK, code, bytes.toString());
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"block_sessions", "block_state_details"})
    void blockStateGoldensPrintTheSameOnTheCpuEngine(String golden) throws Exception {
        // the interp goldens of block states: sessions (conv cache, KV caches, a delta state), bf16 states, nested calls
        Path dir = Path.of("src", "test", "resources", "run");
        String program = Files.readString(dir.resolve(golden + ".lin"));
        var out = new ByteArrayOutputStream();
        try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", "cpu")
                .err(new ByteArrayOutputStream()).out(out).build()) {
            c.eval(LinLanguage.ID, program);
        }
        org.junit.jupiter.api.Assertions.assertEquals(Files.readString(dir.resolve(golden + ".expected")).strip(), out.toString().strip());
    }

    /**
     * A sliding-window cache is cut to its window once P + T reaches it: the plans of one session differ
     * on that comparison of sizes (a size guard), so a session that starts inside the window and grows
     * past it runs on two plans, each where its guard holds, and gives the interpreter's logits.
     */
    @Test
    void aSlidingWindowSessionThatGrowsPastItsWindowGivesTheInterpretersLogits() throws Exception {
        String script = """
                import std.models.{DecoderLM}
                let model = DecoderLM(vocab = 64, d = 32, num_layers = 2, pattern = "LA", mixer = "liger", attention = "swa",
                                      window = 5, heads = 2, head_dim = 8, kv_heads = 1, groups = 2)
                let ids = (rand([3, 11], seed = 3) * 64.0) as i64
                let logits = model(ids)
                let s = model.session()
                let decoded = concat(s(ids[:, 0:2]), s(ids[:, 2:3]), s(ids[:, 3:4]), s(ids[:, 4:5]), s(ids[:, 5:6]), s(ids[:, 6:7]),
                                     s(ids[:, 7:8]), s(ids[:, 8:9]), s(ids[:, 9:10]), s(ids[:, 10:11]), axis = 1)
                """;
        Path out = dir.resolve("window");
        String save = "\nsave(\"" + out + "-ENGINE.safetensors\", logits = logits, decoded = decoded)\n";
        run("interp", script + save.replace("ENGINE", "interp"), new ByteArrayOutputStream());
        run("cpu", script + save.replace("ENGINE", "cpu"), new ByteArrayOutputStream());
        var interp = SafeTensors.read(Path.of(out + "-interp.safetensors")).tensors();
        var cpu = SafeTensors.read(Path.of(out + "-cpu.safetensors")).tensors();
        Agreement.assertClose("sliding window logits", interp.get("logits").copy(), cpu.get("logits").copy());
        Agreement.assertClose("sliding window session", interp.get("decoded").copy(), cpu.get("decoded").copy());
        Agreement.assertClose("session against one prefill", cpu.get("logits").copy(), cpu.get("decoded").copy());
    }

    @Test
    void cachesOfDifferentLengthsHaveTheirOwnSizes() throws Exception {
        // a full-attention cache holds every token, a sliding window's at most 3: each instance's P is its own
        String script = """
                import std.nn.{Attention}
                block Mix(d: int) {
                    full = Attention(d, 1, 2, 8)
                    swa = Attention(d, 1, 2, 8, window = 4)
                    forward(x: [B, T, d]) -> [B, T, d] = swa(full(x))
                }
                let m = Mix(16)
                let x = rand([2, 9, 16], seed = 1)
                let logits = m(x)
                let s = m.session()
                let decoded = concat(s(x[:, 0:5]), s(x[:, 5:6]), s(x[:, 6:7]), s(x[:, 7:8]), s(x[:, 8:9]), axis = 1)
                """;
        Path out = dir.resolve("mix");
        String save = "\nsave(\"" + out + "-ENGINE.safetensors\", logits = logits, decoded = decoded)\n";
        run("interp", script + save.replace("ENGINE", "interp"), new ByteArrayOutputStream());
        run("cpu", script + save.replace("ENGINE", "cpu"), new ByteArrayOutputStream());
        var interp = SafeTensors.read(Path.of(out + "-interp.safetensors")).tensors();
        var cpu = SafeTensors.read(Path.of(out + "-cpu.safetensors")).tensors();
        Agreement.assertClose("full and sliding-window logits", interp.get("logits").copy(), cpu.get("logits").copy());
        Agreement.assertClose("full and sliding-window session", interp.get("decoded").copy(), cpu.get("decoded").copy());
        Agreement.assertClose("session against one prefill", cpu.get("logits").copy(), cpu.get("decoded").copy());
    }

    @Test
    void aBlockOfDotDotParametersRunsAtTheRankItIsCalledWith() throws Exception {
        // Linear's forward takes [.., in]: the plan is compiled per rank, .. standing for [N], [B, T] or [B, T, H]
        String program = """
                import std.nn.{Linear, RMSNorm}
                let lin = Linear(4, 3)
                let norm = RMSNorm(4)
                fn energy(x: [..]) -> string = str(float(sum(x * x))) + ","
                energy(lin(rand([5, 4], seed = 1))) + energy(lin(rand([2, 3, 4], seed = 2))) + energy(lin(rand([2, 3, 2, 4], seed = 3)))
                    + energy(norm(rand([4], seed = 4))) + energy(norm(rand([2, 3, 5, 4], seed = 5)))
                """;
        String cpu = run("cpu", program, new ByteArrayOutputStream());
        String interp = run("interp", program, new ByteArrayOutputStream());
        var a = cpu.split(",");
        var b = interp.split(",");
        org.junit.jupiter.api.Assertions.assertEquals(b.length, a.length, cpu + " vs " + interp);
        for (int i = 0; i < a.length; i++) {
            double x = Double.parseDouble(a[i]), y = Double.parseDouble(b[i]);
            assertTrue(Math.abs(x - y) <= 1e-5 * Math.abs(y), cpu + " vs " + interp);
        }
    }

    /**
     * A session's decoding step of examples/gated_deltanet.lin's model (one layer: std.nn.GatedDeltaNet
     * with the example's sizes) on the cpu engine. A session's forward runs in the interpreter, which
     * calls four compiled blocks (the embedding, the layer, the norm, the head); once warm, the only
     * tensor memory a step asks for is the output of each of these calls, which escapes to the
     * interpreter: the recurrent state and the three conv caches are updated in place, and every
     * intermediate lives in the plans' workspaces. The Java heap is the interpreter's and the
     * calls' glue (argument maps, size binding), printed, not bounded here.
     */
    @Test
    void aSessionDecodeStepAsksForNoTensorMemoryButItsOutput() {
        try (Context c = Context.newBuilder(LinLanguage.ID).allowIO(IOAccess.ALL).option("lin.Engine", "cpu")
                .err(new ByteArrayOutputStream()).out(new ByteArrayOutputStream()).build()) {
            var session = c.eval(LinLanguage.ID, """
                    import std.models.{DecoderLM}
                    let model = DecoderLM(vocab = 128, d = 32, num_layers = 1, pattern = "L", mixer = "gated_deltanet", heads = 2,
                                          head_dim = 16, window = 8)
                    let s = model.session()
                    let prompt = s((rand([1, 8], seed = 7) * 128.0) as i64)
                    s
                    """);
            var x = c.eval(LinLanguage.ID, "(rand([1, 1], seed = 8) * 128.0) as i64");
            for (int i = 0; i < 100; i++) session.execute(x); // warm: the step's plan compiled, its workspace made
            int steps = 200;
            var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().threadId(), heap = mx.getThreadAllocatedBytes(id);
            long before = org.linlang.runtime.tensor.NativeMemory.allocations();
            for (int i = 0; i < steps; i++) session.execute(x);
            long blocks = org.linlang.runtime.tensor.NativeMemory.allocations() - before;
            System.out.println("gated_deltanet session step: " + (double) blocks / steps + " tensor blocks, "
                    + (mx.getThreadAllocatedBytes(id) - heap) / steps + " heap bytes");
            assertEquals(4L * steps, blocks, "tensor blocks of " + steps + " warm session steps (four compiled calls' outputs a step)");
        }
    }
}
