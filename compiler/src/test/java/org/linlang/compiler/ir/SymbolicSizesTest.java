package org.linlang.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.ir.lower.Lowering;
import org.linlang.compiler.ir.passes.InlineAndUnroll;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Program;
import org.linlang.compiler.types.Sym;

/**
 * Sizes that stay symbolic (T, a cache's P) where a program uses them as values: a {@code size} node
 * read when the graph runs, comparisons decided for every size or, where a shape depends on one, for the
 * sizes of the call being compiled (a {@link SizeGuard}), and {@code ..} parameters at the call's rank.
 */
class SymbolicSizesTest {
    private static Graph lower(Program p, EntryPoint e) {
        return Pipeline.of(new InlineAndUnroll()).run(Lowering.initialGraph(p, e));
    }

    /** A block whose forward reads its cache's length P and T as values, and cuts the cache to a window of 4. */
    private static final String CACHE = """
            block Cache(d: int, window: int) {
                state keys: f32[B, P, d]
                state position: f32[B]
                forward(x: [B, T, d]) -> [B, T, d] {
                    position = position + T
                    keys = concat(keys, x, axis = 1)
                    if window > 0 and P + T > window - 1 {
                        keys = keys[:, P + T - window + 1:]
                    }
                    return x * ((arange(T) + P) as f32 as [1, T, 1])
                }
            }
            """;

    @Test
    void aSizeUsedAsAValueIsASizeNodeReadWhenTheGraphRuns() {
        Program p = IrFixtures.check(CACHE);
        Graph g = KernelGraph.build(p, EntryPoint.resolve(p, "Cache", Map.of("d", 4L, "window", 0L))).graph();
        List<Node> sizes = g.nodesOf(Op.SIZE);
        assertEquals(2, sizes.size(), Printer.print(g));
        assertEquals("[T, P]", sizes.stream().map(n -> n.dimAttr("dim")).toList().toString());
        assertEquals("f32[]", sizes.get(0).type().toString());
        assertEquals("i64[]", sizes.get(1).type().toString());
        String printed = Printer.print(g);
        assertTrue(printed.contains("= size {dim=T} : f32[]"), printed);
        assertTrue(g.guards().isEmpty(), "window = 0 decides the condition before P + T is compared");
        // a size node is free (computed where it is read), like a generator: no kernel of its own
        assertTrue(g.nodesOf(Op.SIZE).stream().allMatch(n -> g.grouping().groupOf(n) == null));
        assertTrue(DotPrinter.print(g).contains("size P\\n"), DotPrinter.print(g));
    }

    @Test
    void aSizeThatIsOneNumberIsAConstant() {
        Program p = IrFixtures.check("block Scale(d: int) {\n forward(x: [B, T, d]) -> [B, T, d] = x * (T + 1)\n}\n");
        assertEquals(1, KernelGraph.build(p, "Scale", Map.of("d", 4L)).graph().nodesOf(Op.SIZE).size());
        // in step T is 1: the size folds into the constant 2 (canonicalize)
        Graph step = KernelGraph.build(p, "Scale.step", Map.of("d", 4L)).graph();
        assertTrue(step.nodesOf(Op.SIZE).isEmpty(), Printer.print(step));
        assertTrue(Printer.print(step).contains("mul %input(x), 2.0"), Printer.print(step));
        GraphBuilder b = new GraphBuilder();
        assertEquals(Op.CONSTANT, b.size(Dim.of(3), DType.F32).op());
        assertEquals(Op.SIZE, b.size(Dim.of(new Sym("T", null, false)), DType.F32).op());
    }

    @Test
    void comparisonsOfSizesAreDecidedForEverySizeWhenTheyCanBe() {
        Sym t = new Sym("T", null, false), q = new Sym("P", null, false);
        Dim T = Dim.of(t), P = Dim.of(q);
        assertEquals(Boolean.TRUE, Sizes.decide(Op.GT, P.plus(T), Dim.of(-1)));
        assertEquals(Boolean.TRUE, Sizes.decide(Op.GE, T, Dim.of(0)));
        assertEquals(Boolean.FALSE, Sizes.decide(Op.LT, P.plus(T), Dim.of(0)));
        assertEquals(Boolean.FALSE, Sizes.decide(Op.EQ, T.plus(Dim.of(1)), Dim.of(0)));
        assertEquals(Boolean.TRUE, Sizes.decide(Op.EQ, T.plus(P), P.plus(T)));
        assertEquals(null, Sizes.decide(Op.GT, P.plus(T), Dim.of(3)));
        assertEquals(null, Sizes.decide(Op.EQ, T, Dim.of(1)));
        assertEquals(null, Sizes.decide(Op.LT, T, P));
        var guard = new SizeGuard(P.plus(T), Op.GT, Dim.of(3), false);
        assertEquals("not P + T > 3", guard.toString());
        assertTrue(guard.holds(Map.of("P", 1L, "T", 2L)));
        assertFalse(guard.holds(Map.of("P", 2L, "T", 2L)));
    }

