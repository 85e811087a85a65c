package org.linlang.runtime.cpu;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.RecurrenceCall;
import org.linlang.compiler.recurrence.RecurrenceForm;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * A {@code recurrence} node of a plan on the cpu kernels: the pieces its classified form names
 * (query, key, value, log-decay, beta; {@link RecurrencePlan}) are picked from the node's inputs by
 * parameter name, the leading axes are brought to {@code [B, T, H]}, and the algorithm pass 3 chose
 * runs — chunked for prefill, sequential for decoding steps (and for one token, where a chunk is
 * pure overhead). A recurrence outside both families (general, nonlinear, KDA, several states or
 * writes) runs its step body on the generic sequential kernel ({@link GenericRecurrence}).
 */
final class RecurrenceKernel {
    private final Node node;
    private final RecurrenceCall call;
    private final RecurrencePlan plan;
    private final double scale;

    RecurrenceKernel(Node node, String where) {
        this.node = node;
        this.call = node.recurrence();
        RecurrenceForm form = call.form();
        if (form == null) throw new CpuEngineException("recurrence " + call.name() + " in " + where + " was not classified");
        RecurrencePlan p;
        try {
            p = RecurrencePlan.of(form);
        } catch (IllegalArgumentException e) {
            p = null; // not a form of the fast families: the step body itself runs, token by token
        }
        this.plan = p;
        this.generic = p == null ? new GenericRecurrence(node, where) : null;
        // q̃ = scale * q with a host scale runs as the kernel's scale; any other query is hoisted whole
        double s = 1.0;
        Expr q = p == null ? null : p.query();
        if (q instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL && b.left() instanceof Expr.Name l
                && call.hostArgs().get(l.name()) instanceof Number n && b.right() instanceof Expr.Name r && call.inputNames().contains(r.name())) {
            s = n.doubleValue();
            q = r;
        }
        this.scale = s;
        this.query = q;
    }

    /** The generic sequential kernel, for a recurrence outside the fast families; null otherwise. */
    private final GenericRecurrence generic;

    GenericRecurrence generic() { return generic; }

    /** The kernel's name, for plans' descriptions. */
    String kernelName() {
        return generic != null ? "sequential (generic step kernel)" : call.algorithm() == null ? "sequential" : call.algorithm().word();
    }

    private final Expr query;
    /** Whether states are the caller's buffers to update in place (a step graph). */
    private boolean inPlace;

    RecurrenceKernel inPlace(boolean on) {
        this.inPlace = on;
        return this;
    }

    private static boolean writableF32(Tensor t) {
        return t.dtype() == DType.F32 && t.isContiguous() && !t.isReadOnly() && t.offset() == 0;
    }

    private static boolean f32Buffer(Tensor t) {
        return t.dtype() == DType.F32 && t.isContiguous() && !t.isReadOnly();
    }

    /** The emitted sequence, and the final state when {@code wantFinal}, in fresh tensors. */
    RecurrenceResult run(Tensor[] in, boolean wantFinal) { return run(in, wantFinal, null, null); }

