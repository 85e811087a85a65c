package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.recurrence.RecurrenceForm.Kind;
import org.linlang.compiler.recurrence.RecurrenceForm.Output;
import org.linlang.compiler.recurrence.RecurrenceForm.Readout;
import org.linlang.compiler.recurrence.RecurrenceForm.StateForm;
import org.linlang.compiler.recurrence.RecurrenceForm.Write;
import org.linlang.compiler.types.Program;

/**
 * Classifies recurrences (middle-end pass "classify recurrences"): runs each step symbolically
 * ({@link StepEvaluator}), reads each state's transition off the result ({@link Transitions}) and
 * the output's read-outs ({@link Outputs}), and gives the {@link RecurrenceForm} that later passes
 * derive chunked kernels from. Expects a program that checked without errors.
 */
public final class RecurrenceClassifier {
    private RecurrenceClassifier() {}

    /** The form of one recurrence of the program (of any module it loaded). */
    public static RecurrenceForm classify(Program program, Decl.Recurrence recurrence) {
        var cx = new Ctx(program);
        var ev = new StepEvaluator(cx, recurrence);
        ev.run();
        var transitions = new Transitions(cx);
        var states = new ArrayList<StateForm>();
        for (Decl.State st : recurrence.states()) {
            String name = st.name().name();
            StateForm form = transitions.classify(name, ExprPrinter.type(st.type()), ev.finalValue(name), ev.finalVersion(name), ev.dims(name));
            states.add(expressible(form, cx));
        }
        Output output = wholeStates(expressible(new Outputs(cx, ev).analyse(), cx), states);
        Kind kind = output.chunkable() ? Kind.DIAGONAL : Kind.GENERAL;
        for (StateForm s : states) kind = kind.worst(s.kind());
        return new RecurrenceForm(recurrence, kind, reason(kind, states, output), states, output);
    }

    /** The forms of the recurrences a module defines, in order. */
    public static List<RecurrenceForm> classify(Program program, Module module) {
        var out = new ArrayList<RecurrenceForm>();
        for (Decl d : module.decls()) if (d instanceof Decl.Recurrence r) out.add(classify(program, r));
        return out;
    }

    /** The forms of every recurrence of every module the program loaded, the entry module's first. */
    public static List<RecurrenceForm> classifyAll(Program program) {
        var out = new ArrayList<RecurrenceForm>();
        for (Module m : program.modules()) out.addAll(classify(program, m));
        return out;
    }

    private static String reason(Kind kind, List<StateForm> states, Output output) {
        var parts = new ArrayList<String>();
        boolean outputDecides = output.problem() != null && states.stream().allMatch(s -> s.kind().ordinal() < Kind.GENERAL.ordinal());
        if (outputDecides) return output.problem() + "; runs sequential (generic step kernel)";
        for (StateForm s : states) {
            if (s.kind() != kind && kind.ordinal() >= Kind.GENERAL.ordinal()) continue;
            parts.add(states.size() > 1 ? s.name() + ": " + s.reason() : s.reason());
        }
        if (output.problem() != null) parts.add("also, " + output.problem());
        return String.join("; ", parts);
    }

    /**
     * A piece that mentions a value computed by a loop cannot be handed to a kernel as one
     * expression: such a state is general after all.
     */
    private static StateForm expressible(StateForm s, Ctx cx) {
        if (s.kind() != Kind.DIAGONAL && s.kind() != Kind.DELTA) return s;
        var pieces = new ArrayList<Expr>();
        if (s.decay() != null) pieces.add(s.decay().logDecay());
        if (s.delta() != null) pieces.add(s.delta().beta());
        for (Write w : s.writes()) {
            pieces.add(w.key());
            pieces.add(w.value());
        }
        for (Expr p : pieces) {
            String why = cx.inexpressible(p);
            if (why != null) {
                return new StateForm(s.name(), s.shape(), Kind.GENERAL, "the transition of " + s.name() + " has the form of the "
                        + s.kind().word() + " class, but its piece `" + ExprPrinter.print(p) + "` uses a value that is not one expression of the step's inputs ("
                        + why + "); runs sequential (generic step kernel)", null, null, null, List.of());
            }
        }
        return s;
    }

    /**
     * A vector state read whole is a state [1, D] read with q̃ = 1: chunkable when all its channels
     * share one decay. With a decay per channel (or a delta step) it is an elementwise scan.
     */
    private static Output wholeStates(Output o, List<StateForm> states) {
        if (o.problem() != null) return o;
        for (Readout r : o.readouts()) {
            if (r.query() != null) continue;
            StateForm s = states.stream().filter(x -> x.name().equals(r.state())).findFirst().orElseThrow();
            boolean shared = s.kind() == Kind.DIAGONAL && (s.decay() == null || !s.decay().perChannel());
            if (!shared && (s.kind() == Kind.DIAGONAL || s.kind() == Kind.DELTA)) {
                return new Output(o.readouts(), o.combination(), "the output is the whole vector state " + s.name()
                        + (s.kind() == Kind.DELTA ? ", updated by a delta step" : ", whose decay is per channel")
                        + ": an elementwise scan (as Mamba-1's), with no matmul chunk form");
            }
        }
        return o;
    }

    private static Output expressible(Output o, Ctx cx) {
        if (o.problem() != null) return o;
        for (Readout r : o.readouts()) {
            String why = cx.inexpressible(r.query());
            if (why != null) {
                return new Output(o.readouts(), o.combination(), "the read-out " + r.name() + " uses the query `"
                        + ExprPrinter.print(r.query()) + "`, which is not one expression of the step's inputs (" + why + ")");
            }
        }
        return o;
    }
}
