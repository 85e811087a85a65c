package org.linlang.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.recurrence.RecurrenceForm;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * What a {@link Op#RECURRENCE} node calls: the recurrence, how its inputs map to the step's
 * parameters, its states, and (after pass 3) its classified form and the algorithm chosen.
 *
 * <p>The node's inputs are the step's tensor arguments in parameter order, each
 * {@code lead + inputTails[i]} with {@code lead = [B, T, H, …]} (axis 1 is time), followed by
 * {@code stateInputs} state values {@code leadWithoutTime + stateTails[j]} (in {@code step}, or
 * with {@code initial_state}). Its value is the emitted sequence {@code lead + outputTail}.
 *
 * @param decl        the recurrence
 * @param inputNames  the step parameter each input binds, then the state names of state inputs
 * @param inputTails  the per-step shape of each tensor input ({@code [K]}; {@code []} for a per-step scalar)
 * @param stateInputs how many trailing inputs are states (0, or one per state)
 * @param stateNames  the declared states, in order
 * @param stateTails  each state's own shape ({@code [K, V]})
 * @param outputTail  the emitted value's per-step shape
 * @param outputDtype the declared element type of the output, or null (the first input's)
 * @param hostArgs    host parameters, one value for the whole call ({@code scale = 0.1767…})
 * @param layerPath   the block instance that calls it ({@code mixers.0}); names the states in {@code step}
 * @param form        the classified form (null before pass 3)
 * @param algorithm   the algorithm chosen (null before pass 3)
 * @param reason      why that algorithm, in words (null before pass 3)
 */
public record RecurrenceCall(Decl.Recurrence decl, List<String> inputNames, List<List<Dim>> inputTails, int stateInputs,
                             List<String> stateNames, List<List<Dim>> stateTails, List<Dim> outputTail, DType outputDtype,
                             Map<String, Object> hostArgs, String layerPath, RecurrenceForm form, Algorithm algorithm,
                             String reason) {
    public RecurrenceCall {
        inputNames = List.copyOf(inputNames);
        inputTails = inputTails.stream().map(List::copyOf).toList();
        stateNames = List.copyOf(stateNames);
        stateTails = stateTails.stream().map(List::copyOf).toList();
        outputTail = List.copyOf(outputTail);
        hostArgs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hostArgs));
    }

    /** How the kernel runs over time. */
    public enum Algorithm {
        /** Chunks of the sequence in parallel, states carried between chunks (prefill of diagonal and delta classes). */
        CHUNKED,
        /** One step after another, state in registers (decode, and any class without a chunked form). */
        SEQUENTIAL;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public String name() { return decl.name().name(); }

    /**
     * The algorithm in words: {@code chunked}, {@code sequential}, or for the general and nonlinear
     * classes, which only the step body itself can run, {@code sequential (generic step kernel)}.
     */
    public String algorithmWords() {
        if (algorithm == null) return null;
        boolean generic = form != null && (form.kind() == RecurrenceForm.Kind.GENERAL || form.kind() == RecurrenceForm.Kind.NONLINEAR);
        return algorithm.word() + (generic ? " (generic step kernel)" : "");
    }

    /** The number of per-step tensor inputs (the node's inputs before the states). */
    public int stepInputs() { return inputTails.size(); }

    public RecurrenceCall classified(RecurrenceForm f, Algorithm a, String why) {
        return new RecurrenceCall(decl, inputNames, inputTails, stateInputs, stateNames, stateTails, outputTail, outputDtype,
                hostArgs, layerPath, f, a, why);
    }

    /** The state's full type for leading dimensions {@code lead} (batch, time, heads…): time removed, f32. */
    public TensorType stateType(int state, List<Dim> lead) {
        var dims = new ArrayList<>(lead);
        if (dims.size() >= 2) dims.remove(1);
        dims.addAll(stateTails.get(state));
        return new TensorType(DType.F32, dims);
    }
}
