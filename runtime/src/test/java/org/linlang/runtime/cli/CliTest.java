package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static void assertNoJavaTrace(String output) {
        assertFalse(output.contains("Exception"), "mentions an exception:\n" + output);
        assertFalse(output.contains("\tat "), "contains a Java stack trace:\n" + output);
    }

    @Test
    void checkReportsGarbageWithPlacesAndCarets() throws IOException {
        Path garbage = write("garbage.lin", "let = = 3 $\nfn (( ]\n\"open string\n");
        CliRunner.Result r = CliRunner.run("check", garbage.toString());
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(Pattern.compile(Pattern.quote(garbage.toString()) + ":\\d+:\\d+: error").matcher(r.output()).find(), r.output());
        assertTrue(r.output().lines().anyMatch(l -> l.matches("\\s*\\| *\\^+")), "no caret line:\n" + r.output());
        assertTrue(r.output().lines().anyMatch(l -> l.matches("\\d+ errors? in " + Pattern.quote(garbage.toString()))),
                "no summary line:\n" + r.output());
        assertNoJavaTrace(r.output());
    }

    @Test
    void checkOfAGoodFileSucceeds() throws IOException {
        Path ok = write("ok.lin", "fn double(x: int) -> int = 2 * x\nprint(double(21))\n");
        CliRunner.Result r = CliRunner.run("check", ok.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("no errors in " + ok + "\n", r.output());
    }

    @Test
    void checkOfSeveralFilesExitsWithOneIfAnyHasErrors() throws IOException {
        Path ok = write("ok.lin", "print(1)\n");
        Path bad = write("bad.lin", "print(\n");
        CliRunner.Result r = CliRunner.run("check", ok.toString(), bad.toString());
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("no errors in " + ok), r.output());
        assertTrue(r.output().contains("1 error in " + bad), r.output());
    }

    @Test
    void checkOfAMissingFileIsAnErrorNotACrash() {
        CliRunner.Result r = CliRunner.run("check", dir.resolve("missing.lin").toString());
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("missing.lin"), r.output());
        assertNoJavaTrace(r.output());
    }

    @Test
    void checkJsonPrintsOneArrayAndNothingElse() throws IOException {
        Path garbage = write("garbage.lin", "let = 3\n");
        Path ok = write("ok.lin", "print(1)\n");
        CliRunner.Result r = CliRunner.run("check", "--json", garbage.toString(), ok.toString());
        assertEquals(1, r.exitCode(), r.output());
        String json = r.output().strip();
        assertTrue(json.startsWith("[") && json.endsWith("]"), json);
        assertTrue(json.contains("\"severity\":\"error\""), json);
        assertTrue(json.contains("\"code\":\"E"), json);
        assertTrue(json.contains("\"line\":1"), json);
        assertFalse(json.contains("errors in") || json.contains("error in"), "summary lines in JSON output:\n" + json);

        CliRunner.Result clean = CliRunner.run("check", "--json", ok.toString());
        assertEquals(0, clean.exitCode(), clean.output());
        assertEquals("[]", clean.output().strip());
    }

    @Test
    void versionNamesLinTheJdkAndTheOptimizingRuntime() {
        CliRunner.Result r = CliRunner.run("--version");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().startsWith("lin 0."), r.output());
        assertTrue(r.output().contains("JDK " + Runtime.version().feature()), r.output());
        // Surefire runs the tests with the same JVM flags as ./lin (see runtime/pom.xml).
        assertTrue(r.output().contains("optimizing runtime"), r.output());
    }

    @Test
    void helpListsTheCommandsThatExist() {
        CliRunner.Result r = CliRunner.run("--help");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("check"), r.output());
        assertTrue(r.output().contains("run"), r.output());
        assertTrue(r.output().contains("repl"), r.output());
        assertTrue(r.output().contains("explain"), r.output());
        assertTrue(r.output().contains("kernels"), r.output());
        assertTrue(r.output().contains("op"), r.output());
        for (String command : new String[] {"forward", "generate", "chat", "bench"}) assertTrue(r.output().contains(command), r.output());
    }

    @Test
    void badUsageExitsWithTwo() {
        for (String[] args : new String[][] {{}, {"frobnicate"}, {"run"}, {"check"}, {"--no-such-option"}, {"run", "a.lin", "b.lin"}}) {
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + ":\n" + r.output());
            assertTrue(r.output().startsWith("lin: "), r.output());
            assertNoJavaTrace(r.output());
        }
    }

    @Test
    void runOfAFileWithErrorsRunsNothing() throws IOException {
        Path bad = write("bad.lin", "print(\"no\")\nlet x: int = \"s\"\n");
        CliRunner.Result r = CliRunner.run("run", bad.toString());
        assertEquals(1, r.exitCode(), r.output());
        assertFalse(r.output().contains("no\n"), r.output());
        assertTrue(r.output().contains(bad + ":2:"), r.output());
    }

    @Test
    void aClosedStandardOutputStopsTheProgramQuietly() throws IOException {
        Path endless = write("endless.lin", "for i in 0..1000000000000 { print(i) }\n");
        OutputStream pipeClosedAfter100Bytes = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 100) throw new IOException("Broken pipe");
            }
        };
        var err = new ByteArrayOutputStream();
        var io = new Io(InputStream.nullInputStream(), new PrintStream(pipeClosedAfter100Bytes, true),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        assertEquals(141, LinCli.execute(new String[] {"run", endless.toString()}, io));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void internalErrorsPrintOneLineAndExitWithSeventy() {
        var bytes = new ByteArrayOutputStream();
        CommandLine cmd = LinCli.commandLine(CliRunner.io(bytes, Map.of()));
        cmd.addSubcommand("boom", new Boom());
        assertEquals(70, cmd.execute("boom"));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.startsWith("lin: internal error"), out);
        assertTrue(out.contains("LIN_DEBUG=1"), out);
        assertFalse(out.contains("\tat "), out);

        var debugBytes = new ByteArrayOutputStream();
        CommandLine debug = LinCli.commandLine(CliRunner.io(debugBytes, Map.of("LIN_DEBUG", "1")));
        debug.addSubcommand("boom", new Boom());
        assertEquals(70, debug.execute("boom"));
        assertTrue(debugBytes.toString(StandardCharsets.UTF_8).contains("\tat "), "LIN_DEBUG=1 shows the trace");
    }

    @CommandLine.Command(name = "boom")
    static final class Boom implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("simulated bug");
        }
    }
}
