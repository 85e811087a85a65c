package org.linlang.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.types.Program;

/** Kernel graphs and block state members: not built yet, refused with one sentence naming the member. */
class BlockStateLoweringTest {
    @Test
    void aBlockWithAStateMemberIsRefusedByName() {
        Program p = IrFixtures.check("""
                block Conv(channels: int, kernel: int = 4) {
                    weight: f32[channels, kernel]
                    state cache: f32[B, kernel - 1, channels]
                    forward(x: [B, T, channels]) -> [B, T, channels] {
                        let xs = concat(cache, x, axis = 1)
                        cache = xs[:, T:]
                        return xs[:, kernel - 1:] * 2.0
                    }
                }
                """);
        IrException e = assertThrows(IrException.class, () -> KernelGraph.build(p, "Conv", Map.of("channels", 8L)));
        assertEquals("block Conv has the state member 'cache'; kernel graphs of blocks with state (sessions, step mode)"
                + " are not built yet: run it on the interpreter", e.getMessage());
    }
}
