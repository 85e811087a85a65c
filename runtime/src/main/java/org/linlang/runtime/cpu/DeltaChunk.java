package org.linlang.runtime.cpu;

import java.util.Arrays;

/**
 * The chunked delta recurrence for one work item (batch, head, value slice), in the WY/UT form.
 * Within a chunk of L tokens, with per-step decays {@code α_t = exp(g_t)} (1 without gate),
 * {@code γ_t = Π_{u ≤ t} α_u}, {@code e_s = Π_{s < u < L} α_u}, {@code Γ_ts = Π_{s < u ≤ t} α_u}:
 * <pre>
 *   A     = strictly-lower(β K Kᵀ ⊙ Γ)
 *   V_new = (I + A)⁻¹ (β ⊙ V − (β γ ⊙ K) S)          = U − W S  with  U = T (β ⊙ V), W = T (β γ ⊙ K), T = (I + A)⁻¹
 *   O     = (Q ⊙ γ) S + (Q Kᵀ ⊙ Γ ⊙ causal mask) V_new
 *   S     = γ_L S + (K ⊙ e)ᵀ V_new
 * </pre>
 * {@code (I + A)⁻¹} is never formed: one forward substitution with the right-hand side
 * {@code β V − (βγ K) S} gives {@code V_new} directly (blocks of 16 rows: a matrix product for the
 * rows already solved, then row by row inside the block). That is fewer flops than forming T, W and
 * U ({@code L² w / 2} instead of {@code L³/6 + L² (K + w) / 2}) and the state product
 * {@code (βγ K) S} is the same size as {@code W S}. The solve runs in f32: A is bounded by
 * {@code β |k|²} and the substitution is measured to add no visible error against the float64
 * recurrence (see docs/cpu-kernels.md). Decay factors are running products, as in
 * {@link DiagonalChunk}: no factor above 1 is ever formed.
 */
final class DeltaChunk {
    private static final int SOLVE_BLOCK = 16;

    private static final ThreadLocal<DeltaChunk> CACHE = new ThreadLocal<>();

    private Problem p;
    private boolean busy;
    private final int C, K, w;
    /** Rows 0..L-1: Q (scaled), then K; later the same rows scaled: Q ⊙ γ, K ⊙ βγ. */
    private final float[] qk;
    /** Rows 0..L-1: Q Kᵀ ⊙ Γ ⊙ mask; rows L..2L-1: -A. */
    private final float[] gm;
    private final float[] kt, vs, ps, vn, s, beta, step, fwd, bwd, gam;
    private final int[] map;

