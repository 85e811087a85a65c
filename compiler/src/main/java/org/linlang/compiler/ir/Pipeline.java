package org.linlang.compiler.ir;

import java.util.List;
import java.util.function.Consumer;
import org.linlang.compiler.ir.passes.Canonicalize;
import org.linlang.compiler.ir.passes.ClassifyRecurrences;
import org.linlang.compiler.ir.passes.GroupFusible;
import org.linlang.compiler.ir.passes.InlineAndUnroll;
import org.linlang.compiler.ir.passes.PlanBuffers;

/**
 * The middle end as a readable list of passes, run in order with the {@link Verifier} between
 * them, optionally printing the IR after each one.
 */
public final class Pipeline {
    private final List<Pass> passes;
    private final boolean verify;
    private final Consumer<String> trace;

    private Pipeline(List<Pass> passes, boolean verify, Consumer<String> trace) {
        this.passes = List.copyOf(passes);
        this.verify = verify;
        this.trace = trace;
    }

    public static Pipeline of(Pass... passes) { return new Pipeline(List.of(passes), true, null); }

    /** The middle end of ARCHITECTURE.md. */
    public static Pipeline standard() {
        return Pipeline.of(
                new InlineAndUnroll(),
                new Canonicalize(),
                new ClassifyRecurrences(),
                new GroupFusible(),
                new PlanBuffers());
    }

    public List<Pass> passes() { return passes; }

    /** Whether to run the verifier on the input and after every pass (on by default). */
    public Pipeline verifying(boolean on) { return new Pipeline(passes, on, trace); }

    /** Sends the IR after each pass ({@code // after canonicalize} and the printed graph) to {@code sink}. */
    public Pipeline printingAfterEach(Consumer<String> sink) { return new Pipeline(passes, verify, sink); }

    public Graph run(Graph g) {
        if (verify) Verifier.verify(g);
        for (Pass p : passes) {
            g = p.run(g);
            if (verify) {
                List<String> problems = Verifier.problems(g);
                if (!problems.isEmpty()) throw new IrException("after " + p.name() + ", " + g.title() + " is invalid:\n  " + String.join("\n  ", problems));
            }
            if (trace != null) trace.accept("// after " + p.name() + "\n" + render(g));
        }
        return g;
    }

    /** The IR, and once grouped the kernels too. */
    public static String render(Graph g) {
        String s = Printer.print(g);
        if (g.grouping() != null) s += KernelPrinter.print(g);
        return s;
    }
}
