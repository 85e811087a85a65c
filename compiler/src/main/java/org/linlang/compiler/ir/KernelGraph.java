package org.linlang.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ir.lower.Lowering;
import org.linlang.compiler.types.Program;

/**
 * The middle end as one call, for {@code lin kernels FILE}: an entry of a checked program through
 * the standard {@link Pipeline}, and what to print of it.
 *
 * <pre>
 *   KernelGraph k = KernelGraph.build(program, "TinyHybrid", Map.of("layers", 4L));
 *   System.out.print(k.print());        // one line per kernel
 *   System.out.print(k.dot());          // Graphviz
 * </pre>
 *
 * {@code entry} is {@code Name} or {@code Name.forward} (prefill over T tokens), {@code Name.step}
 * (one decoding step, states in and out), another method {@code Name.method}, or a function or
 * recurrence of the program ({@code l2norm}, {@code gated_delta_rule.step}). {@code args} gives
 * the model's int parameters ({@code layers}), sizes of dimensions left open ({@code H}, {@code K}),
 * and the B and T at which bytes are reported (B = 1, T = 2048 unless given; the graph keeps
 * B and T symbolic). Failures are {@link IrException}s whose message says what cannot be compiled.
 */
public final class KernelGraph {
    private final Graph graph;
    private final List<String> trace;

    private KernelGraph(Graph graph, List<String> trace) {
        this.graph = graph;
        this.trace = trace;
    }

    public static KernelGraph build(Program program, String entry, Map<String, Long> args) {
        return build(program, entry, args, false);
    }

    /** With {@code trace}, keeps the IR printed after each pass ({@link #trace()}). */
    public static KernelGraph build(Program program, String entry, Map<String, Long> args, boolean trace) {
        Graph initial = Lowering.initialGraph(program, atReportSizes(EntryPoint.resolve(program, entry, args)));
        var steps = new ArrayList<String>();
        Pipeline p = Pipeline.standard();
        if (trace) {
            steps.add("// before\n" + Printer.print(initial));
            p = p.printingAfterEach(steps::add);
        }
        return new KernelGraph(p.run(initial), steps);
    }

    /**
     * An entry with values for its block's non-int parameters too ({@code eps = 1e-5}), as the
     * engines compile one instance's call: {@link EntryPoint#withHostArgs}.
     */
    public static KernelGraph build(Program program, String entry, Map<String, Long> args, Map<String, Object> hostArgs) {
        Graph initial = Lowering.initialGraph(program, EntryPoint.resolve(program, entry, args).withHostArgs(hostArgs));
        return new KernelGraph(Pipeline.standard().run(initial), List.of());
    }

    /**
     * As above, with the element types of the tensors the call passes for parameters that leave
     * theirs open ({@code ids: [B, T]} called with i64 ids): {@link EntryPoint#withInputElementTypes}.
     */
    public static KernelGraph build(Program program, String entry, Map<String, Long> args, Map<String, Object> hostArgs,
                                    Map<String, String> inputElementTypes) {
        Graph initial = Lowering.initialGraph(program,
                EntryPoint.resolve(program, entry, args).withHostArgs(hostArgs).withInputElementTypes(inputElementTypes));
        return new KernelGraph(Pipeline.standard().run(initial), List.of());
    }

    /** An entry resolved and configured by the caller ({@link EntryPoint#resolve} and its {@code with…} methods). */
    public static KernelGraph build(Program program, EntryPoint entry) {
        return new KernelGraph(Pipeline.standard().run(Lowering.initialGraph(program, entry)), List.of());
    }

    /**
     * The entry compiled for a call at the report's sizes (B = 1, T = 2048 or as given; T = 1 in step; a
     * state's own sizes, such as a cache's P, 0 unless given): a comparison of sizes a shape depends on is
     * decided for them and printed as an {@code assume} line.
     */
    private static EntryPoint atReportSizes(EntryPoint e) {
        return e.withCallSizes(sources -> {
            var sizes = new java.util.HashMap<>(e.reportSizes());
            if (e.mode() == Graph.Mode.STEP) sizes.putIfAbsent("T", 1L);
            for (Node n : sources) {
                if (n.op() != Op.STATE) continue;
                for (var d : n.type().dims()) for (var sym : d.symbols()) sizes.putIfAbsent(sym.name, 0L);
            }
            return sizes;
        });
    }

    /** The graph before pass 1: the entry's inputs and a call of it. */
    public static Graph initial(Program program, String entry, Map<String, Long> args) {
        return Lowering.initialGraph(program, EntryPoint.resolve(program, entry, args));
    }

    /** The final graph: grouped into kernels, buffers planned. */
    public Graph graph() { return graph; }

    public int kernelCount() { return graph.grouping().kernelCount(); }

    /** What could not be derived (conv caches, KV caches in {@code step}), with reasons. */
    public List<Node> unsupported() { return graph.unsupported(); }

    /** The kernel graph: one line per kernel, then a summary. */
    public String print() { return KernelPrinter.print(graph); }

    /** The node-level IR, each node tagged with its kernel. */
    public String printIr() { return Printer.print(graph); }

    /** Graphviz source, one cluster per kernel. */
    public String dot() { return DotPrinter.print(graph); }

    /** The IR before and after each pass, when built with {@code trace}. */
    public List<String> trace() { return trace; }
}
