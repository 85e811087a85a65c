package org.linlang.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.types.Program;

/** Block state members in kernel graphs: state sources named by dotted path, new values as outputs named path'. */
class BlockStateLoweringTest {
    @Test
    void statesAreSourcesAndTheirNewValuesOutputs() {
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
                block Attn(d: int) {
                    state keys: f32[B, P, d]
                    forward(x: [B, T, d]) -> [B, T, d] {
                        keys = concat(keys, x, axis = 1)
                        return x * sum(keys, axis = 1, keepdims = true)
                    }
                }
                model Net(d: int = 8) {
                    conv = Conv(d)
                    layers = for i in 0..2: Attn(d)
                    forward(x: [B, T, d]) -> [B, T, d] {
                        let h = conv(x)
                        for layer in layers { h = layer(h) }
                        return h
                    }
                }
                """);
        KernelGraph k = KernelGraph.build(p, "Net", Map.of("d", 8L));
        var outputs = k.graph().outputs().stream().map(o -> o.name() + (o.state() ? " (state)" : "") + ": " + o.node().type()).toList();
        assertEquals(java.util.List.of("out: f32[B, T, 8]", "conv.cache' (state): f32[B, 3, 8]",
                "layers.0.keys' (state): f32[B, layers.0.P + T, 8]", "layers.1.keys' (state): f32[B, layers.1.P + T, 8]"), outputs);
        var states = k.graph().nodes().stream().filter(n -> n.op() == Op.STATE).map(n -> n.name() + ": " + n.type()).toList();
        assertEquals(java.util.List.of("conv.cache: f32[B, 3, 8]", "layers.0.keys: f32[B, layers.0.P, 8]", "layers.1.keys: f32[B, layers.1.P, 8]"), states);
    }
}
