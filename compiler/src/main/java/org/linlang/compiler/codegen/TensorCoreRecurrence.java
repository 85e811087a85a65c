package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.codegen.RecurrenceSpec.Gate;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * The tensor-core form of the chunked recurrence kernel (diagonal and delta, gate none or per
 * head): the CUDA specialisation whose portable twin is {@link RecurrenceKernels#chunked}. It
 * computes the same sums (ALGORITHMS.md skeletons 3 and 4, state kept on chip across chunks of
 * L = 64), but every chunk product is done on 16×16×16 tiles in shared memory by the prelude's
 * {@code TILE_MMA_16x16x16} ({@code nvcuda::wmma} with bf16 operands and f32 accumulation on
 * sm_80+; a portable f32 emulation in OpenCL C, which is how this exact text is tested on PoCL).
 *
 * <p>One work-group of 128 items (4 warps; each warp owns whole output tiles) per (batch, head,
 * tile of {@code VT} value columns). The state tile {@code S[K, VT]} stays in shared memory in f32
 * for the whole sequence. Per chunk, with keys staged 16 columns at a time ({@code Kc} row-major,
 * {@code Kᵀ} row-major, {@code Q}, and the state rows as bf16):
 * <ol>
 *   <li>delta: {@code A = K Kᵀ} (lower tiles only) and {@code W = K S}; then {@code A ← strictly-lower(β Γ ⊙ A)},
 *       {@code rhs = β ⊙ (V − γ ⊙ W)}, and the forward substitution {@code (I + A) U = rhs}, one item per
 *       value column, in f32 (the cpu engine's and the portable kernel's solve);
 *       diagonal: {@code U = V};</li>
 *   <li>{@code P = Q Kᵀ} (lower tiles) and {@code O = Q S}; {@code P ← causal(Γ ⊙ P)}, {@code O ← γ ⊙ O};
 *       {@code O += P U}; {@code o = scale · O};</li>
 *   <li>{@code S ← γ_L S + Kᵀ (U ⊙ γ_L/γ)}.</li>
 * </ol>
 * Γ and γ are {@code exp} of differences of cumulative log-decays restarted at each chunk, as in
 * the portable kernel. On CUDA the operands of the tile products are rounded to bf16 (q, k, v are
 * bf16 already; P, U and S are rounded where they enter a product), the accumulators are f32.
 */
public final class TensorCoreRecurrence {
    private TensorCoreRecurrence() {}

    /** The chunk length. */
    public static final int L = 64;
    /** Items per work-group: 4 warps of 32. */
    public static final int LOCAL = 128;
    static final int WARPS = LOCAL / 32;
    /** Key columns staged per step of the products over K. */
    static final int KB = 16;

    /** The form's name in listings ({@code lin kernels --engine cuda}). */
    public static final String FORM = "chunked, tensor cores (wmma bf16)";

    /** Why a spec has no tensor-core form, or null when it has one. */
    public static String refusal(RecurrenceSpec s) {
        if (s.gate() == Gate.CHANNEL) return "a per-channel gate (GLA) has no tensor-core form yet (it needs the 16×16 sub-block split)";
        if (s.inputs() != DType.BF16) return "the inputs are " + s.inputs().lin() + ", the tensor-core form takes bf16 q, k, v";
        for (String role : List.of("q", "k", "v")) {
            if (!s.pieces().direct().containsKey(role)) return "the " + role + " piece is an expression, which the tensor-core form would round to bf16";
        }
        if (s.k() % 16 != 0 || s.v() % 16 != 0) return "K=" + s.k() + " and V=" + s.v() + " must be multiples of 16 for 16×16 tiles";
        if (valueTile(s) == 0) return "the shared arrays at K=" + s.k() + " do not fit " + LaunchConfig.MAX_STATIC_SHARED + " bytes of static shared memory";
        return null;
    }

    /** Whether the spec has a tensor-core form. */
    public static boolean eligible(RecurrenceSpec s) { return refusal(s) == null; }

    /** Value columns per work-group: the widest of 64, 32, 16 that divides V and fits the static shared memory; 0 if none. */
    static int valueTile(RecurrenceSpec s) {
        for (int vt : new int[] {64, 32, 16}) {
            if (s.v() % vt == 0 && sharedBytes(s, vt) <= LaunchConfig.MAX_STATIC_SHARED - 1024) return vt;
        }
        return 0;
    }

    /** Rows of Kᵀ staged per step of the state update: a multiple of 16 that divides K, at most 64. */
    static int updateRows(int k) {
        int r = Math.min(64, k);
        while (k % r != 0) r -= 16;
        return r;
    }

    /** Elements of the staging region of {@code tc_t}: the key, query, Kᵀ and state slices, or P as bf16, or the Kᵀ rows of the update. */
    static int staging(RecurrenceSpec s, int vt) { return Math.max(Math.max(3 * L * KB + KB * vt, L * L), updateRows(s.k()) * L); }

    /** Shared memory on CUDA (bf16 operands): f32 P, O and S; the operand pool; the gates. */
    static int sharedBytes(RecurrenceSpec s, int vt) {
        int floats = L * L + L * vt + s.k() * vt + (s.gate() == Gate.HEAD ? L : 0) + (s.delta() ? L : 0);
        int halves = staging(s, vt) + 2 * L * vt;
        return 4 * floats + 2 * halves;
    }

    /**
     * The kernel; {@code bh} is B·H: it is launched over B·H·(V / VT) groups of {@link #LOCAL} items.
     * Its parameters are the portable chunked kernel's, in the same order.
     */
    public static KernelSource chunked(String name, RecurrenceSpec s, Dim bh) {
        String why = refusal(s);
        if (why != null) throw new CodegenException("no tensor-core form for " + s.tag() + ": " + why);
        int K = s.k(), V = s.v(), VT = valueTile(s), tiles = V / VT, NTV = VT / 16, NT = L / 16, KU = updateRows(K);
        int nLow = NT * (NT + 1) / 2, nOut = NT * NTV;
        boolean head = s.gate() == Gate.HEAD;
        // offsets: F (f32) = P | O | S; X (tc_t) = staging (Qc | Kc | Kᵀ | S rows, or Pb, or Kᵀ rows) | U | U·decay
        int oO = L * L, oS = oO + L * VT, nF = oS + K * VT;
        int xQ = 0, xK = L * KB, xT = 2 * L * KB, xS = 3 * L * KB, xU = staging(s, VT), xW = xU + L * VT, nX = xW + L * VT;
        List<KernelParam> params = RecurrenceKernels.params(s);
        var b = new StringBuilder();
        b.append(RecurrenceKernels.signature(name, params)).append(" {\n");
        b.append("    LOCAL_MEM TC_ALIGN float F[").append(nF).append("];\n");
        b.append("    LOCAL_MEM TC_ALIGN tc_t X[").append(nX).append("];\n");
        if (head) b.append("    LOCAL_MEM float G[").append(L).append("];\n");
        if (s.delta()) b.append("    LOCAL_MEM float Bt[").append(L).append("];\n");
        b.append("    i32 lid = LOCAL_ID;\n");
        b.append("    i32 warp = lid / 32;\n");
        b.append("    i64 grp = GROUP_ID;\n");
        b.append("    i64 bh = grp / (i64)").append(tiles).append(";\n");
        b.append("    i64 c0 = (grp % (i64)").append(tiles).append(") * ").append(VT).append(";\n");
        b.append("    i64 h = bh % n_H;\n");
        b.append("    i64 bi = bh / n_H;\n");
        b.append(loop("e", K * VT)).append(" F[").append(oS).append(" + e] = ")
                .append(s.initialState() ? "s0[(bh * " + K + " + e / " + VT + ") * (i64)" + V + " + c0 + e % " + VT + "]" : "0.0f").append(";\n");
        b.append("    BARRIER();\n");
        b.append("    for (i64 t0 = 0; t0 < n_T; t0 += ").append(L).append(") {\n");
        b.append("        i32 len = (i32)(n_T - t0 < ").append(L).append(" ? n_T - t0 : ").append(L).append(");\n");
        b.append("        i64 row0 = (bi * n_T + t0) * n_H + h;\n");
        String gam = head ? "EXPF(G[t] - G[j])" : "1.0f";        // decay from step j to step t of the chunk
        String gst = head ? "EXPF(G[t])" : "1.0f";               // decay from the chunk start to step t
        String gend = head ? "EXPF(G[len - 1] - G[t])" : "1.0f"; // decay from step t to the chunk end
        if (head) {
            b.append("        if (lid == 0) {\n");
            b.append("            float run = 0.0f;\n");
            b.append("            for (i32 t = 0; t < len; t++) { run += ").append(ld(s, "g", "row0 + t * n_H", null)).append("; G[t] = run; }\n");
            b.append("        }\n");
        }
        if (s.delta()) {
            b.append("    ").append(loop("t", L)).append(" Bt[t] = t < len ? ").append(ld(s, "beta", "row0 + t * n_H", null)).append(" : 0.0f;\n");
        }
        b.append("        BARRIER();\n");
        if (s.delta()) {
            b.append("        // A = K Kᵀ (lower tiles), W = K S\n");
            products(b, s, "k", xK, nLow, nOut, NTV, VT, oO, xQ, xK, xT, xS, oS, K);
            b.append("    ").append(loop("e", L * L)).append(" { i32 t = e / ").append(L).append(", j = e % ").append(L)
                    .append("; F[e] = j < t && t < len ? Bt[t] * ").append(gam).append(" * F[e] : 0.0f; }\n");
            b.append("    ").append(loop("e", L * VT)).append(" { i32 t = e / ").append(VT).append(", c = e % ").append(VT)
                    .append("; F[").append(oO).append(" + e] = t < len ? Bt[t] * (").append(ld(s, "v", "row0 + t * n_H", "c0 + c"))
                    .append(" - ").append(gst).append(" * F[").append(oO).append(" + e]) : 0.0f; }\n");
            b.append("        BARRIER();\n");
            b.append("        // (I + A) U = rhs by forward substitution, one item per value column, in place\n");
            b.append("        if (lid < ").append(VT).append(") {\n");
            b.append("            for (i32 t = 1; t < len; t++) {\n");
            b.append("                float r = F[").append(oO).append(" + t * ").append(VT).append(" + lid];\n");
            b.append("                for (i32 j = 0; j < t; j++) r -= F[t * ").append(L).append(" + j] * F[").append(oO).append(" + j * ").append(VT).append(" + lid];\n");
            b.append("                F[").append(oO).append(" + t * ").append(VT).append(" + lid] = r;\n");
            b.append("            }\n");
            b.append("        }\n");
            b.append("        BARRIER();\n");
            b.append("    ").append(loop("e", L * VT)).append(" { i32 t = e / ").append(VT).append("; float u = F[").append(oO)
                    .append(" + e]; X[").append(xU).append(" + e] = TC_CVT(u); X[").append(xW).append(" + e] = TC_CVT(t < len ? u * ")
                    .append(gend).append(" : 0.0f); }\n");
        } else {
            b.append("    ").append(loop("e", L * VT)).append(" { i32 t = e / ").append(VT).append(", c = e % ").append(VT)
                    .append("; float u = t < len ? ").append(ld(s, "v", "row0 + t * n_H", "c0 + c")).append(" : 0.0f; X[").append(xU)
                    .append(" + e] = TC_CVT(u); X[").append(xW).append(" + e] = TC_CVT(t < len ? u * ").append(gend).append(" : 0.0f); }\n");
        }
        b.append("        BARRIER();\n");
        b.append("        // P = Q Kᵀ (lower tiles), O = Q S\n");
        products(b, s, "q", xQ, nLow, nOut, NTV, VT, oO, xQ, xK, xT, xS, oS, K);
        b.append("    ").append(loop("e", L * L)).append(" { i32 t = e / ").append(L).append(", j = e % ").append(L)
                .append("; X[e] = TC_CVT(j <= t && t < len ? ").append(gam).append(" * F[e] : 0.0f); }\n");
        if (head) {
            b.append("    ").append(loop("e", L * VT)).append(" { i32 t = e / ").append(VT).append("; F[").append(oO).append(" + e] *= ")
                    .append("t < len ? ").append(gst).append(" : 0.0f; }\n");
        }
        b.append("        BARRIER();\n");
        b.append("        // O += P U\n");
        b.append("        for (i32 p = warp; p < ").append(nOut).append("; p += ").append(WARPS).append(") {\n");
        b.append("            i32 ti = p / ").append(NTV).append(", tc = p % ").append(NTV).append(";\n");
        b.append("            for (i32 tj = 0; tj <= ti; tj++) TILE_MMA_16x16x16(X + ti * ").append(16 * L).append(" + tj * 16, ").append(L)
                .append(", X + ").append(xU).append(" + tj * ").append(16 * VT).append(" + tc * 16, ").append(VT)
                .append(", F + ").append(oO).append(" + ti * ").append(16 * VT).append(" + tc * 16, ").append(VT).append(");\n");
        b.append("        }\n");
        b.append("        BARRIER();\n");
        b.append("    ").append(loop("e", L * VT)).append(" {\n");
        b.append("            i32 t = e / ").append(VT).append(", c = e % ").append(VT).append(";\n");
        b.append("            if (t < len) ").append(CTypes.store(s.output(), "o", "(row0 + t * n_H) * " + V + " + c0 + c",
                CTypes.floatLiteral(s.scale()) + " * F[" + oO + " + e]")).append("\n");
        b.append("        }\n");
        if (head) b.append("    ").append(loop("e", K * VT)).append(" F[").append(oS).append(" + e] *= EXPF(G[len - 1]);\n");
        b.append("        // S += Kᵀ (U ⊙ decay to the chunk end), ").append(KU).append(" rows of Kᵀ at a time\n");
        b.append("        for (i32 kk = 0; kk < ").append(K).append("; kk += ").append(KU).append(") {\n");
        b.append("            BARRIER();\n");
        b.append("        ").append(loop("e", KU * L)).append(" { i32 i = e / ").append(L).append(", j = e % ").append(L)
                .append("; X[e] = TC_CVT(j < len ? ").append(ld(s, "k", "row0 + j * n_H", "kk + i")).append(" : 0.0f); }\n");
        b.append("            BARRIER();\n");
        b.append("            for (i32 p = warp; p < ").append(KU / 16 * NTV).append("; p += ").append(WARPS).append(") {\n");
        b.append("                i32 ti = p / ").append(NTV).append(", tc = p % ").append(NTV).append(";\n");
        b.append("                for (i32 tj = 0; tj < ").append(NT).append("; tj++) TILE_MMA_16x16x16(X + ti * ").append(16 * L).append(" + tj * 16, ")
                .append(L).append(", X + ").append(xW).append(" + tj * ").append(16 * VT).append(" + tc * 16, ").append(VT)
                .append(", F + ").append(oS).append(" + (kk + ti * 16) * ").append(VT).append(" + tc * 16, ").append(VT).append(");\n");
        b.append("            }\n");
        b.append("        }\n");
        b.append("        BARRIER();\n");
        b.append("    }\n");
        if (s.finalState()) {
            b.append(loop("e", K * VT)).append(" s1[(bh * ").append(K).append(" + e / ").append(VT).append(") * (i64)").append(V)
                    .append(" + c0 + e % ").append(VT).append("] = F[").append(oS).append(" + e];\n");
        }
        b.append("}\n");
        Dim threads = bh == null ? null : bh.times(Dim.of((long) tiles * LOCAL));
        return new KernelSource(name, b.toString(), params, new LaunchConfig(threads, LOCAL, sharedBytes(s, VT)),
                FORM + " " + s.tag() + " L=" + L + " VT=" + VT);
    }

    /**
     * The products over K of one phase, accumulated into zeroed f32 tiles: with {@code left} = k,
     * {@code A = K Kᵀ} and {@code W = K S}; with {@code left} = q, {@code P = Q Kᵀ} and {@code O = Q S}.
     * Per 16 key columns: stage the left operand's slice ({@code L×16}), Kᵀ's slice ({@code 16×L}) and
     * the state rows ({@code 16×VT}, rounded to the operand type), then each warp does its tiles.
     */
    private static void products(StringBuilder b, RecurrenceSpec s, String left, int xLeft, int nLow, int nOut, int NTV, int VT, int oO,
                                 int xQ, int xK, int xT, int xS, int oS, int K) {
        b.append("    ").append(loop("e", L * L)).append(" F[e] = 0.0f;\n");
        b.append("    ").append(loop("e", L * VT)).append(" F[").append(oO).append(" + e] = 0.0f;\n");
        b.append("        for (i32 kk = 0; kk < ").append(K).append("; kk += ").append(KB).append(") {\n");
        b.append("        ").append(loop("e", L * KB)).append(" {\n");
        b.append("                i32 t = e / ").append(KB).append(", i = e % ").append(KB).append(";\n");
        b.append("                i64 rt = row0 + t * n_H;\n");
        b.append("                float kv = t < len ? ").append(ld(s, "k", "rt", "kk + i")).append(" : 0.0f;\n");
        b.append("                X[").append(xT).append(" + i * ").append(L).append(" + t] = TC_CVT(kv);\n");
        if (left.equals("k")) b.append("                X[").append(xK).append(" + e] = TC_CVT(kv);\n");
        else b.append("                X[").append(xQ).append(" + e] = TC_CVT(t < len ? ").append(ld(s, "q", "rt", "kk + i")).append(" : 0.0f);\n");
        b.append("            }\n");
        b.append("        ").append(loop("e", KB * VT)).append(" X[").append(xS).append(" + e] = TC_CVT(F[").append(oS).append(" + kk * ")
                .append(VT).append(" + e]);\n");
        b.append("            BARRIER();\n");
        b.append("            for (i32 p = warp; p < ").append(nLow + nOut).append("; p += ").append(WARPS).append(") {\n");
        b.append("                if (p < ").append(nLow).append(") {\n");
        b.append("                    i32 ti = 0;\n");
        b.append("                    while ((ti + 1) * (ti + 2) / 2 <= p) ti++;\n");
        b.append("                    i32 tj = p - ti * (ti + 1) / 2;\n");
        b.append("                    TILE_MMA_16x16x16(X + ").append(xLeft).append(" + ti * ").append(16 * KB).append(", ").append(KB)
                .append(", X + ").append(xT).append(" + tj * 16, ").append(L).append(", F + ti * ").append(16 * L).append(" + tj * 16, ").append(L).append(");\n");
        b.append("                } else {\n");
        b.append("                    i32 ti = (p - ").append(nLow).append(") / ").append(NTV).append(", tc = (p - ").append(nLow).append(") % ").append(NTV).append(";\n");
        b.append("                    TILE_MMA_16x16x16(X + ").append(xLeft).append(" + ti * ").append(16 * KB).append(", ").append(KB)
                .append(", X + ").append(xS).append(" + tc * 16, ").append(VT).append(", F + ").append(oO).append(" + ti * ").append(16 * VT)
                .append(" + tc * 16, ").append(VT).append(");\n");
        b.append("                }\n");
        b.append("            }\n");
        b.append("            BARRIER();\n");
        b.append("        }\n");
    }

    /** {@code for (i32 VAR = lid; VAR < N; VAR += LOCAL)}: the group's items over N elements. */
    private static String loop(String var, int n) {
        return "    for (i32 " + var + " = lid; " + var + " < " + n + "; " + var + " += " + LOCAL + ")";
    }

    private static String ld(RecurrenceSpec s, String piece, String row, String index) { return s.pieces().load(piece, row, index); }

    /** Every variant the tests and the GPU suite compile: diagonal and delta, gate none and per head. */
    public static List<RecurrenceSpec> variants(int k, int v, boolean states) {
        var out = new ArrayList<RecurrenceSpec>();
        for (boolean delta : new boolean[] {false, true}) {
            for (Gate g : List.of(Gate.NONE, Gate.HEAD)) {
                out.add(new RecurrenceSpec(delta, g, k, v, Math.pow(k, -0.5), DType.BF16, DType.F32, DType.BF16, states, states));
            }
        }
        return out;
    }
}
