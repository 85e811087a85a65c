package org.linlang.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.ir.passes.InlineAndUnroll;
import org.linlang.compiler.types.Program;

/** Pass 1 in detail: builtins, axes, entries, and what cannot be lowered (with the reason). */
class LoweringTest {
    private static Graph lower(Program p, String entry, Map<String, Long> args) {
        return Pipeline.of(new InlineAndUnroll()).run(KernelGraph.initial(p, entry, args));
    }

    @Test
    void builtinsGolden() {
        Path file = IrFixtures.resources().resolve("lowering_builtins.lin");
        Program p = IrFixtures.check(file);
        var out = new StringBuilder();
        for (var e : PassGoldenTest.entries(file)) out.append(Printer.print(lower(p, e.getKey(), e.getValue())));
        IrFixtures.golden(file.resolveSibling("lowering_builtins.expected"), out.toString());
    }

    @Test
    void namedAxisIsFoundWhereTheCheckerFoundIt() {
        // A and C have the same size: the axis is the one the signature calls A, not the first of size 4.
        Program p = IrFixtures.check("fn f(x: [N, A, C]) -> [N, 1, C] = sum(x, axis = A)\n");
        Graph g = lower(p, "f", Map.of("A", 4L, "C", 4L));
        Node sum = g.nodesOf(Op.SUM).getFirst();
        assertEquals(List.of(1), sum.intsAttr("axes"));
        // Through '..': D is the last axis whatever the rank.
        Program q = IrFixtures.check("import std.ops.{l2norm}\nfn g(x: [B, T, D, D]) -> [B, T, D, D] = l2norm(x)\n");
        assertEquals(List.of(3), lower(q, "g", Map.of("D", 4L)).nodesOf(Op.SUM).getFirst().intsAttr("axes"));
    }

    @Test
    void weightsAreNamedByTheirPathInTheModel() {
        Graph g = lower(IrFixtures.tinyHybrid(), "TinyHybrid", Map.of("layers", 4L));
        var weights = g.nodesOf(Op.WEIGHT).stream().map(Node::name).toList();
        assertTrue(weights.containsAll(List.of("embed.weight", "mixers.0.q_proj.weight", "mixers.0.A_log", "mixers.2.conv_v.weight",
                "mixers.3.q_proj.weight", "mlps.3.down_proj.weight", "mixer_norms.1.weight", "final_norm.weight", "lm_head.weight")), weights.toString());
        assertTrue(weights.stream().noneMatch(w -> w.startsWith("mixers.3.conv")), "layer 3 is attention: " + weights);
        assertEquals(3, g.nodesOf(Op.RECURRENCE).size());
        assertEquals("mixers.1", g.nodesOf(Op.RECURRENCE).get(1).recurrence().layerPath());
        assertEquals("[4096, 256]", g.nodes().stream().filter(n -> "embed.weight".equals(n.name())).findFirst().orElseThrow().type().dims().toString());
    }

    @Test
    void anErrorCallOnTheChosenPathRefusesTheBuildWithItsMessage() {
        Program p = IrFixtures.check("""
                fn feature(x: [N, D], kind: string) -> [N, D] =
                    if kind == "relu" then relu(x) else error("unknown feature map '" + kind + "'")
                fn relu_features(x: [N, D]) -> [N, D] = feature(x, "relu")
                fn bad_features(x: [N, D]) -> [N, D] = feature(x, "elu9")
                """);
        // The branch not taken is folded away: its error(...) is never lowered.
        assertEquals(1, lower(p, "relu_features", Map.of("N", 2L, "D", 4L)).nodesOf(Op.RELU).size());
        IrException e = assertThrows(IrException.class, () -> lower(p, "bad_features", Map.of("N", 2L, "D", 4L)));
        assertTrue(e.getMessage().endsWith(":2:41: unknown feature map 'elu9'"), e.getMessage());
    }

    @Test
    void whatCannotBeLoweredSaysWhy() {
        Program loop = IrFixtures.check("fn f(x: [N, D]) -> [N, D] {\n let y = x\n for i in 0..N { y = y * 2.0 }\n return y\n}\n");
        IrException e = assertThrows(IrException.class, () -> lower(loop, "f", Map.of("D", 4L)));
        assertTrue(e.getMessage().contains("the bounds must be known before running"), e.getMessage());

        Program read = IrFixtures.check("fn f(x: [N, D]) -> [N, D] = x * float(int(sum(x)))\n");
        e = assertThrows(IrException.class, () -> lower(read, "f", Map.of()));
        assertTrue(e.getMessage().contains("needs the tensor's value at run time"), e.getMessage());

        e = assertThrows(IrException.class, () -> KernelGraph.initial(loop, "nope", Map.of()));
        assertTrue(e.getMessage().contains("no definition 'nope'"), e.getMessage());

        e = assertThrows(IrException.class, () -> KernelGraph.initial(IrFixtures.tinyHybrid(), "TinyHybrid", Map.of("layerz", 4L)));
        assertTrue(e.getMessage().contains("has no parameter layerz"), e.getMessage());
    }

    @Test
    void stepHasStatesByLayerAndTimeOne() {
        Graph g = lower(IrFixtures.tinyHybrid(), "TinyHybrid.step", Map.of("layers", 4L));
        var states = g.nodesOf(Op.STATE);
        assertEquals(List.of("mixers.0.S", "mixers.1.S", "mixers.2.S"), states.stream().map(Node::name).toList());
        for (Node s : states) assertEquals("f32[B, 4, 32, 64]", s.type().toString());
        var stateOutputs = g.outputs().stream().filter(Graph.Output::state).map(Graph.Output::name).toList();
        assertEquals(List.of("mixers.0.S", "mixers.1.S", "mixers.2.S"), stateOutputs);
        for (Node n : g.nodes()) {
            for (var d : n.type().dims()) assertTrue(d.symbols().stream().noneMatch(s -> s.name.equals("T")), n + " still has T");
        }
        assertEquals("i64[B, 1]", g.nodesOf(Op.INPUT).getFirst().type().toString());
    }
}
