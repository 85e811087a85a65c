package org.linlang.runtime.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The chunked diagonal recurrence for one work item (batch, head, value slice), chunk after chunk
 * with the state {@code S} ({@code K x w}) kept in a Java array:
 * <pre>
 *   O = (Q ⊙ a) S + (Q Kᵀ ⊙ Γ ⊙ causal mask) V          a_t  = Π_{u ≤ t} α_u        (decay from the chunk start)
 *   S = diag(a_L) S + (K ⊙ e)ᵀ V                        e_s  = Π_{s < u ≤ L} α_u    (decay to the chunk end)
 *                                                       Γ_ts = Π_{s < u ≤ t} α_u
 * </pre>
 * with {@code α = exp(g)} (1 without gate; a scalar per token for per-head gates, a vector over the
 * key channels for per-channel gates).
 *
 * <p>Numerics: every decay factor is built as a running product of the per-step factors
 * {@code α ≤ 1} (one {@code exp} per input gate, no exponent of a difference of cumulative sums),
 * so no intermediate ever exceeds the true weight it stands for: there is nothing to overflow, no
 * cancellation between large cumulative sums, and a weight underflows to zero only where the exact
 * weight is itself below the f32 range. Per-channel gates cannot be pulled out of {@code Q Kᵀ} as
 * row and column scalings without factors above 1 (the usual {@code exp(+cumsum)} on the keys
 * overflows for strong gates), so the chunk is cut into sub-blocks of 16 rows: a pair of
 * sub-blocks {@code J < I} is one matrix product of queries decayed forward from the end of block
 * {@code J} and keys decayed back to it (both factors ≤ 1); the 16 x 16 blocks on the diagonal are
 * computed as decayed dot products, pair by pair.
 */
final class DiagonalChunk {
    private static final VectorSpecies<Float> F = Gemm.F;
    private static final int LANES = Gemm.LANES;
    /** Sub-block size for per-channel gates. */
    static final int SUB = 16;

    private static final ThreadLocal<DiagonalChunk> CACHE = new ThreadLocal<>();

    private Problem p;
    private boolean busy;
    private final int C, K, w;
    private final boolean channel;
    private final float[] qs, ks, vs, kt, pm, o, s, alpha, qa, kd, kh, kht, qh, row, run, aLast, gam;
    private final float[] step, fwd, bwd;
    private final int[] map;

    /**
     * Runs one work item on this thread's workspace, kept from the last call when it is large enough (a
     * call shorter than a chunk uses the rows it needs of a full chunk's workspace), so repeated calls
     * allocate nothing here.
     */
    static void run(Problem p, int b, int h, int v0, int w) {
        boolean channel = p.gate == Checks.CHANNEL_GATE;
        DiagonalChunk d = CACHE.get();
        if (d == null || d.busy || d.C < p.chunk || d.K != p.keys || d.w != w || d.channel != channel) {
            d = new DiagonalChunk(Math.max(p.chunk, p.requestedChunk), p.keys, w, channel);
            CACHE.set(d);
        }
        d.busy = true;
        d.p = p;
        try {
            d.run(b, h, v0);
        } finally {
            d.p = null;
            d.busy = false;
        }
    }

    private DiagonalChunk(int chunk, int keys, int w, boolean channel) {
        this.C = chunk;
        this.K = keys;
        this.w = w;
        this.channel = channel;
        qs = new float[C * K];
        ks = new float[C * K];
        vs = new float[C * w];
        pm = new float[C * C];
        o = new float[C * w];
        s = new float[K * w];
        kt = channel ? null : new float[K * C];
        alpha = channel ? new float[C * K] : null;
        qa = channel ? new float[C * K] : null;
        kd = channel ? new float[C * K] : null;
        kh = channel ? new float[SUB * K] : null;
        kht = channel ? new float[K * SUB] : null;
        qh = channel ? new float[C * K] : null;
        row = new float[Math.max(K, C)];
        run = new float[K];
        aLast = new float[K];
        gam = new float[C];
        step = new float[C];
        fwd = new float[C];
        bwd = new float[C];
        map = Gemm.gatherMap(K);
    }

    private void run(int b, int h, int v0) {
        p.loadState(b, h, v0, w, s);
        for (int t0 = 0; t0 < p.time; t0 += p.chunk) {
            int L = Math.min(p.chunk, p.time - t0);
            load(b, h, v0, t0, L);
            if (p.gate == Checks.CHANNEL_GATE) channelChunk(L);
            else scalarChunk(L);
            for (int i = 0; i < L; i++) p.out.write(b, t0 + i, h, v0, o, i * w, w);
        }
        p.storeState(b, h, v0, w, s);
    }

    private void load(int b, int h, int v0, int t0, int L) {
        for (int i = 0; i < L; i++) {
            p.q.read(b, t0 + i, h, qs, i * K);
            p.k.read(b, t0 + i, h, ks, i * K);
            p.v.read(b, t0 + i, h, v0, vs, i * w, w);
        }
        Gemm.scale(L * K, p.scale, qs, 0);
        if (p.gate == Checks.HEAD_GATE) {
            for (int i = 0; i < L; i++) step[i] = (float) Math.exp(p.g.scalar(b, t0 + i, h));
        } else if (p.gate == Checks.CHANNEL_GATE) {
            for (int i = 0; i < L; i++) p.g.read(b, t0 + i, h, alpha, i * K);
            exp(alpha, L * K);
        }
    }

