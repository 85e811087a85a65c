package org.linlang.runtime.cpu;

import static org.linlang.runtime.cpu.DiagonalRecurrence.f32;

import org.linlang.runtime.tensor.Tensor;

/**
 * Recurrences with a delta-rule transition,
 * {@code S_t = γ_t (I − β_t k_t k_tᵀ) S_(t-1) + β_t k_t v_tᵀ} and {@code o_t = S_tᵀ (scale · q_t)}:
 * DeltaNet (no gate, γ = 1) and Gated DeltaNet ({@code g = log γ}, one per head and token).
 *
 * <p>Layouts: {@code q, k: [B, T, H, K]} (keys are usually L2-normalised by the caller),
 * {@code v: [B, T, H, V]}, {@code beta: [B, T, H]}, {@code g} null or {@code [B, T, H]} with values
 * ≤ 0, states {@code [B, H, K, V]}. Precision, threading and the two algorithms are as in
 * {@link DiagonalRecurrence}; the chunked form is the WY/UT one described in {@link DeltaChunk}.
 */
public final class DeltaRecurrence {
    public static final int DEFAULT_CHUNK = 64;

    private DeltaRecurrence() {}

    /** The chunked form with chunks of {@value #DEFAULT_CHUNK} tokens. */
    public static RecurrenceResult chunked(Tensor q, Tensor k, Tensor v, Tensor beta, Tensor g, double scale,
                                           Tensor initialState, boolean outputFinalState) {
        return chunked(q, k, v, beta, g, scale, initialState, outputFinalState, DEFAULT_CHUNK);
    }

    /** The chunked form; {@code g} and {@code initialState} may be null. Any length T works. */
    public static RecurrenceResult chunked(Tensor q, Tensor k, Tensor v, Tensor beta, Tensor g, double scale,
                                           Tensor initialState, boolean outputFinalState, int chunkSize) {
        return chunked(q, k, v, beta, g, scale, initialState, outputFinalState, chunkSize, null, null);
    }

    /** The chunked form into the caller's {@code out} and {@code fin} where they are not null (see {@link Problem#diagonal}). */
    static RecurrenceResult chunked(Tensor q, Tensor k, Tensor v, Tensor beta, Tensor g, double scale, Tensor initialState,
                                    boolean outputFinalState, int chunkSize, Tensor out, Tensor fin) {
        Problem p = Problem.delta(q, k, v, beta, g, scale, initialState, outputFinalState, out, fin);
        WorkerPool pool = WorkerPool.shared();
        p.plan(chunkSize, pool.threads());
        if (p.time > 0 || p.last != null) {
            pool.run(p.items(), (item, worker) -> {
                int slice = item % p.slices, bh = item / p.slices;
                int v0 = slice * p.sliceWidth, w = Math.min(p.sliceWidth, p.values - v0);
                DeltaChunk.run(p, bh / p.heads, bh % p.heads, v0, w);
            });
        }
        return p.result();
    }

    /** The sequential form, token by token, with fresh output and state tensors. */
    public static RecurrenceResult sequential(Tensor q, Tensor k, Tensor v, Tensor beta, Tensor g, double scale,
                                              Tensor initialState, boolean outputFinalState) {
        return sequential(q, k, v, beta, g, scale, initialState, outputFinalState, null, null);
    }

    /** The sequential form into the caller's {@code out} and {@code fin} where they are not null (see {@link Problem#diagonal}). */
    static RecurrenceResult sequential(Tensor q, Tensor k, Tensor v, Tensor beta, Tensor g, double scale, Tensor initialState,
                                       boolean outputFinalState, Tensor out, Tensor fin) {
        Problem p = Problem.delta(q, k, v, beta, g, scale, initialState, true, out, outputFinalState ? fin : null);
        SequentialKernel.run(p);
        return new RecurrenceResult(p.output, outputFinalState ? p.finalState : null);
    }

    /**
     * The sequential form into caller-owned buffers: {@code state} ({@code [B, H, K, V]}, f32,
     * contiguous) is updated in place, the outputs go to {@code out} ({@code [B, T, H, V]}, f32,
     * contiguous). With f32 contiguous inputs this allocates nothing once warm.
     */
    public static void sequentialInto(Tensor q, Tensor k, Tensor v, Tensor beta, Tensor g, double scale,
                                      Tensor state, Tensor out) {
        String op = "delta recurrence";
        Checks.rank(op, "q", q, 4, "[B, T, H, K]");
        Checks.rank(op, "k", k, 4, "[B, T, H, K]");
        Checks.rank(op, "v", v, 4, "[B, T, H, V]");
        Checks.rank(op, "beta", beta, 3, "[B, T, H]");
        long b = q.dim(0), t = q.dim(1), h = q.dim(2), kk = q.dim(3), vv = v.dim(3);
        Checks.dims(op, "k", k, "[B, T, H, K]", b, t, h, kk);
        Checks.dims(op, "v", v, "[B, T, H, V]", b, t, h, vv);
        Checks.dims(op, "beta", beta, "[B, T, H]", b, t, h, 0);
        if (g != null) {
            Checks.rank(op, "g", g, 3, "[B, T, H]");
            Checks.dims(op, "g", g, "[B, T, H]", b, t, h, 0);
        }
        Checks.scale(op, scale);
        Checks.buffer(op, "state", state, "[B, H, K, V]", b, h, kk, vv);
        Checks.buffer(op, "out", out, "[B, T, H, V]", b, t, h, vv);
        Checks.size(op, "B*T*H", b * t * h);
        Checks.size(op, "K*V", kk * vv);
        SequentialKernel.runInto(true, g == null ? Checks.NO_GATE : Checks.HEAD_GATE, (float) scale,
                f32(q), f32(k), f32(v), g == null ? null : f32(g), f32(beta), state, out);
    }
}
