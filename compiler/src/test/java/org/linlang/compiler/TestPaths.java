package org.linlang.compiler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the tests find their files, whether Maven runs them from {@code compiler/} or an IDE from
 * the repository root: the test resources (read and, with {@code -Dgolden.update=true}, rewritten
 * in place) and the repository's own folders ({@code docs/}, {@code examples/}).
 */
final class TestPaths {
    private TestPaths() {}

    /** {@code compiler/src/test/resources}: golden paths are printed relative to it. */
    static Path resources() {
        for (Path p : List.of(Path.of("src/test/resources"), Path.of("compiler/src/test/resources"))) {
            if (Files.isDirectory(p.resolve("golden"))) return p.toAbsolutePath().normalize();
        }
        throw new IllegalStateException("cannot find src/test/resources/golden from " + Path.of("").toAbsolutePath());
    }

    /** The repository root (the folder holding docs/ and examples/). */
    static Path repositoryRoot() {
        Path compiler = resources().getParent().getParent().getParent();
        return compiler.getParent();
    }

    /** The .lin programs directly in {@code golden/<kind>} (not in its lib/ helpers), sorted by name. */
    static List<Path> golden(String kind) {
        Path dir = resources().resolve("golden").resolve(kind);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".lin") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path a golden program is checked under: relative to the resources, with '/' separators. */
    static String relativeName(Path file) {
        return resources().relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }
}
