package org.linlang.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Sym;

/** The verifier accepts what the builder makes and names what is wrong in broken graphs. */
class VerifierTest {
    private static final Sym B = new Sym("B", null, false);
    private static final Sym T = new Sym("T", null, false);

    private static TensorType f32(Object... dims) {
        var ds = new ArrayList<Dim>();
        for (Object d : dims) ds.add(d instanceof Sym s ? Dim.of(s) : Dim.of(((Number) d).longValue()));
        return new TensorType(DType.F32, ds);
    }

    private static Graph graph(List<Node> nodes, Node out) {
        return new Graph("test", Graph.Mode.FORWARD, null, nodes, List.of(new Graph.Output("out", out, false)), Map.of("B", 1L, "T", 8L), null, null);
    }

    /** x: [B, T, 4], w: [4, 8]; y = silu(x @ w). */
    private static Graph good() {
        var b = new GraphBuilder();
        Node x = b.input("x", f32(B, T, 4));
        Node w = b.weight("w", f32(4, 8));
        Node m = b.add(Op.MATMUL, List.of(x, w), Map.of());
        Node y = b.add(Op.SILU, List.of(m), Map.of());
        return graph(b.nodes(), y);
    }

    private static void assertProblem(Graph g, String fragment) {
        List<String> p = Verifier.problems(g);
        assertTrue(p.stream().anyMatch(s -> s.contains(fragment)), "expected a problem containing '" + fragment + "', got " + p);
    }

    @Test
    void acceptsWhatTheBuilderMakes() {
        assertEquals(List.of(), Verifier.problems(good()));
    }

    @Test
    void inputNotInTheGraph() {
        var b = new GraphBuilder();
        Node x = b.input("x", f32(B, T, 4));
        Node stray = new GraphBuilder().input("stray", f32(B, T, 4));
        Node y = b.add(Op.ADD, List.of(x, stray), Map.of());
        assertProblem(graph(b.nodes(), y), "is not defined in the graph");
    }

    @Test
    void inputUsedBeforeItIsDefined() {
        Graph g = good();
        var nodes = new ArrayList<>(g.nodes());
        nodes.add(0, nodes.remove(nodes.size() - 2)); // the matmul first
        assertProblem(graph(nodes, g.outputs().getFirst().node()), "is used before it is defined");
    }

    @Test
    void shapeInconsistentWithTheRule() {
        var b = new GraphBuilder();
        Node x = b.input("x", f32(B, T, 4));
        Node w = b.weight("w", f32(4, 8));
        Node bad = new Node(99, Op.MATMUL, List.of(x, w), f32(B, T, 4), Map.of(), null);
        var nodes = new ArrayList<>(b.nodes());
        nodes.add(bad);
        assertProblem(graph(nodes, bad), "its type is f32[B, T, 4] but matmul of its inputs gives f32[B, T, 8]");
    }

    @Test
    void innerDimensionsDiffer() {
        var b = new GraphBuilder();
        Node x = b.input("x", f32(B, T, 4));
        Node w = b.weight("w", f32(5, 8));
        Node bad = new Node(99, Op.MATMUL, List.of(x, w), f32(B, T, 8), Map.of(), null);
        var nodes = new ArrayList<>(b.nodes());
        nodes.add(bad);
        assertProblem(graph(nodes, bad), "inner dimensions 4 and 5 differ");
    }

    @Test
    void elementTypes() {
        var b = new GraphBuilder();
        Node x = b.input("x", f32(B, T, 4));
        Node wrongDtype = new Node(98, Op.EXP, List.of(x), new TensorType(DType.I64, x.type().dims()), Map.of(), null);
        Node notBool = new Node(99, Op.WHERE, List.of(x, x, x), x.type(), Map.of(), null);
        var nodes = new ArrayList<>(b.nodes());
        nodes.add(wrongDtype);
        nodes.add(notBool);
        Graph g = graph(nodes, notBool);
        assertProblem(g, "its type is i64[B, T, 4] but exp of its inputs gives f32[B, T, 4]");
        assertProblem(g, "the condition of where must be bool");
    }

    @Test
    void broadcastingThatFails() {
        assertThrows(IrException.class, () -> {
            var b = new GraphBuilder();
            b.add(Op.ADD, List.of(b.input("x", f32(B, T, 4)), b.input("y", f32(B, T, 5))), Map.of());
        });
    }

