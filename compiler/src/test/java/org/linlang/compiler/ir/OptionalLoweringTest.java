package org.linlang.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.types.Program;

/** {@code none} arguments and {@code x != none} are decided when the graph is built: only the taken branch has nodes. */
class OptionalLoweringTest {
    private static final Program P = IrFixtures.check("""
            fn gated(x: [B, T, H], gate: [B, T, H] = none) -> [B, T, H] = if gate != none then x * sigmoid(gate) else x * 2.0
            fn without(x: [B, T, H]) -> [B, T, H] = gated(x)
            fn given(x: [B, T, H], g: [B, T, H]) -> [B, T, H] = gated(x, g)
            """);
    private static final Map<String, Long> DIMS = Map.of("B", 2L, "T", 8L, "H", 4L);

    @Test
    void aLeftOutOptionalTakesTheElseBranch() {
        KernelGraph k = KernelGraph.build(P, "without", DIMS);
        String printed = k.print();
        assertFalse(printed.contains("sigmoid"), printed);
        assertEquals(1, k.kernelCount(), printed);
    }

    @Test
    void aGivenOptionalTakesTheThenBranch() {
        KernelGraph k = KernelGraph.build(P, "given", DIMS);
        String printed = k.print();
        assertTrue(printed.contains("sigmoid"), printed);
        assertEquals(1, k.kernelCount(), printed);
    }
}
