package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden programs again, with every Lin function compiled by Graal before its first run and
 * compilation failures turned into errors: the compiled code must give the same output as the
 * interpreter (this catches nodes that only work interpreted).
 */
class CompiledGoldenTest {
    private static final Map<String, String> OPTIONS = Map.of(
            "polyglot.engine.CompileImmediately", "true",
            "polyglot.engine.BackgroundCompilation", "false",
            "polyglot.engine.CompilationFailureAction", "Throw");

    @BeforeAll
    static void compileEverything() {
        OPTIONS.forEach(System::setProperty);
    }

    @AfterAll
    static void restore() {
        OPTIONS.keySet().forEach(System::clearProperty);
    }

    @TestFactory
    Stream<DynamicTest> goldensCompiled() throws IOException {
        try (Stream<Path> files = Files.list(RunGoldenTest.DIR)) {
            return files.filter(p -> p.toString().endsWith(".lin")).sorted().toList().stream()
                    .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), p.toUri(), () -> {
                        String expected = Files.readString(RunGoldenTest.expectedFile(p), StandardCharsets.UTF_8);
                        assertEquals(expected, RunGoldenTest.runGolden(p), "compiled: " + p);
                    }));
        }
    }
}
