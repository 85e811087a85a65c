package org.linlang.runtime.cpu;

import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * Recurrences with a diagonal transition, {@code S_t = diag(α_t) S_(t-1) + k_t v_tᵀ} and
 * {@code o_t = S_tᵀ (scale · q_t)}: linear attention (no gate), simple GLA / RetNet / Mamba-2 (one
 * log-decay {@code g = log α} per head and token) and GLA (one per key channel).
 *
 * <p>Layouts: {@code q, k: [B, T, H, K]}, {@code v: [B, T, H, V]}, log-decay {@code g} absent
 * (null), {@code [B, T, H]} (per head) or {@code [B, T, H, K]} (per key channel), values ≤ 0;
 * states {@code [B, H, K, V]}. Inputs may be f32, bf16 or f16 (16-bit inputs are converted to f32
 * once); everything is computed in f32 and returned as f32. Work is spread over the cpu engine's
 * threads by (batch, head) and, when there are fewer pairs than threads, by slices of the value
 * columns.
 *
 * <p>Two algorithms compute the same thing: {@link #chunked} for prefill (matrix products over
 * chunks of {@value #DEFAULT_CHUNK} tokens, see {@link DiagonalChunk}) and {@link #sequential} for
 * decoding and short inputs (token by token, see {@link SequentialKernel});
 * {@link #sequentialInto} is the decode step, which allocates nothing.
 */
public final class DiagonalRecurrence {
    public static final int DEFAULT_CHUNK = 64;

    private DiagonalRecurrence() {}

    /** The usual scale {@code K^-1/2} for queries {@code [B, T, H, K]}. */
    public static double defaultScale(Tensor q) {
        return 1 / Math.sqrt(q.dim(-1));
    }

    /** The chunked form with chunks of {@value #DEFAULT_CHUNK} tokens. */
    public static RecurrenceResult chunked(Tensor q, Tensor k, Tensor v, Tensor g, double scale,
                                           Tensor initialState, boolean outputFinalState) {
        return chunked(q, k, v, g, scale, initialState, outputFinalState, DEFAULT_CHUNK);
    }

    /**
     * The chunked form. {@code g} and {@code initialState} may be null; the final state is returned
     * when {@code outputFinalState}. Any length T works (the last chunk is shorter).
     */
    public static RecurrenceResult chunked(Tensor q, Tensor k, Tensor v, Tensor g, double scale,
                                           Tensor initialState, boolean outputFinalState, int chunkSize) {
        return chunked(q, k, v, g, scale, initialState, outputFinalState, chunkSize, null, null);
    }

    /** The chunked form into the caller's {@code out} and {@code fin} where they are not null (see {@link Problem#diagonal}). */
    static RecurrenceResult chunked(Tensor q, Tensor k, Tensor v, Tensor g, double scale, Tensor initialState, boolean outputFinalState,
                                    int chunkSize, Tensor out, Tensor fin) {
        Problem p = Problem.diagonal(q, k, v, g, scale, initialState, outputFinalState, out, fin);
        WorkerPool pool = WorkerPool.shared();
        p.plan(chunkSize, pool.threads());
        if (p.time > 0 || p.last != null) {
            pool.run(p.items(), (item, worker) -> {
                int slice = item % p.slices, bh = item / p.slices;
                int v0 = slice * p.sliceWidth, w = Math.min(p.sliceWidth, p.values - v0);
                DiagonalChunk.run(p, bh / p.heads, bh % p.heads, v0, w);
            });
        }
        return p.result();
    }

    /** The sequential form, token by token, with fresh output and state tensors. */
    public static RecurrenceResult sequential(Tensor q, Tensor k, Tensor v, Tensor g, double scale,
                                              Tensor initialState, boolean outputFinalState) {
        return sequential(q, k, v, g, scale, initialState, outputFinalState, null, null);
    }

    /** The sequential form into the caller's {@code out} and {@code fin} where they are not null (see {@link Problem#diagonal}). */
    static RecurrenceResult sequential(Tensor q, Tensor k, Tensor v, Tensor g, double scale, Tensor initialState, boolean outputFinalState,
                                       Tensor out, Tensor fin) {
        Problem p = Problem.diagonal(q, k, v, g, scale, initialState, true, out, outputFinalState ? fin : null);
        SequentialKernel.run(p);
        return new RecurrenceResult(p.output, outputFinalState ? p.finalState : null);
    }

    /**
     * The sequential form into caller-owned buffers: {@code state} ({@code [B, H, K, V]}, f32,
     * contiguous) holds the state before the first token and is updated in place; the outputs go to
     * {@code out} ({@code [B, T, H, V]}, f32, contiguous). With f32 contiguous inputs this allocates
     * nothing once warm (the decode step: T = 1).
     */
    public static void sequentialInto(Tensor q, Tensor k, Tensor v, Tensor g, double scale, Tensor state, Tensor out) {
        String op = "diagonal recurrence";
        Checks.rank(op, "q", q, 4, "[B, T, H, K]");
        Checks.rank(op, "v", v, 4, "[B, T, H, V]");
        long b = q.dim(0), t = q.dim(1), h = q.dim(2), kk = q.dim(3), vv = v.dim(3);
        Checks.rank(op, "k", k, 4, "[B, T, H, K]");
        Checks.dims(op, "k", k, "[B, T, H, K]", b, t, h, kk);
        Checks.dims(op, "v", v, "[B, T, H, V]", b, t, h, vv);
        int gate = Checks.NO_GATE;
        if (g != null && g.rank() == 3) {
            Checks.rank(op, "g", g, 3, "[B, T, H]");
            Checks.dims(op, "g", g, "[B, T, H]", b, t, h, 0);
            gate = Checks.HEAD_GATE;
        } else if (g != null) {
            Checks.rank(op, "g", g, 4, "[B, T, H] or [B, T, H, K]");
            Checks.dims(op, "g", g, "[B, T, H, K]", b, t, h, kk);
            gate = Checks.CHANNEL_GATE;
        }
        Checks.scale(op, scale);
        Checks.buffer(op, "state", state, "[B, H, K, V]", b, h, kk, vv);
        Checks.buffer(op, "out", out, "[B, T, H, V]", b, t, h, vv);
        Checks.size(op, "B*T*H", b * t * h);
        Checks.size(op, "K*V", kk * vv);
        SequentialKernel.runInto(false, gate, (float) scale, f32(q), f32(k), f32(v), g == null ? null : f32(g), null, state, out);
    }

    /** f32 contiguous: the tensor itself when it already is, else a converted copy. */
    static Tensor f32(Tensor t) {
        return Operand.direct(t) ? t : t.to(DType.F32).contiguous();
    }
}
