package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.codegen.RecurrenceSpec.Gate;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * The recurrence kernels of the diagonal and delta families, in the portable form, following the
 * cpu engine's algorithms (docs/cpu-kernels.md) so that both engines compute the same sums:
 *
 * <ul>
 *   <li><b>sequential</b> ("fused recurrent", ALGORITHMS.md skeleton 1): one work item per (batch,
 *       head, value column); the column {@code S[:, c]} of the state stays in K f32 registers for
 *       the whole sequence. The columns of the state never mix, so the items are independent.
 *       Decay first, then the write (and for delta the read {@code kᵀ S} of the decayed state).</li>
 *   <li><b>chunked</b> (skeletons 3 and 4, state kept on chip across chunks): one work-group per
 *       (batch, head, tile of value columns), chunks of L steps in order. Per chunk the group
 *       computes together the cumulative log-decay from the chunk start, the decayed scores
 *       {@code P = (Q Kᵀ ⊙ Γ) ⊙ causal} and for delta {@code A = strictly-lower(β K Kᵀ ⊙ Γ)} in
 *       local memory; then each item finishes its own column: for delta the forward substitution
 *       {@code (I + A) u = β ⊙ (v − γ ⊙ K S)} (the WY/UT solve without forming the inverse, as the
 *       cpu engine does), the output {@code o = scale · ((Q ⊙ γ) S + P u)} and the state
 *       {@code S ← γ_L S + (K ⊙ γ_L/γ)ᵀ u}. Every exponent is a difference {@code G_t − G_s ≤ 0}
 *       of cumulative log-decays restarted at the chunk start, so nothing overflows.</li>
 * </ul>
 * Accumulation, states, P, A and the solve are f32 for every input type.
 */
public final class RecurrenceKernels {
    private RecurrenceKernels() {}

    /** Items per work-group of the sequential kernel. */
    static final int SEQUENTIAL_LOCAL = 64;

    /** The chunk length: 64 as in the cpu engine, halved while the local arrays would exceed the shared memory limit. */
    public static int chunk(RecurrenceSpec s) {
        int l = 64;
        while (l > 8 && sharedBytes(s, l) > LaunchConfig.MAX_STATIC_SHARED - 1024) l /= 2;
        return l;
    }

    static int sharedBytes(RecurrenceSpec s, int l) {
        int floats = l * l + (s.delta() ? l * l + l : 0) + (s.gate() == Gate.CHANNEL ? l * s.k() : s.gate() == Gate.HEAD ? l : 0);
        return 4 * floats;
    }

    /** Work items (value columns) per group of the chunked kernel. */
    public static int chunkedLocal(RecurrenceSpec s) { return Math.min(64, (s.v() + 31) / 32 * 32); }

    /** Buffer and size parameters shared by both kernels, in order. */
    static List<KernelParam> params(RecurrenceSpec s) {
        var p = new ArrayList<KernelParam>();
        for (RecurrencePieces.Input in : s.pieces().inputs().values()) p.add(KernelParam.buffer(in.buffer(), in.dtype(), null, false));
        if (s.initialState()) p.add(KernelParam.buffer("s0", DType.F32, null, false));
        p.add(KernelParam.buffer("o", s.output(), null, true));
        if (s.finalState()) p.add(KernelParam.buffer("s1", DType.F32, null, true));
        p.add(KernelParam.sizeOf("n_B", null));
        p.add(KernelParam.sizeOf("n_T", null));
        p.add(KernelParam.sizeOf("n_H", null));
        return p;
    }

    static String signature(String name, List<KernelParam> params) {
        return "KERNEL " + name + "(" + String.join(", ", params.stream().map(KernelParam::declaration).toList()) + ")";
    }

    /** A piece at a step row (element {@code index} of it; null for a per-step scalar), computed from the inputs. */
    private static String ld(RecurrenceSpec s, String piece, String row, String index) {
        return s.pieces().load(piece, row, index);
    }