    static void exp(float[] x, int n) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) FloatVector.fromArray(F, x, i).lanewise(VectorOperators.EXP).intoArray(x, i);
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, i, m).lanewise(VectorOperators.EXP).intoArray(x, i, m);
        }
    }

    /** No gate, or one gate per head: the decay is a scalar per token. */
    private void scalarChunk(int L) {
        boolean gated = p.gate == Checks.HEAD_GATE;
        // P = Q K^T, then ⊙ Γ and the causal mask.
        Gemm.transpose(L, K, ks, 0, K, kt, 0, C, map);
        Gemm.multiply(L, L, K, qs, 0, K, kt, 0, C, pm, 0, C, false, false);
        if (gated) decayFactors(step, L, fwd, bwd);
        Arrays.fill(gam, 0, L, 0f);
        for (int i = 0; i < L; i++) {
            int r = i * C;
            if (gated) {
                Gemm.scale(i, step[i], gam, 0); // Γ_ij = Γ_(i-1)j · α_i
                gam[i] = 1;
                Gemm.mul(i + 1, pm, r, gam, 0, pm, r);
            }
            Arrays.fill(pm, r + i + 1, r + L, 0f);
        }
        // O = (Q ⊙ a) S + P V
        if (gated) for (int i = 0; i < L; i++) Gemm.scale(K, fwd[i], qs, i * K);
        Gemm.multiply(L, w, K, qs, 0, K, s, 0, w, o, 0, w, false, false);
        Gemm.multiply(L, w, L, pm, 0, C, vs, 0, w, o, 0, w, true, true);
        // S = a_L S + (K ⊙ e)^T V
        if (gated) {
            Gemm.scale(K * w, fwd[L - 1], s, 0);
            for (int i = 0; i < L; i++) Gemm.scale(K, bwd[i], ks, i * K);
        }
        Gemm.multiplyTransposedA(K, w, L, ks, 0, K, vs, 0, w, s, 0, w, true);
    }

    /** {@code fwd[i] = Π_{u ≤ i} α_u}, {@code bwd[i] = Π_{i < u < L} α_u}. */
    static void decayFactors(float[] alpha, int L, float[] fwd, float[] bwd) {
        float a = 1;
        for (int i = 0; i < L; i++) fwd[i] = a *= alpha[i];
        a = 1;
        for (int i = L - 1; i >= 0; i--) {
            bwd[i] = a;
            a *= alpha[i];
        }
    }

    /** One gate per key channel: sub-blocks (see the class comment). */
    private void channelChunk(int L) {
        // Running products over the rows, vectorized over the channels.
        Arrays.fill(run, 1f);
        for (int i = 0; i < L; i++) {
            Gemm.mul(K, run, 0, alpha, i * K, run, 0);        // a_i
            Gemm.mul(K, qs, i * K, run, 0, qa, i * K);        // Q ⊙ a
        }
        System.arraycopy(run, 0, aLast, 0, K);
        Arrays.fill(run, 1f);
        for (int i = L - 1; i >= 0; i--) {
            Gemm.mul(K, ks, i * K, run, 0, kd, i * K);        // K ⊙ e
            Gemm.mul(K, run, 0, alpha, i * K, run, 0);
        }
        // P: diagonal sub-blocks pair by pair, the others as products.
        for (int i = 0; i < L; i++) Arrays.fill(pm, i * C, i * C + L, 0f);
        for (int j0 = 0; j0 < L; j0 += SUB) {
            int j1 = Math.min(L, j0 + SUB);
            for (int t = j0; t < j1; t++) {
                System.arraycopy(qs, t * K, row, 0, K);
                for (int u = t; u >= j0; u--) {
                    pm[t * C + u] = Gemm.dot(K, row, 0, ks, u * K);
                    if (u > j0) Gemm.mul(K, row, 0, alpha, u * K, row, 0); // weight of u-1: Π_{u-1 < x ≤ t} α_x
                }
            }
            if (j1 >= L) break;
            // Keys of block J decayed to its last row r = j1 - 1; queries after it decayed from r.
            Arrays.fill(run, 1f);
            int nj = j1 - j0;
            for (int u = j1 - 1; u >= j0; u--) {
                Gemm.mul(K, ks, u * K, run, 0, kh, (u - j0) * K);
                Gemm.mul(K, run, 0, alpha, u * K, run, 0);
            }
            Gemm.transpose(nj, K, kh, 0, K, kht, 0, SUB, map);
            Arrays.fill(run, 1f);
            for (int t = j1; t < L; t++) {
                Gemm.mul(K, run, 0, alpha, t * K, run, 0);
                Gemm.mul(K, qs, t * K, run, 0, qh, (t - j1) * K);
            }
            Gemm.multiply(L - j1, nj, K, qh, 0, K, kht, 0, SUB, pm, j1 * C + j0, C, false, false);
        }
        // O = (Q ⊙ a) S + P V
        Gemm.multiply(L, w, K, qa, 0, K, s, 0, w, o, 0, w, false, false);
        Gemm.multiply(L, w, L, pm, 0, C, vs, 0, w, o, 0, w, true, true);
        // S = diag(a_L) S + (K ⊙ e)^T V
        for (int c = 0; c < K; c++) Gemm.scale(w, aLast[c], s, c * w);
        Gemm.multiplyTransposedA(K, w, L, kd, 0, K, vs, 0, w, s, 0, w, true);
    }
}
