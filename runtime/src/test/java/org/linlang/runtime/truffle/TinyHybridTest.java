package org.linlang.runtime.truffle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.Test;

/**
 * The model of examples/tiny_hybrid.lin (Gated DeltaNet and gated attention layers, 3:1) run
 * forward on random token ids: a smaller instance than the example's own, so that the test is quick.
 */
class TinyHybridTest {
    @Test
    void theExampleModelRunsForward() throws IOException {
        String text = Files.readString(Path.of("../examples/tiny_hybrid.lin"));
        // The definitions only: the example's own script (at its default sizes) starts with its first top-level let.
        int script = text.indexOf("\nlet ");
        assertTrue(script > 0, "examples/tiny_hybrid.lin has no script to leave out");
        String program = text.substring(0, script + 1)
                + "let m = TinyHybrid(vocab = 64, d = 32, layers = 4, heads = 2)\n"
                + "let ids = (rand([2, 8], seed = 1) * 64.0) as i64\n"
                + "let logits = m(ids)\n"
                + "logits\n";
        try (Context context = Context.create("lin")) {
            Value logits = context.eval(Source.newBuilder("lin", program, "tiny_hybrid_test.lin").buildLiteral());
            assertEquals("[2, 8, 64]", logits.getMember("shape").toString());
            int n = (int) (logits.getBufferSize() / 4);
            double sumSquares = 0;
            for (int i = 0; i < n; i++) {
                float x = logits.readBufferFloat(ByteOrder.LITTLE_ENDIAN, 4L * i);
                assertTrue(Float.isFinite(x), "logit " + i + " is " + x);
                sumSquares += x * x;
            }
            assertTrue(sumSquares > 0, "all logits are zero");
        }
    }
}