    /** The sequential kernel; {@code threads} is B·H·V (launch it over that count). */
    public static KernelSource sequential(String name, RecurrenceSpec s, Dim threads) {
        int K = s.k(), V = s.v();
        var b = new StringBuilder();
        List<KernelParam> params = params(s);
        b.append(signature(name, params)).append(" {\n");
        b.append("    i64 gid = GLOBAL_ID;\n");
        b.append("    if (gid >= n_B * n_H * (i64)").append(V).append(") return;\n");
        b.append("    i64 c = gid % (i64)").append(V).append(";\n");
        b.append("    i64 bh = gid / (i64)").append(V).append(";\n");
        b.append("    i64 h = bh % n_H;\n");
        b.append("    i64 bi = bh / n_H;\n");
        b.append("    float S[").append(K).append("];\n");
        b.append("    for (i32 i = 0; i < ").append(K).append("; i++) S[i] = ")
                .append(s.initialState() ? "s0[(bh * " + K + " + i) * (i64)" + V + " + c]" : "0.0f").append(";\n");
        b.append("    for (i64 t = 0; t < n_T; t++) {\n");
        b.append("        i64 row = (bi * n_T + t) * n_H + h;\n");
        b.append("        float vt = ").append(ld(s, "v", "row", "c")).append(";\n");
        if (s.delta()) {
            if (s.gate() == Gate.HEAD) b.append("        float gamma = EXPF(").append(ld(s, "g", "row", null)).append(");\n");
            b.append("        float ks = 0.0f;\n");
            b.append("        for (i32 i = 0; i < ").append(K).append("; i++) {\n");
            if (s.gate() == Gate.HEAD) b.append("            S[i] *= gamma;\n");
            b.append("            ks += ").append(ld(s, "k", "row", "i")).append(" * S[i];\n");
            b.append("        }\n");
            b.append("        float u = ").append(ld(s, "beta", "row", null)).append(" * (vt - ks);\n");
            b.append("        for (i32 i = 0; i < ").append(K).append("; i++) S[i] += ").append(ld(s, "k", "row", "i")).append(" * u;\n");
        } else {
            if (s.gate() == Gate.HEAD) b.append("        float alpha = EXPF(").append(ld(s, "g", "row", null)).append(");\n");
            b.append("        for (i32 i = 0; i < ").append(K).append("; i++) {\n");
            String decayed = switch (s.gate()) {
                case NONE -> "S[i]";
                case HEAD -> "alpha * S[i]";
                case CHANNEL -> "EXPF(" + ld(s, "g", "row", "i") + ") * S[i]";
            };
            b.append("            S[i] = ").append(decayed).append(" + ").append(ld(s, "k", "row", "i")).append(" * vt;\n");
            b.append("        }\n");
        }
        b.append("        float acc = 0.0f;\n");
        b.append("        for (i32 i = 0; i < ").append(K).append("; i++) acc += ").append(ld(s, "q", "row", "i")).append(" * S[i];\n");
        b.append("        ").append(CTypes.store(s.output(), "o", "row * " + V + " + c", CTypes.floatLiteral(s.scale()) + " * acc")).append("\n");
        b.append("    }\n");
        if (s.finalState()) {
            b.append("    for (i32 i = 0; i < ").append(K).append("; i++) s1[(bh * ").append(K).append(" + i) * (i64)").append(V).append(" + c] = S[i];\n");
        }
        b.append("}\n");
        return new KernelSource(name, b.toString(), params, new LaunchConfig(threads, SEQUENTIAL_LOCAL, 0),
                "sequential " + s.tag());
    }

