package org.linlang.runtime.stdlib;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every model example in examples/ runs as `lin run` runs it (its own script, tiny sizes, random weights),
 * prints logits of the shape its ids call for, and decodes in a session (a prefill, then single tokens)
 * to the logits of one prefill.
 */
class ExamplesRunTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "linear_attention.lin | logits [2, 12, 128]",
        "retention.lin | logits [2, 12, 128]",
        "gla.lin | logits [2, 12, 128]",
        "hgrn2.lin | logits [2, 12, 128]",
        "lightning.lin | logits [2, 12, 128]",
        "mamba2.lin | logits [2, 12, 128]",
        "deltanet.lin | logits [2, 12, 128]",
        "gated_deltanet.lin | logits [2, 12, 128]",
        "liger.lin | logits [2, 12, 128]",
        "attention.lin | logits [2, 12, 128] with MoE [2, 12, 128]",
        "hybrid_gated_deltanet.lin | logits [2, 12, 128]",
        "hybrid_gla_swa.lin | logits [2, 12, 128]",
    })
    void runs(String name, String expected) throws IOException {
        Path file = Path.of("..", "examples", name);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Context context = Context.newBuilder("lin").out(out).err(out).build()) {
            context.eval(Source.newBuilder("lin", Files.readString(file), file.toString()).build());
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains(expected), "examples/" + name + " printed:\n" + printed);
        assertTrue(printed.contains("prefill 8 + 4 steps equals one prefill of 12: true"), "examples/" + name + " printed:\n" + printed);
    }
}