    @Test
    void aComparisonAShapeDependsOnIsDecidedForTheCallsSizesAndKeptAsAGuard() {
        Program p = IrFixtures.check(CACHE);
        EntryPoint plain = EntryPoint.resolve(p, "Cache", Map.of("d", 4L, "window", 4L));
        IrException e = assertThrows(IrException.class, () -> lower(p, plain));
        assertTrue(e.getMessage().contains("cannot decide P + T > 3 before running: the sizes are symbolic"), e.getMessage());

        Map<String, Long> sizes = new HashMap<>(Map.of("B", 2L, "T", 5L, "P", 0L));
        Graph cut = KernelGraph.build(p, plain.withCallSizes(sources -> sizes)).graph();
        assertEquals("[P + T > 3]", cut.guards().toString());
        assertTrue(Printer.print(cut).contains("  assume P + T > 3\n"), Printer.print(cut));
        Graph.Output keys = cut.outputs().stream().filter(o -> o.name().equals("keys'")).findFirst().orElseThrow();
        assertEquals("f32[B, 3, 4]", keys.node().type().toString());

        sizes.put("T", 2L);
        Graph whole = KernelGraph.build(p, plain.withCallSizes(sources -> sizes)).graph();
        assertEquals("[not P + T > 3]", whole.guards().toString());
        keys = whole.outputs().stream().filter(o -> o.name().equals("keys'")).findFirst().orElseThrow();
        assertEquals("f32[B, P + T, 4]", keys.node().type().toString());

        // lin kernels compiles for a call at the report's sizes: T = 2048 and an empty cache
        assertEquals("[P + T > 3]", KernelGraph.build(p, "Cache", Map.of("d", 4L, "window", 4L)).graph().guards().toString());

        // the sources handed to the call's sizes are the inputs and states lowered so far
        var seen = new java.util.ArrayList<String>();
        KernelGraph.build(p, plain.withCallSizes(sources -> {
            sources.stream().filter(n -> n.op() == Op.STATE || n.op() == Op.INPUT).forEach(n -> seen.add(n.name()));
            return sizes;
        }));
        assertTrue(seen.containsAll(List.of("x", "keys")), seen.toString());
    }

    @Test
    void dotDotStandsForTheLeadingDimensionsTheCallsRankLeaves() {
        Program p = IrFixtures.check("block Lin(d: int) {\n w: [d, d]\n forward(x: [.., d]) -> [.., d] = x @ w\n}\n");
        EntryPoint e = EntryPoint.resolve(p, "Lin", Map.of("d", 4L));
        assertEquals("f32[B, T, 4]", lower(p, e).nodesOf(Op.INPUT).getFirst().type().toString());
        assertEquals("f32[4]", lower(p, e.withInputRanks(Map.of("x", 1))).nodesOf(Op.INPUT).getFirst().type().toString());
        assertEquals("f32[B, 4]", lower(p, e.withInputRanks(Map.of("x", 2))).nodesOf(Op.INPUT).getFirst().type().toString());
        Graph four = KernelGraph.build(p, e.withInputRanks(Map.of("x", 4))).graph();
        assertEquals("f32[B, T, ..2, 4]", four.nodesOf(Op.INPUT).getFirst().type().toString());
        assertEquals("f32[B, T, ..2, 4]", four.outputs().getFirst().node().type().toString());
        IrException bad = assertThrows(IrException.class, () -> lower(p, e.withInputRanks(Map.of("x", 0))));
        assertTrue(bad.getMessage().contains("cannot take a tensor of rank 0"), bad.getMessage());
    }

    @Test
    void theGpuKernelsReadASizeFromTheirSizeArguments() {
        Program p = IrFixtures.check("block Pos(d: int) {\n forward(x: [B, T, d]) -> [B, T, d] = exp(x) * T\n}\n");
        KernelPlan plan = KernelPlan.of(KernelGraph.build(p, "Pos", Map.of("d", 4L)).graph());
        List<KernelSource> kernels = plan.kernels(Prelude.Target.CUDA);
        assertEquals(1, kernels.size());
        assertTrue(kernels.getFirst().body().contains("((float)((i64)(n_T)))"), kernels.getFirst().body());
        assertTrue(kernels.getFirst().params().stream().anyMatch(k -> k.name().equals("n_T")), kernels.getFirst().params().toString());
    }

    @Test
    void rowsOfACausalMaskAreBuiltAlone() {
        Program p = IrFixtures.check("import std.ops.{softmax_attn}\n");
        Graph g = KernelGraph.build(p, "softmax_attn", Map.of("Hk", 2L, "G", 1L, "K", 8L, "V", 8L)).graph();
        Node mask = g.nodesOf(Op.CAUSAL_MASK).getFirst();
        assertEquals("bool[T, S]", mask.type().toString());
        assertEquals("S - T", mask.dimAttr("row_start").toString());
        assertTrue(g.nodesOf(Op.SLICE).stream().noneMatch(n -> n.input(0).op() == Op.CAUSAL_MASK));
    }
}
