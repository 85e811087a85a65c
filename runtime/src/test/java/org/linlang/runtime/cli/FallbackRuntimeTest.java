package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Lin also works on Truffle's fallback runtime (no JVMCI, every jar on the class path, no JIT for
 * Lin code): runs the CLI in a separate JVM started that way.
 */
class FallbackRuntimeTest {

    private static List<String> fallbackCommand(String... args) throws IOException {
        String truffleDir = System.getProperty("lin.truffle.dir");
        assertTrue(truffleDir != null && Files.isDirectory(Path.of(truffleDir)),
                "the Truffle jars folder (system property lin.truffle.dir, set in runtime/pom.xml) is missing");
        List<String> classPath = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        try (Stream<Path> jars = Files.list(Path.of(truffleDir))) {
            jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> classPath.add(p.toString()));
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dpolyglot.engine.WarnInterpreterOnly=false",
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp", String.join(File.pathSeparator, classPath),
                LinCli.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static CliRunner.Result start(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(fallbackCommand(args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new CliRunner.Result(p.waitFor(), out);
    }

    @Test
    void versionSaysFallback() throws Exception {
        CliRunner.Result r = start("--version");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("fallback runtime, interpreter only"), r.output());
    }

    @Test
    void goldenProgramsGiveTheSameOutput() throws Exception {
        for (String name : new String[] {"functions.lin", "lists_tuples.lin", "error_division_by_zero.lin"}) {
            Path program = RunGoldenTest.DIR.resolve(name);
            CliRunner.Result r = start("run", program.toString());
            String expected = Files.readString(RunGoldenTest.expectedFile(program), StandardCharsets.UTF_8);
            assertEquals(expected, RunGoldenTest.golden(r, program), name + " on the fallback runtime");
        }
    }
}
