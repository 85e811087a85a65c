package org.linlang.runtime.truffle.nodes.recurrence;

import java.util.Arrays;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Index;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.ops.ShapeSpec;
import org.linlang.runtime.truffle.values.LinMissing;
import org.linlang.runtime.truffle.values.LinNone;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinTuple;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * One call of a recurrence, between its start and its result: the arguments viewed as
 * {@code [B, T, H, step…]} (H is every leading axis after time, flattened; 1 if none), the dimension
 * sizes bound from one step's shapes, the output and the final states being filled.
 *
 * <p>Step {@code k} of the call is sequence {@code k / T} (that is batch {@code b} and head {@code h})
 * at time {@code k % T}: time runs fastest, so each sequence's states are carried from one step to the
 * next. Problems are {@link IllegalArgumentException}s whose message the caller reports.
 */
final class RecurrenceRun {
    final RecurrenceSignature sig;
    final long[] dims;
    final long batch, time, heads;
    final long[] lead;
    /** Per parameter: the argument as [B, T, H, step…], or null for host parameters. */
    final Tensor[] sequences;
    final long steps;
    Tensor output;
    long[] outputStep;
    long[][] stateShapes;
    /** Each state's initial value for every sequence (null: the declared init, same for all). */
    Tensor[] initialStates;
    Object[] declaredInits;
    Tensor[] finals;

    private boolean[] bound;

    private RecurrenceRun(RecurrenceSignature sig, long[] dims, long[] lead, Tensor[] sequences) {
        this.sig = sig;
        this.dims = dims;
        this.lead = lead;
        this.sequences = sequences;
        this.batch = lead[0];
        this.time = lead[1];
        long h = 1;
        for (int i = 2; i < lead.length; i++) h *= lead[i];
        this.heads = h;
        this.steps = batch * heads * time;
    }

    /** Checks the per-step arguments, finds the leading dimensions, binds the step's dimension names. */
    static RecurrenceRun start(RecurrenceSignature sig, Object[] args) {
        int n = sig.params().size();
        long[] lead = null;
        String leadFrom = null;
        long[][] stepShapes = new long[n][];
        DType[] dtypes = new DType[n];
        Tensor[] seqs = new Tensor[n];
        DType firstDtype = null;
        for (int i = 0; i < n; i++) {
            if (!sig.perStep()[i]) continue;
            // An optional per-step input left out (checked: its default is none): every step sees none.
            if (args[i] == LinNone.INSTANCE || args[i] == LinMissing.INSTANCE) continue;
            String p = sig.params().get(i);
            ShapeSpec.Param param = sig.spec().param(i);
            if (!(args[i] instanceof LinTensor t)) {
                throw new IllegalArgumentException("argument '" + p + "' of " + sig.name() + " must be a tensor with [batch, time, …] dimensions before "
                        + (param.dims().length == 0 ? "each step's scalar" : "each step's " + ShapeSpec.typeText(param))
                        + ", got " + LinValues.aTypeName(args[i]));
            }
            long[] s = t.tensor().shape();
            int k = param.dims().length;
            if (s.length < k + 2) {
                throw new IllegalArgumentException("argument '" + p + "' of " + sig.name() + " has shape " + LinTensor.shapeText(s)
                        + ", but one step takes " + ShapeSpec.typeText(param) + ", so the argument needs [batch, time, …] dimensions before "
                        + (k == 0 ? "it" : "those " + k));
            }
            long[] l = Arrays.copyOf(s, s.length - k);
            if (lead == null) {
                lead = l;
                leadFrom = p;
                firstDtype = t.dtype();
            } else if (!Arrays.equals(lead, l)) {
                throw new IllegalArgumentException("argument '" + p + "' of " + sig.name() + " has leading dimensions " + LinTensor.shapeText(l)
                        + " (shape " + LinTensor.shapeText(s) + "), but argument '" + leadFrom + "' has " + LinTensor.shapeText(lead));
            }
            stepShapes[i] = Arrays.copyOfRange(s, s.length - k, s.length);
            dtypes[i] = t.dtype();
        }
        if (lead == null) throw new IllegalArgumentException(sig.name() + " needs at least one tensor argument with [batch, time, …] dimensions");
        long[] known = new long[sig.knownParams().length];
        for (int j = 0; j < known.length; j++) {
            Object v = args[sig.knownParams()[j]];
            if (!(v instanceof Long l)) {
                throw new IllegalArgumentException("parameter '" + sig.params().get(sig.knownParams()[j]) + "' of " + sig.name()
                        + " sizes the step's tensors, so it must be given as an int" + (v == LinMissing.INSTANCE ? "" : ", got " + LinValues.aTypeName(v)));
            }
            known[j] = l;
        }
        ShapeSpec.Bound b = bindSteps(sig, stepShapes, dtypes, known);
        RecurrenceRun run = new RecurrenceRun(sig, b.dims(), lead, seqs);
        run.bound = b.bound();
        for (int i = 0; i < n; i++) {
            if (!sig.perStep()[i] || !(args[i] instanceof LinTensor)) continue;
            Tensor t = ((LinTensor) args[i]).tensor();
            long[] shape = new long[3 + stepShapes[i].length];
            shape[0] = run.batch;
            shape[1] = run.time;
            shape[2] = run.heads;
            System.arraycopy(stepShapes[i], 0, shape, 3, stepShapes[i].length);
            seqs[i] = t.reshape(shape);
        }
        run.known = known;
        run.outputDtype = sig.outputDtype() != null ? sig.outputDtype() : firstDtype.isFloat() ? firstDtype : DType.F32;
        return run;
    }