    /**
     * The chunked kernel; {@code bh} is B·H: it is launched over B·H·⌈V / local⌉ groups of
     * {@link #chunkedLocal} items.
     */
    public static KernelSource chunked(String name, RecurrenceSpec s, Dim bh) {
        int K = s.k(), V = s.v(), L = chunk(s), LS = chunkedLocal(s);
        boolean head = s.gate() == Gate.HEAD, channel = s.gate() == Gate.CHANNEL;
        int tiles = (V + LS - 1) / LS;
        List<KernelParam> params = params(s);
        var b = new StringBuilder();
        b.append(signature(name, params)).append(" {\n");
        b.append("    LOCAL_MEM float P[").append(L * L).append("];\n");
        if (s.delta()) {
            b.append("    LOCAL_MEM float A[").append(L * L).append("];\n");
            b.append("    LOCAL_MEM float Bt[").append(L).append("];\n");
        }
        if (head) b.append("    LOCAL_MEM float G[").append(L).append("];\n");
        if (channel) b.append("    LOCAL_MEM float G[").append(L * K).append("];\n");
        b.append("    i64 grp = GROUP_ID;\n");
        b.append("    i32 lid = LOCAL_ID;\n");
        b.append("    i64 bh = grp / (i64)").append(tiles).append(";\n");
        b.append("    i64 c = (grp % (i64)").append(tiles).append(") * ").append(LS).append(" + lid;\n");
        b.append("    i64 h = bh % n_H;\n");
        b.append("    i64 bi = bh / n_H;\n");
        b.append("    i32 active = c < (i64)").append(V).append(";\n");
        b.append("    float S[").append(K).append("];\n");
        b.append("    for (i32 i = 0; i < ").append(K).append("; i++) S[i] = ")
                .append(s.initialState() ? "active ? s0[(bh * " + K + " + i) * (i64)" + V + " + c] : 0.0f" : "0.0f").append(";\n");
        if (s.delta()) b.append("    float u[").append(L).append("];\n");
        b.append("    for (i64 c0 = 0; c0 < n_T; c0 += ").append(L).append(") {\n");
        b.append("        i32 len = (i32)(n_T - c0 < ").append(L).append(" ? n_T - c0 : ").append(L).append(");\n");
        b.append("        i64 row0 = (bi * n_T + c0) * n_H + h;\n");
        // the row of step t of this chunk in a [B, T, H] layout is row0 + t * n_H
        if (head) {
            b.append("        if (lid == 0) {\n");
            b.append("            float run = 0.0f;\n");
            b.append("            for (i32 t = 0; t < len; t++) { run += ").append(ld(s, "g", "row0 + t * n_H", null)).append("; G[t] = run; }\n");
            b.append("        }\n");
        }
        if (channel) {
            b.append("        for (i32 i = lid; i < ").append(K).append("; i += ").append(LS).append(") {\n");
            b.append("            float run = 0.0f;\n");
            b.append("            for (i32 t = 0; t < len; t++) { run += ").append(ld(s, "g", "row0 + t * n_H", "i"))
                    .append("; G[t * ").append(K).append(" + i] = run; }\n");
            b.append("        }\n");
        }
        if (s.delta()) {
            b.append("        for (i32 t = lid; t < len; t += ").append(LS).append(") Bt[t] = ").append(ld(s, "beta", "row0 + t * n_H", null)).append(";\n");
        }
        b.append("        BARRIER();\n");
        b.append("        for (i32 p = lid; p < len * len; p += ").append(LS).append(") {\n");
        b.append("            i32 t = p / len;\n");
        b.append("            i32 j = p % len;\n");
        b.append("            float qk = 0.0f;\n");
        if (s.delta()) b.append("            float kk = 0.0f;\n");
        b.append("            if (j <= t) {\n");
        b.append("                i64 rt = row0 + t * n_H;\n");
        b.append("                i64 rj = row0 + j * n_H;\n");
        b.append("                for (i32 i = 0; i < ").append(K).append("; i++) {\n");
        b.append("                    float kji = ").append(ld(s, "k", "rj", "i")).append(";\n");
        String decay = channel ? " * EXPF(G[t * " + K + " + i] - G[j * " + K + " + i])" : "";
        b.append("                    qk += ").append(ld(s, "q", "rt", "i")).append(" * kji").append(decay).append(";\n");
        if (s.delta()) b.append("                    kk += ").append(ld(s, "k", "rt", "i")).append(" * kji;\n");
        b.append("                }\n");
        if (head) {
            b.append("                float gam = EXPF(G[t] - G[j]);\n");
            b.append("                qk *= gam;\n");
            if (s.delta()) b.append("                kk *= gam;\n");
        }
        b.append("            }\n");
        b.append("            P[t * ").append(L).append(" + j] = qk;\n");
        if (s.delta()) b.append("            A[t * ").append(L).append(" + j] = j < t ? Bt[t] * kk : 0.0f;\n");
        b.append("        }\n");
        b.append("        BARRIER();\n");
        b.append("        if (active) {\n");
        String gStart = head ? "EXPF(G[t])" : null;
        String gEnd = head ? "EXPF(G[len - 1])" : null;
        if (s.delta()) {
            b.append("            for (i32 t = 0; t < len; t++) {\n");
            b.append("                i64 rt = row0 + t * n_H;\n");
            b.append("                float ks = 0.0f;\n");
            b.append("                for (i32 i = 0; i < ").append(K).append("; i++) ks += ").append(ld(s, "k", "rt", "i")).append(" * S[i];\n");
            b.append("                float rhs = Bt[t] * (").append(ld(s, "v", "rt", "c"))
                    .append(" - ").append(head ? gStart + " * " : "").append("ks);\n");
            b.append("                for (i32 j = 0; j < t; j++) rhs -= A[t * ").append(L).append(" + j] * u[j];\n");
            b.append("                u[t] = rhs;\n");
            b.append("            }\n");
        }
        String val = s.delta() ? "u[j]" : ld(s, "v", "row0 + j * n_H", "c");
        b.append("            for (i32 t = 0; t < len; t++) {\n");
        b.append("                i64 rt = row0 + t * n_H;\n");
        b.append("                float inter = 0.0f;\n");
        String qDecay = channel ? " * EXPF(G[t * " + K + " + i])" : "";
        b.append("                for (i32 i = 0; i < ").append(K).append("; i++) inter += ").append(ld(s, "q", "rt", "i")).append(qDecay).append(" * S[i];\n");
        b.append("                float intra = 0.0f;\n");
        b.append("                for (i32 j = 0; j <= t; j++) intra += P[t * ").append(L).append(" + j] * ").append(val).append(";\n");
        b.append("                float ot = ").append(CTypes.floatLiteral(s.scale())).append(" * (").append(head ? gStart + " * " : "").append("inter + intra);\n");
        b.append("                ").append(CTypes.store(s.output(), "o", "(row0 + t * n_H) * " + V + " + c", "ot")).append("\n");
        b.append("            }\n");
        // state passing: S <- gamma_L S + sum_j k_j (gamma_L / gamma_j) val_j
        b.append("            for (i32 i = 0; i < ").append(K).append("; i++) {\n");
        String endDecay = channel ? "EXPF(G[(len - 1) * " + K + " + i])" : gEnd;
        b.append("                float acc = ").append(endDecay == null ? "S[i]" : endDecay + " * S[i]").append(";\n");
        String between = channel ? " * EXPF(G[(len - 1) * " + K + " + i] - G[j * " + K + " + i])"
                : head ? " * EXPF(G[len - 1] - G[j])" : "";
        b.append("                for (i32 j = 0; j < len; j++) acc += ").append(ld(s, "k", "row0 + j * n_H", "i"))
                .append(between).append(" * ").append(val).append(";\n");
        b.append("                S[i] = acc;\n");
        b.append("            }\n");
        b.append("        }\n");
        b.append("        BARRIER();\n");
        b.append("    }\n");
        if (s.finalState()) {
            b.append("    if (active) {\n");
            b.append("        for (i32 i = 0; i < ").append(K).append("; i++) s1[(bh * ").append(K).append(" + i) * (i64)").append(V).append(" + c] = S[i];\n");
            b.append("    }\n");
        }
        b.append("}\n");
        Dim threads = bh == null ? null : bh.times(Dim.of((long) tiles * LS));
        return new KernelSource(name, b.toString(), params, new LaunchConfig(threads, LS, sharedBytes(s, L)),
                "chunked " + s.tag() + " L=" + L);
    }
}