    @Test
    void cycle() throws ReflectiveOperationException {
        var b = new GraphBuilder();
        Node x = b.input("x", f32(B, 4));
        Node a = b.add(Op.EXP, List.of(x), Map.of());
        Node c = b.add(Op.ADD, List.of(a, x), Map.of());
        Field inputs = Node.class.getDeclaredField("inputs");
        inputs.setAccessible(true);
        inputs.set(a, List.of(c)); // a reads c, c reads a
        assertProblem(graph(b.nodes(), c), "cycle");
    }

    @Test
    void stateOutMustReadARecurrence() {
        var b = new GraphBuilder();
        Node x = b.input("x", f32(B, T, 4));
        Node bad = new Node(99, Op.STATE_OUT, List.of(x), f32(B, 4), Map.of("state", "S"), null);
        var nodes = new ArrayList<>(b.nodes());
        nodes.add(bad);
        assertProblem(graph(nodes, bad), "state_out must read a recurrence");
    }

    @Test
    void nodeInTwoGroupsAndGroupsOutOfOrder() {
        Graph g = good();
        Node m = g.nodes().get(2), y = g.nodes().get(3);
        var k0 = new Grouping.Group(0, Grouping.Kind.ELEMENTWISE, null, List.of(y), List.of(), List.of(m), List.of(y), Map.of());
        var k1 = new Grouping.Group(1, Grouping.Kind.MATMUL, m, List.of(m, y), List.of(), List.of(), List.of(m), Map.of());
        Graph grouped = g.withGrouping(new Grouping(List.of(k0, k1)));
        assertProblem(grouped, "is in two groups");
        assertProblem(grouped, "which is not scheduled before it");
    }

    @Test
    void computedNodeInNoGroup() {
        Graph g = good();
        Node m = g.nodes().get(2);
        var k0 = new Grouping.Group(0, Grouping.Kind.MATMUL, m, List.of(m), List.of(), List.of(), List.of(m), Map.of());
        assertProblem(g.withGrouping(new Grouping(List.of(k0))), "is in no group");
    }

    @Test
    void buffersSharingASlotWhileBothLive() {
        Graph g = good();
        Node m = g.nodes().get(2), y = g.nodes().get(3);
        var k0 = new Grouping.Group(0, Grouping.Kind.MATMUL, m, List.of(m), List.of(), List.of(), List.of(m), Map.of());
        var k1 = new Grouping.Group(1, Grouping.Kind.ELEMENTWISE, null, List.of(y), List.of(), List.of(m), List.of(y), Map.of());
        Dim bytes = m.type().bytes();
        var plan = new BufferPlan(List.of(new BufferPlan.Buffer(m, bytes, 0, 0, 1, null), new BufferPlan.Buffer(y, bytes, 0, 1, Integer.MAX_VALUE, null)),
                List.of(new BufferPlan.Slot(0, bytes)), Dim.of(0), 0);
        assertProblem(g.withGrouping(new Grouping(List.of(k0, k1))).withPlan(plan), "slot s0 holds");
    }

    @Test
    void pipelineNamesThePassThatBrokeTheGraph() {
        Pass breaks = new Pass() {
            @Override public String name() { return "breaks-shapes"; }

            @Override public Graph run(Graph g) {
                Node m = g.nodes().get(2);
                Node wrong = new Node(77, Op.SILU, List.of(m), f32(B, T, 3), Map.of(), null);
                var nodes = new ArrayList<>(g.nodes().subList(0, 3));
                nodes.add(wrong);
                return g.withNodes(nodes, List.of(new Graph.Output("out", wrong, false)));
            }
        };
        IrException e = assertThrows(IrException.class, () -> Pipeline.of(breaks).run(good()));
        assertTrue(e.getMessage().startsWith("after breaks-shapes"), e.getMessage());
        assertTrue(e.getMessage().contains("silu of its inputs gives f32[B, T, 8]"), e.getMessage());
    }

    @Test
    void everyPassKeepsTinyHybridValid() {
        var trace = new ArrayList<String>();
        for (String entry : List.of("TinyHybrid", "TinyHybrid.step")) {
            Graph g = Pipeline.standard().printingAfterEach(trace::add).run(KernelGraph.initial(IrFixtures.tinyHybrid(), entry, Map.of("layers", 4L)));
            assertEquals(List.of(), Verifier.problems(g));
        }
        assertEquals(10, trace.size());
        assertTrue(trace.getFirst().startsWith("// after inline-and-unroll\ngraph TinyHybrid(layers=4).forward"), trace.getFirst());
    }
}
