package org.linlang.examples.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example runs and prints what its README promises. */
class EmbedExampleTest {
    @Test
    void theExampleRuns() throws Exception {
        var bytes = new ByteArrayOutputStream();
        EmbedExample.run(Path.of("scoring.lin"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        String all = String.join("\n", lines);
        assertEquals("2 + 3 = 5", lines.get(0), all);
        assertEquals("base * 4 = 40", lines.get(1), all);
        assertEquals("functions: [score, normalize]", lines.get(2), all);
        assertEquals("score(4.0) = 0.9412", lines.get(3), all);                       // 4² / (4² + 1)
        assertEquals("score(4.0, temperature = 2.0) = 0.6667", lines.get(4), all);    // 2 / (2 + 1)
        assertEquals("normalize([3, 4]) = [0.6, 0.8], shape [2]", lines.get(5), all);
        assertEquals("normalize([[1, 0], [0, 2]]) = [1.0, 0.0, 0.0, 1.0], shape [2, 2]", lines.get(6), all);
        assertEquals("score(-1.0) fails (RUNTIME):", lines.get(7), all);
        assertTrue(lines.get(8).matches(".*scoring\\.lin:4:65: error: log\\(\\) needs a positive number, got -1.0"), all);
        // S = x₀x₀ᵀ, y₀ = x₀S; S += x₁x₁ᵀ, y₁ = x₁S
        assertEquals("on cpu: Attend(2)([[1, 2], [3, 4]]) = [5.0, 10.0, 86.0, 122.0]", lines.getLast(), all);
        assertTrue(lines.get(lines.size() - 2).matches("load outside the folder: <eval 4>:1:9: error: reading .*weights.safetensors is not allowed: "
                + "the embedder lets this program read only under .*embed-java"), all);
    }
}