    /**
     * Runs one work item on this thread's workspace, kept from the last call when it is large enough (a
     * call shorter than a chunk uses the rows it needs of a full chunk's workspace): repeated calls then
     * allocate nothing here (a workspace is about {@code 4 (3CK + 2C² + 4Cw + Kw)} bytes).
     */
    static void run(Problem p, int b, int h, int v0, int w) {
        DeltaChunk d = CACHE.get();
        if (d == null || d.busy || d.C < p.chunk || d.K != p.keys || d.w != w) {
            d = new DeltaChunk(Math.max(p.chunk, p.requestedChunk), p.keys, w);
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

    private DeltaChunk(int chunk, int keys, int w) {
        this.C = chunk;
        this.K = keys;
        this.w = w;
        qk = new float[2 * C * K];
        gm = new float[2 * C * C];
        kt = new float[K * C];
        vs = new float[C * w];
        ps = new float[2 * C * w];
        vn = new float[C * w];
        s = new float[K * w];
        beta = new float[C];
        step = new float[C];
        fwd = new float[C];
        bwd = new float[C];
        gam = new float[C];
        map = Gemm.gatherMap(K);
    }

    private void run(int b, int h, int v0) {
        p.loadState(b, h, v0, w, s);
        for (int t0 = 0; t0 < p.time; t0 += p.chunk) {
            int L = Math.min(p.chunk, p.time - t0);
            load(b, h, v0, t0, L);
            chunk(L);
            for (int i = 0; i < L; i++) p.out.write(b, t0 + i, h, v0, ps, i * w, w);
        }
        p.storeState(b, h, v0, w, s);
    }

    private void load(int b, int h, int v0, int t0, int L) {
        for (int i = 0; i < L; i++) {
            p.q.read(b, t0 + i, h, qk, i * K);
            p.k.read(b, t0 + i, h, qk, (L + i) * K);
            p.v.read(b, t0 + i, h, v0, vs, i * w, w);
            beta[i] = p.beta.scalar(b, t0 + i, h);
        }
        Gemm.scale(L * K, p.scale, qk, 0);
        boolean gated = p.gate == Checks.HEAD_GATE;
        for (int i = 0; i < L; i++) step[i] = gated ? (float) Math.exp(p.g.scalar(b, t0 + i, h)) : 1f;
        DiagonalChunk.decayFactors(step, L, fwd, bwd);
    }

    private void chunk(int L) {
        boolean gated = p.gate == Checks.HEAD_GATE;
        int kRows = L * K;
        // [Q; K] Kᵀ: Q Kᵀ in rows 0..L-1, K Kᵀ in rows L..2L-1.
        Gemm.transpose(L, K, qk, kRows, K, kt, 0, C, map);
        Gemm.multiply(2 * L, L, K, qk, 0, K, kt, 0, C, gm, 0, C, false, false);
        Arrays.fill(gam, 0, L, 0f);
        for (int i = 0; i < L; i++) {
            int r = i * C, a = (L + i) * C;
            if (gated) {
                Gemm.scale(i, step[i], gam, 0); // Γ_ij = Γ_(i-1)j · α_i
                gam[i] = 1;
                Gemm.mul(i + 1, gm, r, gam, 0, gm, r);
                Gemm.mul(i, gm, a, gam, 0, gm, a);
            }
            Arrays.fill(gm, r + i + 1, r + L, 0f);
            Gemm.scale(i, -beta[i], gm, a);
            Arrays.fill(gm, a + i, a + L, 0f);
        }
        // [Q ⊙ γ; K ⊙ βγ] S
        for (int i = 0; i < L; i++) {
            if (gated) Gemm.scale(K, fwd[i], qk, i * K);
            Gemm.scale(K, beta[i] * fwd[i], qk, kRows + i * K);
        }
        Gemm.multiply(2 * L, w, K, qk, 0, K, s, 0, w, ps, 0, w, false, false);
        // V_new: (I + A) V_new = β V - (βγ K) S
        for (int i = 0; i < L; i++) {
            int r = i * w;
            System.arraycopy(ps, (L + i) * w, vn, r, w);
            Gemm.scale(w, -1f, vn, r);
            Gemm.axpy(w, beta[i], vs, r, vn, r);
        }
        solve(L);
        // O = (Q ⊙ γ) S + (Q Kᵀ ⊙ Γ ⊙ mask) V_new, into ps rows 0..L-1
        Gemm.multiply(L, w, L, gm, 0, C, vn, 0, w, ps, 0, w, true, true);
        // S = γ_L S + (K ⊙ e)ᵀ V_new, with Kᵀ's columns scaled by e
        if (gated) {
            Gemm.scale(K * w, fwd[L - 1], s, 0);
            for (int c = 0; c < K; c++) Gemm.mul(L, kt, c * C, bwd, 0, kt, c * C);
        }
        Gemm.multiply(K, w, L, kt, 0, C, vn, 0, w, s, 0, w, true, false);
    }

    /** Forward substitution on {@code vn} in place, with {@code -A} in rows L..2L-1 of {@code gm}. */
    private void solve(int L) {
        for (int i0 = 0; i0 < L; i0 += SOLVE_BLOCK) {
            int i1 = Math.min(L, i0 + SOLVE_BLOCK);
            if (i0 > 0) Gemm.multiply(i1 - i0, w, i0, gm, (L + i0) * C, C, vn, 0, w, vn, i0 * w, w, true, false);
            for (int i = i0 + 1; i < i1; i++) {
                int a = (L + i) * C;
                for (int j = i0; j < i; j++) Gemm.axpy(w, gm[a + j], vn, j * w, vn, i * w);
            }
        }
    }
}
