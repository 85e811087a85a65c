package org.linlang.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.types.Program;

/**
 * {@code none} arguments and {@code x != none} are decided when the graph is built: only the taken
 * branch has nodes. A recurrence's optional per-step input left out is refused by name, for now.
 */
class OptionalLoweringTest {
    private static final Program P = IrFixtures.check("""
            fn gated(x: [B, T, H], gate: [B, T, H] = none) -> [B, T, H] = if gate != none then x * sigmoid(gate) else x * 2.0
            fn without(x: [B, T, H]) -> [B, T, H] = gated(x)
            fn given(x: [B, T, H], g: [B, T, H]) -> [B, T, H] = gated(x, g)
            recurrence decayed(q: [K], k: [K], v: [V], g: f32 = none) -> [V]
                state S: [K, V] = 0
            {
                S = if g != none then exp(g) * S + outer(k, v) else S + outer(k, v)
                emit q @ S
            }
            fn plain_rec(q: [B, T, H, K]) -> [B, T, H, K] = decayed(q, q, q)
            fn gated_rec(q: [B, T, H, K], g: [B, T, H]) -> [B, T, H, K] = decayed(q, q, q, g)
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

    @Test
    void anOptionalPerStepInputOfARecurrence() {
        Map<String, Long> dims = Map.of("B", 1L, "T", 8L, "H", 2L, "K", 4L);
        IrException e = assertThrows(IrException.class, () -> KernelGraph.build(P, "plain_rec", dims));
        assertTrue(e.getMessage().startsWith("recurrence decayed: the optional input g is left out (none)"), e.getMessage());
        KernelGraph given = KernelGraph.build(P, "gated_rec", dims);
        assertEquals(1, given.kernelCount(), given.print());
    }
}