    long[] known;
    DType outputDtype;

    private static ShapeSpec.Bound bindSteps(RecurrenceSignature sig, long[][] stepShapes, DType[] dtypes, long[] known) {
        try {
            return sig.spec().bind(stepShapes, dtypes, known);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace(" has shape ", "'s steps have shape "));
        }
    }

    /** Evaluates the shapes of the states and the output, given the bound dimensions. */
    void prepare(Object[] initValues, Object initialState, boolean wantFinal) {
        int ns = sig.states().size();
        stateShapes = new long[ns][];
        for (int i = 0; i < ns; i++) stateShapes[i] = evalDims(sig.states().get(i).dims());
        outputStep = evalDims(sig.output());
        output = Creation.zeros(outputDtype, concat(new long[] {batch, time, heads}, outputStep));
        declaredInits = new Object[ns];
        for (int i = 0; i < ns; i++) declaredInits[i] = stateValue(initValues[i], i, "the initial value of state '" + sig.states().get(i).name() + "'");
        if (initialState != null && initialState != LinMissing.INSTANCE) {
            Object[] parts = ns == 1 ? new Object[] {initialState}
                    : initialState instanceof LinTuple t && t.size() == ns ? t.items() : null;
            if (parts == null) {
                throw new IllegalArgumentException("initial_state of " + sig.name() + " must be a tuple of " + ns + " tensors, one per state, got "
                        + LinValues.aTypeName(initialState));
            }
            initialStates = new Tensor[ns];
            for (int i = 0; i < ns; i++) {
                long[] want = stateLead(stateShapes[i]);
                if (!(parts[i] instanceof LinTensor t) || !Arrays.equals(t.tensor().shape(), want)) {
                    String state = sig.states().get(i).name();
                    throw new IllegalArgumentException("initial_state" + (ns == 1 ? "" : " (state '" + state + "')") + " of " + sig.name() + " must have shape "
                            + LinTensor.shapeText(want) + " (the leading dimensions without time, then " + state + ": " + sig.states().get(i).declared()
                            + "), got " + (parts[i] instanceof LinTensor t ? LinTensor.shapeText(t.tensor().shape()) : LinValues.aTypeName(parts[i])));
                }
                initialStates[i] = t.tensor().reshape(concat(new long[] {batch, heads}, stateShapes[i]));
            }
        }
        if (wantFinal) {
            finals = new Tensor[ns];
            for (int i = 0; i < ns; i++) finals[i] = Creation.zeros(DType.F32, concat(new long[] {batch, heads}, stateShapes[i]));
        }
    }

    private long[] stateLead(long[] stateShape) {
        long[] l = new long[lead.length - 1];
        l[0] = lead[0];
        System.arraycopy(lead, 2, l, 1, lead.length - 2);
        return concat(l, stateShape);
    }

    private long[] evalDims(ShapeSpec.Dim[] ds) {
        long[] out = new long[ds.length];
        try {
            for (int i = 0; i < ds.length; i++) out[i] = sig.spec().eval(ds[i], dims, bound, known);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("a shape in " + sig.name() + " cannot be computed: " + e.getMessage());
        }
        return out;
    }

    /** A value assigned to state {@code i}: f32, of the state's shape (a number fills it). */
    LinTensor stateValue(Object v, int i, String what) {
        long[] shape = stateShapes[i];
        return switch (v) {
            case LinTensor t -> {
                if (!Arrays.equals(t.tensor().shape(), shape)) {
                    throw new IllegalArgumentException(what + " has shape " + LinTensor.shapeText(t.tensor().shape()) + ", but state '"
                            + sig.states().get(i).name() + "' is " + sig.states().get(i).declared() + " = " + LinTensor.shapeText(shape));
                }
                yield t.dtype() == DType.F32 ? t : new LinTensor(t.tensor().to(DType.F32));
            }
            case Long l -> new LinTensor(Creation.full(l, DType.F32, shape));
            case Double d -> new LinTensor(Creation.full(d, DType.F32, shape));
            default -> throw new IllegalArgumentException(what + " must be a number or a tensor, got " + LinValues.aTypeName(v));
        };
    }

    boolean startsSequence(long k) { return k % time == 0; }

    boolean endsSequence(long k) { return k % time == time - 1; }

    /** The states at the start of the sequence of step k. */
    Object[] initialStates(long k) {
        long seq = k / time;
        long b = seq / heads, h = seq % heads;
        Object[] out = new Object[declaredInits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = initialStates == null ? declaredInits[i]
                    : new LinTensor(initialStates[i].index(Index.at(b), Index.at(h)).to(DType.F32));
        }
        return out;
    }

    /** The per-step values of step k: a view of each per-step argument, or a number for scalar steps. */
    Object[] stepValues(long k) {
        long seq = k / time, t = k % time;
        long b = seq / heads, h = seq % heads;
        Object[] out = new Object[sequences.length];
        for (int i = 0; i < sequences.length; i++) {
            Tensor s = sequences[i];
            if (s == null) {
                out[i] = LinNone.INSTANCE; // read only for per-step inputs: an optional one left out
                continue;
            }
            Tensor step = s.index(Index.at(b), Index.at(t), Index.at(h));
            out[i] = step.rank() == 0 ? LinTensor.scalar(step) : new LinTensor(step);
        }
        return out;
    }

    /** Stores what step k emitted, and the final states at the end of a sequence. */
    void finishStep(long k, Object emitted, Object[] states) {
        long seq = k / time, t = k % time;
        long b = seq / heads, h = seq % heads;
        Tensor at = output.index(Index.at(b), Index.at(t), Index.at(h));
        switch (emitted) {
            case LinTensor e -> {
                if (!Arrays.equals(e.tensor().shape(), outputStep)) {
                    throw new IllegalArgumentException("the step emitted " + e.typeText() + ", but " + sig.name() + " declares its output as "
                            + ShapeSpec.typeText(new ShapeSpec.Param("", null, false, sig.output())) + " = " + LinTensor.shapeText(outputStep));
                }
                at.copyFrom(e.tensor());
            }
            case Long l when outputStep.length == 0 -> at.set(l);
            case Double d when outputStep.length == 0 -> at.set(d);
            case null -> throw new IllegalArgumentException("step " + t + " of " + sig.name() + " ended without emitting its output");
            default -> throw new IllegalArgumentException("the step emitted " + LinValues.aTypeName(emitted) + ", but " + sig.name()
                    + " declares its output as a tensor of shape " + LinTensor.shapeText(outputStep));
        }
        if (finals != null && endsSequence(k)) {
            for (int i = 0; i < states.length; i++) finals[i].index(Index.at(b), Index.at(h)).copyFrom(((LinTensor) states[i]).tensor());
        }
    }

    /** The call's value: the output, or (output, final state(s)) when asked for. */
    Object result() {
        long[] outShape = concat(lead, outputStep);
        LinTensor o = new LinTensor(output.reshape(outShape));
        if (finals == null) return o;
        Object[] fs = new Object[finals.length];
        for (int i = 0; i < finals.length; i++) fs[i] = new LinTensor(finals[i].reshape(stateLead(stateShapes[i])));
        return new LinTuple(new Object[] {o, fs.length == 1 ? fs[0] : new LinTuple(fs)});
    }

    static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
