package org.linlang.runtime.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.linlang.runtime.checkpoint.TinyLlama;
import org.linlang.runtime.generate.Generator;
import org.linlang.runtime.generate.Sampling;

/** The Java API runs the tiny Llama checkpoint on the interp and cpu engines: logits and greedy generation match the numpy reference. */
class LanguageModelTest {
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"interp", "cpu"})
    void loadsACheckpointAndGeneratesTheReferenceContinuation(String engine) throws Exception {
        Path dir = TinyLlama.DIR.toAbsolutePath();
        long[] prompt = TinyLlama.reference().get("input_ids").toLongArray();
        long[] greedy = TinyLlama.reference().get("greedy").toLongArray();
        float[] expected = TinyLlama.reference().get("logits").toFloatArray();
        try (Lin lin = Lin.builder().allowRead(dir).engine(engine).build(); LanguageModel m = lin.loadCheckpoint(dir)) {
            assertEquals(engine, lin.engine());
            float[][] logits = m.logits(prompt);
            float[] flat = new float[expected.length];
            for (int t = 0; t < logits.length; t++) System.arraycopy(logits[t], 0, flat, t * logits[t].length, logits[t].length);
            assertTrue(TinyLlama.relativeError(flat, expected) <= 1e-4);
            Generator.Result r = m.generate(prompt, Sampling.greedy(greedy.length));
            assertArrayEquals(greedy, r.ids());
            StringBuilder streamed = new StringBuilder();
            Generator.Result text = m.generate("the cat", Sampling.greedy(5), streamed::append);
            assertEquals(text.text(), streamed.toString());
        }
    }

    @Test
    void theSandboxStillApplies() {
        Path dir = TinyLlama.DIR.toAbsolutePath();
        try (Lin lin = Lin.builder().build()) {
            LinException e = assertThrows(LinException.class, () -> lin.loadCheckpoint(dir));
            assertTrue(e.getMessage().startsWith("cannot read ") && e.getMessage().contains("not allowed"), e.getMessage());
        }
    }
}
