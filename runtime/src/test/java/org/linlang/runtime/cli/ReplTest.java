package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lin repl} driven through its non-terminal mode: scripted input on stdin, stdout and stderr apart. */
class ReplTest {
    @TempDir Path dir;

    record Session(int exitCode, String out, String err) {
        List<String> outLines() { return out.lines().toList(); }
    }

    static Session repl(String input, String... extraArgs) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var io = new Io(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        String[] args = new String[2 + extraArgs.length];
        args[0] = "repl";
        args[1] = "--no-history";
        System.arraycopy(extraArgs, 0, args, 2, extraArgs.length);
        int code = LinCli.execute(args, io);
        return new Session(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertNoJavaTrace(String text) {
        assertFalse(text.contains("Exception"), "mentions an exception:\n" + text);
        assertFalse(text.contains("\tat "), "contains a Java stack trace:\n" + text);
    }

    /** Whether the interpreter runs tensor code yet (it is being added); tensor cases run only then. */
    static boolean tensorsWork() {
        try (Context c = Context.create("lin")) {
            c.eval("lin", "zeros([2])");
            return true;
        } catch (PolyglotException e) {
            return false;
        }
    }

    @Test
    void aScriptedSessionPrintsTheValuesOfExpressions() {
        Session s = repl("let x = 2\nx * 3\n");
        assertEquals("6\n", s.out());
        assertEquals("", s.err());
        assertEquals(0, s.exitCode());
    }

    @Test
    void valuesPrintAsLinWritesThemAndEffectsPrintNothingMore() {
        Session s = repl("""
                "text\\n"
                1e-6
                7 / 2
                [1, 2.5]
                (1, "one")
                true
                print("printed")
                let unused = 5
                """);
        assertEquals(List.of("\"text\\n\"", "1e-06", "3.5", "[1.0, 2.5]", "(1, \"one\")", "true", "printed"), s.outLines());
        assertEquals("", s.err());
    }

    @Test
    void noPromptsOrTerminalCodesWhenStdinIsNotATerminal() {
        Session s = repl("1 + 1\n:type 1\n:engine\n");
        assertFalse(s.out().contains("lin>"), s.out());
        assertFalse(s.out().contains("\u001b"), s.out());
        assertFalse(s.err().contains("\u001b"), s.err());
        assertEquals("2", s.outLines().getFirst());
    }

    @Test
    void errorsMidSessionAreReportedWithTheirPlaceAndTheSessionGoesOn() {
        Session s = repl("""
                let a = 10
                let b = a +* 2
                let c: int = "text"
                let d = a / (a - 10)
                fn half(n: int) -> float = n / 2
                half(a)
                a + 1
                """);
        // The syntax error, the type error and the runtime error, each with file, line:col and a caret.
        assertTrue(s.err().contains("<repl 2>:1:12: error[E001]"), s.err());
        assertTrue(s.err().contains("<repl 3>:1:14: error[E030]"), s.err());
        assertTrue(s.err().contains("<repl 4>:1:9: error: division by zero"), s.err());
        long carets = s.err().lines().filter(l -> l.matches("\\s*\\| *\\^+")).count();
        assertEquals(3, carets, s.err());
        assertNoJavaTrace(s.err());
        // Later inputs still run, and see what came before the errors.
        assertEquals(List.of("5.0", "11"), s.outLines());
        assertEquals(1, s.exitCode(), "an error in a scripted session makes the exit status 1");
    }

    @Test
    void anErrorCallStopsOnlyItsInputAndTheSessionGoesOn() {
        Session s = repl("""
                fn pick(kind: string) -> int = if kind == "one" then 1 else error("unknown kind '" + kind + "'")
                pick("two")
                pick("one") + 1
                """);
        assertTrue(s.err().contains("<repl 1>:1:61: error: unknown kind 'two'"), s.err());
        assertTrue(s.err().lines().anyMatch(l -> l.matches("\\s*\\| *\\^+")), s.err());
        assertNoJavaTrace(s.err());
        assertEquals(List.of("2"), s.outLines());
        assertEquals(1, s.exitCode());
    }

    @Test
    void aSessionKeepsItsStatesAcrossInputsAndErrors() {
        Session s = repl("""
                block Acc(d: int) {
                    state total: f32[B, d]
                    forward(x: [B, d]) -> [B, d] {
                        total = total + x
                        return total
                    }
                }
                let s = Acc(2).session()
                s(ones([1, 2]))
                s(ones([3, 2]))
                s.total
                s(ones([1, 2]))
                s.reset()
                s(ones([1, 2]))
                let m = Acc(2)
                m(ones([1, 2]))
                m(ones([1, 2]))
                """);
        assertTrue(s.err().contains("<repl 4>:1:1: error: state 'total' of Acc.forward has shape [1, 2], but it is declared total: f32[B, d] with B = 3"), s.err());
        assertTrue(s.err().contains("<repl 5>:1:3: error[E016]: 'total' is a state of block 'Acc'"), s.err());
        assertNoJavaTrace(s.err());
        // The failed call left the state as it was; reset empties it; the plain instance never keeps it.
        assertEquals(List.of("tensor([[1.0000, 1.0000]], f32[1, 2])", "tensor([[2.0000, 2.0000]], f32[1, 2])",
                "tensor([[1.0000, 1.0000]], f32[1, 2])", "tensor([[1.0000, 1.0000]], f32[1, 2])",
                "tensor([[1.0000, 1.0000]], f32[1, 2])"), s.outLines());
    }

    @Test
    void anInputThatFailsDefinesNothing() {
        Session s = repl("""
                let broken = undefined_name + 1
                fn bad() -> int = "no"
                broken
                bad()
                """);
        assertTrue(s.err().contains("<repl 3>:1:1: error[E010]: unknown name 'broken'"), s.err());
        assertTrue(s.err().contains("<repl 4>:1:1: error[E010]: unknown name 'bad'"), s.err());
        assertEquals("", s.out());
    }

    @Test
    void aVariableWhoseInputStoppedAtRunTimeHasNoValue() {
        Session s = repl("let z = 1 / 0\nz\n");
        assertTrue(s.err().contains("<repl 2>:1:1: error: 'z' has no value"), s.err());
        assertNoJavaTrace(s.err());
    }

    @Test
    void definitionsAndLetsStayForLaterInputs() {
        Session s = repl("""
                let x = 2
                fn scale(v: float) -> float = v * x
                let (p, q) = (3, "three")
                scale(1.5)
                q
                x = 10
                scale(1.5)
                let t: float = 1
                t = 4
                t
                """);
        assertEquals(List.of("3.0", "\"three\"", "15.0", "4.0"), s.outLines());
        assertEquals("", s.err());
    }

    @Test
    void aFunctionCanBeRedefinedAndEarlierCodeKeepsWhatItWasCheckedAgainst() {
        Session s = repl("""
                fn f(n: int) -> int = n + 1
                fn g(n: int) -> int = f(n) * 100
                f(1)
                fn f(n: int) -> float = n / 4
                f(1)
                g(1)
                let f = 7
                f + 1
                g(2)
                """);
        assertEquals(List.of("2", "0.25", "200", "8", "300"), s.outLines());
        assertEquals("", s.err());
    }

    @Test
    void aLetCanBeShadowedWithAnotherType() {
        Session s = repl("""
                let v = 1
                fn read_v() -> int = v * 2
                let v = "now a string"
                v
                read_v()
                """);
        assertEquals(List.of("\"now a string\"", "2"), s.outLines());
        assertEquals("", s.err());
    }

    @Test
    void linesAreJoinedWhileBracketsAreOpenOrADefinitionIsUnfinished() {
        Session s = repl("""
                fn area(w: float,
                        h: float) -> float {
                    let a = w * h

                    return a
                }
                area(2.0, 3.0)
                [1,
                 2,
                 3]
                fn twice(n: int) -> int =
                    2 * n
                twice(21)
                /* a comment
                   over lines */ 5
                """);
        assertEquals(List.of("6.0", "[1, 2, 3]", "42", "5"), s.outLines());
        assertEquals("", s.err());
    }

    @Test
    void anUnfinishedLineFollowedByANewStatementIsAnErrorOfItsOwn() {
        Session s = repl("let x =\nlet y = 3\ny\n");
        assertTrue(s.err().contains("<repl 1>:1:8: error[E001]: unexpected end of file"), s.err());
        assertEquals("3\n", s.out());
    }

    @Test
    void typeShowsTheTypeWithoutRunning() {
        Session s = repl("""
                let n = 3
                fn half(v: float) -> float = v / 2.0
                :type n * 2
                :type half(1.0)
                :type zeros([2, n])
                :type print("not printed")
                :type nope
                """);
        assertEquals(List.of("int", "float", "f32[2, 3]"), s.outLines().subList(0, 3));
        assertFalse(s.out().contains("not printed"), s.out());
        assertTrue(s.err().contains("error[E010]: unknown name 'nope'"), s.err());
        assertTrue(s.err().lines().anyMatch(l -> l.matches("\\s*\\| *\\^+")), s.err());
    }

    @Test
    void helpListsTheCommandsAndTheBuiltinsWithTheirDocumentation() {
        Session s = repl(":help\n");
        for (String command : List.of(":help", ":type", ":time", ":load", ":engine", ":quit")) {
            assertTrue(s.out().contains(command), command + " missing:\n" + s.out());
        }
        var builtins = org.linlang.compiler.types.Builtins.all();
        for (var b : builtins.values()) {
            assertTrue(s.out().contains(b.signature()) && s.out().contains(b.doc()), b.name() + " missing:\n" + s.out());
        }
        assertEquals(0, s.exitCode());
    }

    @Test
    void quitEndsTheSession() {
        Session s = repl("1\n:quit\n2\n");
        assertEquals("1\n", s.out());
        assertEquals(0, s.exitCode());
    }

    @Test
    void loadRunsAFileIntoTheSession() throws IOException {
        Path lib = dir.resolve("lib.lin");
        Files.writeString(lib, "fn cube(v: float) -> float = v * v * v\nlet base = 2.0\nprint(\"loaded\")\n");
        Path broken = dir.resolve("broken.lin");
        Files.writeString(broken, "fn oops() -> int = \"text\"\n");
        Session s = repl(":load " + lib + "\ncube(base)\n:load " + broken + "\n:load " + dir.resolve("missing.lin") + "\noops()\n");
        assertEquals(List.of("loaded", "8.0"), s.outLines());
        assertTrue(s.err().contains("broken.lin:1:20: error[E055]"), s.err());
        assertTrue(s.err().contains("missing.lin: no such file"), s.err());
        assertTrue(s.err().contains("unknown name 'oops'"), s.err());
    }

    @Test
    void timePrintsTheMedianOfSeveralRuns() {
        Session s = repl("fn work(n: int) -> int {\n  let t = 0\n  for i in 0..n { t = t + i }\n  return t\n}\n:time work(1000)\n:time 1 / 0\n");
        assertTrue(s.out().matches("(?s)median [0-9.]+ (ns|us|ms|s) \\(min .*, max .*, \\d+ runs after \\d+ warm-up runs\\)\n"), s.out());
        assertTrue(s.err().contains("error: division by zero"), s.err());
    }

    @Test
    void theEngineIsChosenWhenTheSessionStarts() {
        Session s = repl(":engine\n:engine interp\n:engine cpu\n:engine cuda\n:engine warp\n");
        assertTrue(s.out().contains("engine: interp (the Truffle interpreter)"), s.out());
        assertTrue(s.err().contains("error: the engine is chosen when the session starts (lin repl --engine cpu); this session stays on interp"), s.err());
        assertTrue(s.err().contains("error: the engine is chosen when the session starts (lin repl --engine cuda); this session stays on interp"), s.err());
        assertTrue(s.err().contains("unknown engine 'warp'"), s.err());
        assertEquals("engine: cpu (block and model calls compiled into cpu plans, the rest on the Truffle interpreter)\n",
                repl(":engine\n", "--engine", "cpu").out());
        assertTrue(repl(":engine\n", "--engine", "opencl").out().startsWith("engine: opencl (block and model calls as device plans on the opencl kernels"));
        Session refused = repl("1\n", "--engine", "gpu");
        assertEquals(LinCli.EXIT_USAGE, refused.exitCode());
        assertTrue(refused.err().contains("unknown engine 'gpu'; the engines are interp, cpu, auto, opencl and cuda"), refused.err());
        assertEquals("", refused.out());
    }

    /**
     * A cpu session runs block calls as compiled plans (a block of the standard library with a recurrence, and one
     * defined in the session), survives an error and a call the cpu engine refuses, and prints what interp prints.
     */
    @Test
    void aCpuSessionRunsCompiledCallsAndSurvivesErrors() {
        String input = """
                import std.nn.{LinearAttention}
                let mixer = LinearAttention(8, 2, 4, 4)
                let x = rand([1, 6, 8], seed = 3)
                undefined_name + 1
                float(sum(mixer(x)))
                block Twice(d: int) { forward(x: [B, T, d]) -> [B, T, d] = 2.0 * x }
                float(sum(Twice(8)(x)))
                fn squash(x: [.., D]) -> [.., D] = tanh(x)
                recurrence ema(x: [D]) -> [D] state m: [D] = 0 { m = squash(0.5 * m + x)\n emit m }
                block Smooth(d: int) { forward(x: [B, T, d]) -> [B, T, d] = ema(x) }
                float(sum(Smooth(8)(x)))
                float(sum(Twice(8)(x))) * 2.0
                """;
        Session interp = repl(input);
        Session cpu = repl(input, "--engine", "cpu");
        assertEquals(4, interp.outLines().size(), interp.out() + interp.err());
        assertTrue(cpu.err().contains("unknown name 'undefined_name'"), cpu.err());
        assertTrue(cpu.err().contains("the cpu engine cannot run recurrence ema"), cpu.err());
        assertNoJavaTrace(cpu.err());
        // LinearAttention, Twice, (Smooth refused), Twice again: the interpreter's values to f32 rounding
        List<String> onCpu = cpu.outLines();
        assertEquals(3, onCpu.size(), cpu.out() + cpu.err());
        List<String> onInterp = List.of(interp.outLines().get(0), interp.outLines().get(1), interp.outLines().get(3));
        for (int i = 0; i < 3; i++) {
            double want = Double.parseDouble(onInterp.get(i)), got = Double.parseDouble(onCpu.get(i));
            assertEquals(want, got, 1e-5 * Math.max(1, Math.abs(want)), "line " + i + ": " + cpu.out());
        }
        assertEquals(LinCli.EXIT_ERRORS, cpu.exitCode());
    }

    /**
     * An opencl session (PoCL here) runs a model call and a session's prefill and decode step as device plans, with
     * interp's values; the step's logits are the whole call's last position.
     */
    @Test
    void anOpenClSessionRunsAModelCallAndASessionStep() {
        String input = """
                import std.models.{DecoderLM}
                let m = DecoderLM(vocab = 64, d = 16, num_layers = 2, pattern = "L", mixer = "linear_attn", heads = 2, head_dim = 8)
                let ids = (rand([1, 6], seed = 7) * 64.0) as i64
                let logits = m(ids)
                float(sum(abs(logits)))
                let s = m.session()
                let prefill = s(ids[:, 0:5])
                let step = s(ids[:, 5:6])
                float(sum(abs(step)))
                float(max(abs(step - logits[:, 5:6]))) < 1e-4
                """;
        Session interp = repl(input);
        Session opencl = repl(input, "--engine", "opencl");
        assertEquals(LinCli.EXIT_OK, opencl.exitCode(), opencl.err());
        assertEquals("", opencl.err());
        assertEquals(3, opencl.outLines().size(), opencl.out());
        for (int i = 0; i < 2; i++) {
            double want = Double.parseDouble(interp.outLines().get(i)), got = Double.parseDouble(opencl.outLines().get(i));
            assertEquals(want, got, 1e-4 * Math.max(1, Math.abs(want)), "line " + i + ": " + opencl.out());
        }
        assertEquals("true", opencl.outLines().get(2));
    }

    /** Without an NVIDIA driver a cuda session runs plain code, and a model call is an error of one sentence. */
    @Test
    void aCudaSessionWithoutADriverSaysSoAtTheModelCall() {
        Session s = repl("""
                import std.nn.{LinearAttention}
                1 + 2
                float(sum(LinearAttention(8, 2, 4, 4)(ones([1, 3, 8]))))
                """, "--engine", "cuda");
        if (s.exitCode() == LinCli.EXIT_OK) return; // a machine with an NVIDIA GPU runs it
        assertEquals(List.of("3"), s.outLines());
        assertEquals(LinCli.EXIT_ERRORS, s.exitCode());
        assertTrue(s.err().contains("error: engine cuda: "), s.err());
        assertTrue(s.err().lines().findFirst().orElseThrow().endsWith("(use --engine interp or auto)"), s.err());
        assertNoJavaTrace(s.err());
    }

    @Test
    void unknownCommandsAreErrorsThatDoNotEndTheSession() {
        Session s = repl(":frobnicate\n40 + 2\n");
        assertTrue(s.err().contains("unknown command ':frobnicate'"), s.err());
        assertEquals("42\n", s.out());
    }

    @Test
    void anUnfinishedInputAtTheEndIsReported() {
        Session s = repl("let open = [1, 2\n");
        assertTrue(s.err().contains("<repl 1>:"), s.err());
        assertEquals(1, s.exitCode());
    }

    @Test
    void inputsAreCompleteOpenOrUnfinished() {
        assertEquals(ReplInput.State.COMPLETE, ReplInput.state("let x = 1"));
        assertEquals(ReplInput.State.OPEN, ReplInput.state("fn f(a: int,"));
        assertEquals(ReplInput.State.OPEN, ReplInput.state("block B(d: int) {"));
        assertEquals(ReplInput.State.OPEN, ReplInput.state("/* still"));
        assertEquals(ReplInput.State.COMPLETE, ReplInput.state("let s = \"(\" // ("));
        assertEquals(ReplInput.State.UNFINISHED, ReplInput.state("fn f(x: int) -> int"));
        assertEquals(ReplInput.State.UNFINISHED, ReplInput.state("let y = 2 *"));
        assertEquals(ReplInput.State.BROKEN, ReplInput.state("let = 3"));
        assertEquals(ReplInput.State.BROKEN, ReplInput.state("f(1))"));
        assertEquals(ReplInput.State.COMPLETE, ReplInput.state(":type (1,"));
    }

    // ---- tensors: these run once the interpreter runs tensor code -----------------------------------

    @Test
    void importsStayForLaterInputs() {
        assumeTrue(tensorsWork(), "the interpreter does not run tensors (nor the standard library) yet");
        Session s = repl("""
                import std.ops.{l2norm}
                import std.ops.*
                import std.nn
                shape(l2norm(ones([4])))
                shape(rmsnorm(ones([2, 4]), ones([4])))
                shape(nn.Linear(4, 2)(ones([3, 4])))
                """);
        assertEquals("", s.err());
        assertEquals(List.of("[4]", "[2, 4]", "[3, 2]"), s.outLines());
    }

    @Test
    void tensorValuesPrintAndKeepTheirShapes() {
        assumeTrue(tensorsWork(), "the interpreter does not run tensors yet");
        Session s = repl("""
                let t = ones([2, 3])
                shape(t * 2.0)
                :type t + 1.0
                len(t)
                """);
        assertEquals("", s.err());
        assertEquals(List.of("[2, 3]", "f32[2, 3]", "2"), s.outLines());
    }
}