    /**
     * The emitted sequence, and the final state when {@code wantFinal}. {@code into} and
     * {@code finalInto}, when not null, are where they go: contiguous tensors of the node's and the
     * final state's type (a workspace slot, the caller's buffer); the final state's may be the
     * initial state itself, which is then updated in place.
     */
    RecurrenceResult run(Tensor[] in, boolean wantFinal, Tensor into, Tensor finalInto) {
        List<String> names = call.inputNames();
        int steps = call.stepInputs();
        int leadRank = in[0].rank() - call.inputTails().getFirst().size();
        Map<String, Tensor> lifted = new HashMap<>(); // [B, T, H, tail], a per-step scalar as [B, T, H, 1]
        for (int i = 0; i < steps; i++) {
            Tensor x = heads(in[i], leadRank);
            lifted.put(names.get(i), call.inputTails().get(i).isEmpty() ? x.unsqueeze(-1) : x);
        }
        Tensor initial = call.stateInputs() > 0 ? statesWithHeads(in[steps], leadRank) : null;
        long t = in[0].dim(1);
        boolean sequential = call.algorithm() == RecurrenceCall.Algorithm.SEQUENTIAL || t == 1;
        Tensor q = vector(piece(query, lifted));
        Tensor k = vector(piece(plan.key(), lifted));
        Tensor v = vector(piece(plan.value(), lifted));
        Tensor g = plan.logDecay() == null ? null : piece(plan.logDecay(), lifted);
        if (g != null) g = plan.perChannel() ? g.broadcastTo(k.shape()) : scalar(g, k);
        Tensor out = into != null && f32Buffer(into) ? heads(into, leadRank) : null;
        Tensor fin = wantFinal && finalInto != null && f32Buffer(finalInto) ? statesWithHeads(finalInto, leadRank) : null;
        boolean overInitial = initial != null && fin != null && SequentialKernel.sameElements(initial, fin);
        RecurrenceResult r;
        if (sequential && initial != null && leadRank == 3 && writableF32(initial) && (inPlace || overInitial)) {
            // a decoding step: the state is the caller's buffer, updated in place (the buffer plan
            // writes state_out over the state it read, or the caller gave the state as the final
            // state's buffer), and nothing else but the output is written
            if (out == null) out = org.linlang.runtime.tensor.Creation.zeros(q.dim(0), q.dim(1), q.dim(2), v.dim(3));
            if (plan.kind() == RecurrenceForm.Kind.DELTA) {
                DeltaRecurrence.sequentialInto(q, k, v, scalar(piece(plan.beta(), lifted), k), g, scale, initial, out);
            } else {
                DiagonalRecurrence.sequentialInto(q, k, v, g, scale, initial, out);
            }
            r = new RecurrenceResult(out, wantFinal ? initial : null);
        } else if (plan.kind() == RecurrenceForm.Kind.DELTA) {
            Tensor beta = scalar(piece(plan.beta(), lifted), k);
            r = sequential ? DeltaRecurrence.sequential(q, k, v, beta, g, scale, initial, wantFinal, out, fin)
                    : DeltaRecurrence.chunked(q, k, v, beta, g, scale, initial, wantFinal, DeltaRecurrence.DEFAULT_CHUNK, out, fin);
        } else {
            r = sequential ? DiagonalRecurrence.sequential(q, k, v, g, scale, initial, wantFinal, out, fin)
                    : DiagonalRecurrence.chunked(q, k, v, g, scale, initial, wantFinal, DiagonalRecurrence.DEFAULT_CHUNK, out, fin);
        }
        Tensor o = unheads(r.output(), in[0], leadRank);
        DType want = NodeKernels.dtype(node);
        if (o.dtype() != want) o = o.to(want);
        Tensor last = r.finalState() == null ? null : unheadsState(r.finalState(), in[0], leadRank);
        return new RecurrenceResult(o, last);
    }

    private Tensor piece(Expr e, Map<String, Tensor> lifted) {
        return Prologue.eval(e, lifted, call.hostArgs(), call.name());
    }

    /** A per-step vector piece, [B, T, H, K]. */
    private static Tensor vector(Tensor x) { return x; }

    /** A per-step scalar piece ([B, T, H, 1], or a number) as [B, T, H]. */
    private static Tensor scalar(Tensor x, Tensor like) {
        long[] s = like.shape();
        long[] lead = {s[0], s[1], s[2]};
        if (x.rank() == 4) x = x.squeeze(-1);
        return x.rank() == 3 ? x : x.broadcastTo(lead);
    }

    /** {@code [B, T, H…, tail]} as {@code [B, T, H, tail]}: no head axis gets one of size 1, several are merged. */
    private static Tensor heads(Tensor x, int leadRank) {
        if (leadRank == 3) return x;
        long[] s = x.shape();
        long h = 1;
        for (int i = 2; i < leadRank; i++) h *= s[i];
        long[] n = new long[3 + s.length - leadRank];
        n[0] = s[0];
        n[1] = s[1];
        n[2] = h;
        System.arraycopy(s, leadRank, n, 3, s.length - leadRank);
        return x.contiguous().reshape(n);
    }

    /** A state {@code [B, H…, K, V]} as {@code [B, H, K, V]}. */
    private static Tensor statesWithHeads(Tensor x, int leadRank) {
        if (leadRank == 3) return x;
        long[] s = x.shape();
        long h = 1;
        for (int i = 1; i < leadRank - 1; i++) h *= s[i];
        long[] n = new long[2 + s.length - (leadRank - 1)];
        n[0] = s[0];
        n[1] = h;
        System.arraycopy(s, leadRank - 1, n, 2, s.length - (leadRank - 1));
        return x.contiguous().reshape(n);
    }

    private static Tensor unheads(Tensor out, Tensor first, int leadRank) {
        if (leadRank == 3) return out;
        long[] s = new long[leadRank + 1];
        System.arraycopy(first.shape(), 0, s, 0, leadRank);
        s[leadRank] = out.dim(-1);
        return out.reshape(s);
    }

    private static Tensor unheadsState(Tensor st, Tensor first, int leadRank) {
        if (leadRank == 3) return st;
        long[] s = new long[leadRank + 1];
        s[0] = first.dim(0);
        for (int i = 2; i < leadRank; i++) s[i - 1] = first.dim(i);
        s[leadRank - 1] = st.dim(-2);
        s[leadRank] = st.dim(-1);
        return st.reshape(s);
    }
}
