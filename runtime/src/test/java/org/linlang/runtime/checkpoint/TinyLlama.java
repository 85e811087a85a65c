package org.linlang.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.io.IOAccess;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.generate.Generator;
import org.linlang.runtime.generate.Sampling;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * The tiny Llama fixture of tools/fixtures/make_tiny.py (f32 weights, config.json, tokenizer) and its
 * float64 reference (logits of every position, greedy continuation), plus variants built from it.
 */
public final class TinyLlama {
    public static final Path DIR = Path.of("src/test/resources/fixtures/tiny_llama");
    public static final Path REFERENCE = Path.of("src/test/resources/fixtures/tiny_llama.reference.safetensors");

    private TinyLlama() {}

    public static Map<String, Tensor> reference() throws IOException {
        return SafeTensors.read(REFERENCE).tensors();
    }

    public static Map<String, Tensor> weights() throws IOException {
        return new LinkedHashMap<>(SafeTensors.read(DIR.resolve("model.safetensors")).tensors());
    }

    public static String config() throws IOException {
        return Files.readString(DIR.resolve("config.json"));
    }

    /** A copy of the checkpoint in {@code dir} with its weights and config.json text transformed. */
    public static Path variant(Path dir, UnaryOperator<Map<String, Tensor>> weights, UnaryOperator<String> config) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), config.apply(config()));
        SafeTensors.write(dir.resolve("model.safetensors"), weights.apply(weights()));
        return dir;
    }

    public static Context context() {
        return context("interp");
    }

    /** A context whose block and model calls run on {@code engine} (interp, cpu or auto). */
    public static Context context(String engine) {
        return Context.newBuilder("lin").allowIO(IOAccess.ALL).option("lin.Engine", engine).build();
    }

    /**
     * Greedy decoding of the reference's prompt ({@code input_ids}) on a session of the checkpoint in {@code dir},
     * on {@code engine}: the reference's continuation ({@code greedy}) exactly, stopped by the token budget.
     */
    public static void assertGreedyContinuation(Path dir, Map<String, Tensor> reference, String engine) throws IOException {
        long[] expected = reference.get("greedy").toLongArray();
        try (Context context = context(engine)) {
            CausalLM model = CausalLM.load(context, Checkpoint.open(dir));
            Generator.Result r = Generator.generate(model.session(), reference.get("input_ids").toLongArray(), Sampling.greedy(expected.length), null, null);
            assertArrayEquals(expected, r.ids(), dir.toString());
            assertEquals(Generator.Stop.MAX_TOKENS, r.stop());
        }
    }

    /** max |a - b| / max |b| over all elements. */
    public static double relativeError(float[] actual, float[] expected) {
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }
}
