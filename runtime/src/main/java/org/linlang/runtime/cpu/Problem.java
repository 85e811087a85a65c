package org.linlang.runtime.cpu;

import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/**
 * One checked call of a chunked or allocating sequential recurrence: sizes, inputs as
 * {@link Operand}s, and the output tensors it fills. Work items are (batch, head, slice of the value
 * columns): the columns of the state never mix, so slices run independently (they repeat the
 * column-free work, such as {@code Q K^T}, which only pays when there are fewer (batch, head) pairs
 * than threads).
 */
final class Problem {
    final String op;
    final boolean delta;
    final int gate;
    final int batch, time, heads, keys, values;
    final float scale;
    final Operand q, k, v, g, beta, initial;
    final Tensor output, finalState;
    final Operand out, last;
    int chunk, requestedChunk, slices, sliceWidth;

    private Problem(String op, boolean delta, Tensor q, Tensor k, Tensor v, Tensor beta, Tensor g, double scale,
                    Tensor initialState, boolean outputFinalState, Tensor outputInto, Tensor finalStateInto) {
        this.op = op;
        this.delta = delta;
        Checks.rank(op, "q", q, 4, "[B, T, H, K]");
        Checks.rank(op, "k", k, 4, "[B, T, H, K]");
        Checks.rank(op, "v", v, 4, "[B, T, H, V]");
        long bB = q.dim(0), bT = q.dim(1), bH = q.dim(2), bK = q.dim(3), bV = v.dim(3);
        Checks.dims(op, "k", k, "[B, T, H, K]", bB, bT, bH, bK);
        Checks.dims(op, "v", v, "[B, T, H, V]", bB, bT, bH, bV);
        batch = Checks.size(op, "B", bB);
        time = Checks.size(op, "T", bT);
        heads = Checks.size(op, "H", bH);
        keys = Checks.size(op, "K", bK);
        values = Checks.size(op, "V", bV);
        Checks.size(op, "B*T*H", bB * bT * bH);
        Checks.size(op, "K*V", bK * bV);
        Checks.scale(op, scale);
        this.scale = (float) scale;
        if (delta) {
            Checks.rank(op, "beta", beta, 3, "[B, T, H]");
            Checks.dims(op, "beta", beta, "[B, T, H]", bB, bT, bH, 0);
        }
        if (g == null) {
            gate = Checks.NO_GATE;
        } else if (g.rank() == 3 || delta) {
            Checks.rank(op, "g", g, 3, "[B, T, H]");
            Checks.dims(op, "g", g, "[B, T, H]", bB, bT, bH, 0);
            gate = Checks.HEAD_GATE;
        } else {
            Checks.rank(op, "g", g, 4, "[B, T, H] or [B, T, H, K]");
            Checks.dims(op, "g", g, "[B, T, H, K]", bB, bT, bH, bK);
            gate = Checks.CHANNEL_GATE;
        }
        if (initialState != null) {
            Checks.rank(op, "initial state", initialState, 4, "[B, H, K, V]");
            Checks.dims(op, "initial state", initialState, "[B, H, K, V]", bB, bH, bK, bV);
        }
        this.q = Operand.of(q);
        this.k = Operand.of(k);
        this.v = Operand.of(v);
        this.g = g == null ? null : Operand.of(g);
        this.beta = delta ? Operand.of(beta) : null;
        this.initial = initialState == null ? null : Operand.of(initialState);
        if (outputInto != null) Checks.buffer(op, "out", outputInto, "[B, T, H, V]", bB, bT, bH, bV);
        if (finalStateInto != null) Checks.buffer(op, "final state", finalStateInto, "[B, H, K, V]", bB, bH, bK, bV);
        this.output = outputInto != null ? outputInto : Creation.zeros(bB, bT, bH, bV);
        this.out = Operand.of(output);
        this.finalState = !outputFinalState ? null : finalStateInto != null ? finalStateInto : Creation.zeros(bB, bH, bK, bV);
        this.last = finalState == null ? null : Operand.of(finalState);
    }

    /**
     * The problem of a diagonal recurrence. {@code out} and {@code fin}, when not null, are the
     * caller's buffers for the output and the final state (f32, contiguous; {@code fin} may be the
     * initial state itself: each work item reads its block of the initial state before it writes the
     * same block of the final one); otherwise fresh tensors are made.
     */
    static Problem diagonal(Tensor q, Tensor k, Tensor v, Tensor g, double scale, Tensor initialState, boolean outputFinalState,
                            Tensor out, Tensor fin) {
        return new Problem("diagonal recurrence", false, q, k, v, null, g, scale, initialState, outputFinalState, out, fin);
    }

    static Problem delta(Tensor q, Tensor k, Tensor v, Tensor beta, Tensor g, double scale, Tensor initialState, boolean outputFinalState,
                         Tensor out, Tensor fin) {
        return new Problem("delta recurrence", true, q, k, v, beta, g, scale, initialState, outputFinalState, out, fin);
    }

    RecurrenceResult result() { return new RecurrenceResult(output, finalState); }

    /**
     * Chooses the value slices: one per (batch, head) pair when the pairs already keep every thread
     * busy (an exact multiple of the threads, or at least four per thread), else the fewest slices
     * (of at least 32 columns) that do.
     */
    void plan(int chunkSize, int threads) {
        Checks.chunk(op, chunkSize);
        requestedChunk = chunkSize;
        chunk = Math.min(chunkSize, Math.max(time, 1)); // a shorter sequence is one chunk: size the buffers to it
        int pairs = batch * heads, most = Math.max(1, values / 32);
        int s = 1;
        while (s < most && !(pairs * s % threads == 0 || pairs * s >= 4 * threads)) s++;
        int lanes = Gemm.LANES;
        sliceWidth = (values + s - 1) / s;
        if (s > 1) sliceWidth = (sliceWidth + lanes - 1) / lanes * lanes; // whole vectors where possible
        slices = (values + sliceWidth - 1) / sliceWidth;
    }

    int items() { return batch * heads * slices; }

    /** Loads the initial state's rows for columns {@code [v0, v0 + w)} into {@code s} ({@code K x w}), or zeros. */
    void loadState(int b, int h, int v0, int w, float[] s) {
        if (initial == null) {
            java.util.Arrays.fill(s, 0, keys * w, 0f);
            return;
        }
        for (int c = 0; c < keys; c++) initial.read(b, h, c, v0, s, c * w, w);
    }

    void storeState(int b, int h, int v0, int w, float[] s) {
        if (last == null) return;
        for (int c = 0; c < keys; c++) last.write(b, h, c, v0, s, c * w, w);
    }
}
