package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * Causal softmax attention in the portable form over fixed {@code [B, T, H, K]} buffers, for
 * {@code std.ops.softmax_attn}'s layout (plans use {@link FlashAttentionKernel}, which reads any
 * layout through the graph's index arithmetic).
 *
 * <ul>
 *   <li>{@link #prefill}: flash-style, one work item per (batch, step, query head): one pass over
 *       the visible keys with the online softmax (running max and sum, the accumulator rescaled
 *       when the max grows), so the T×T scores are never stored. Grouped-query heads (query head
 *       h reads key head h / G) and a sliding window (the last W keys, itself included).</li>
 *   <li>{@link #decodePartial} and {@link #decodeCombine}: one query per sequence against a KV
 *       cache, split over the cache length (flash-decoding): each split keeps its max, sum and
 *       accumulator, and the combine rescales them to one output.</li>
 * </ul>
 * Scores, softmax and accumulators are f32.
 *
 * @param hq     query heads (Hk · G)
 * @param g      query heads per key head
 * @param k      key size
 * @param v      value size
 * @param window sliding window (0: none)
 * @param scale  the scale of the scores
 * @param dtype  element type of q, k, v and the output
 */
public record AttentionKernels(int hq, int g, int k, int v, int window, double scale, DType dtype) {
    public AttentionKernels {
        if (g < 1 || hq % g != 0) throw new CodegenException("attention: " + hq + " query heads are not a multiple of the group size " + g);
        if (v > 256) throw new CodegenException("attention kernels keep V = " + v + " accumulators in registers: at most 256");
    }

    public int hk() { return hq / g; }

    private String ld(String buf, String off) { return CTypes.load(dtype, buf, off); }

    private static String sig(String name, List<KernelParam> p) {
        return "KERNEL " + name + "(" + String.join(", ", p.stream().map(KernelParam::declaration).toList()) + ")";
    }

    /** Prefill over q {@code [B, T, Hq, K]}, k {@code [B, T, Hk, K]}, v {@code [B, T, Hk, V]} into o {@code [B, T, Hq, V]}; threads = B·T·Hq. */
    public KernelSource prefill(String name, Dim threads) {
        var p = new ArrayList<KernelParam>();
        p.add(KernelParam.buffer("q", dtype, null, false));
        p.add(KernelParam.buffer("k", dtype, null, false));
        p.add(KernelParam.buffer("v", dtype, null, false));
        p.add(KernelParam.buffer("o", dtype, null, true));
        p.add(KernelParam.sizeOf("n_B", null));
        p.add(KernelParam.sizeOf("n_T", null));
        int HK = hk();
        var b = new StringBuilder(sig(name, p)).append(" {\n");
        b.append("    i64 gid = GLOBAL_ID;\n");
        b.append("    if (gid >= n_B * n_T * (i64)").append(hq).append(") return;\n");
        b.append("    i64 hq = gid % (i64)").append(hq).append(";\n");
        b.append("    i64 bt = gid / (i64)").append(hq).append(";\n");
        b.append("    i64 t = bt % n_T;\n");
        b.append("    i64 bi = bt / n_T;\n");
        b.append("    i64 hk = hq / (i64)").append(g).append(";\n");
        b.append("    i64 qo = gid * ").append(k).append(";\n");
        b.append("    float m = ").append(CTypes.floatLiteral(Double.NEGATIVE_INFINITY)).append(";\n");
        b.append("    float l = 0.0f;\n");
        b.append("    float acc[").append(v).append("];\n");
        b.append("    for (i32 j = 0; j < ").append(v).append("; j++) acc[j] = 0.0f;\n");
        b.append("    i64 lo = ").append(window > 0 ? "t - " + (window - 1) + " > 0 ? t - " + (window - 1) + " : 0" : "0").append(";\n");
        b.append("    for (i64 s = lo; s <= t; s++) {\n");
        b.append("        i64 row = (bi * n_T + s) * ").append(HK).append(" + hk;\n");
        b.append("        float sc = 0.0f;\n");
        b.append("        for (i32 i = 0; i < ").append(k).append("; i++) sc += ").append(ld("q", "qo + i")).append(" * ").append(ld("k", "row * " + k + " + i")).append(";\n");
        b.append("        sc *= ").append(CTypes.floatLiteral(scale)).append(";\n");
        b.append("        float mn = FMAXF(m, sc);\n");
        b.append("        float corr = EXPF(m - mn);\n");
        b.append("        float e = EXPF(sc - mn);\n");
        b.append("        l = l * corr + e;\n");
        b.append("        for (i32 j = 0; j < ").append(v).append("; j++) acc[j] = acc[j] * corr + e * ").append(ld("v", "row * " + v + " + j")).append(";\n");
        b.append("        m = mn;\n");
        b.append("    }\n");
        b.append("    float inv = 1.0f / l;\n");
        b.append("    for (i32 j = 0; j < ").append(v).append("; j++) ").append(CTypes.store(dtype, "o", "gid * " + v + " + j", "acc[j] * inv")).append("\n");
        b.append("}\n");
        return new KernelSource(name, b.toString(), p, new LaunchConfig(threads, 64, 0), "flash attention prefill");
    }

    /**
     * Decode, first pass: q {@code [B, Hq, K]} against the cache k {@code [B, S, Hk, K]}, v
     * {@code [B, S, Hk, V]} of which the first {@code n_len} positions are filled (the query is at
     * position n_len − 1; with a window only the last W are read). Writes per (b, hq, split) the
     * max, the sum and V accumulators to {@code part [B, Hq, splits, V + 2]}; threads = B·Hq·splits.
     */
    public KernelSource decodePartial(String name, int splits, Dim threads) {
        var p = new ArrayList<KernelParam>();
        p.add(KernelParam.buffer("q", dtype, null, false));
        p.add(KernelParam.buffer("k", dtype, null, false));
        p.add(KernelParam.buffer("v", dtype, null, false));
        p.add(KernelParam.buffer("part", DType.F32, null, true));
        p.add(KernelParam.sizeOf("n_B", null));
        p.add(KernelParam.sizeOf("n_S", null));
        p.add(KernelParam.sizeOf("n_len", null));
        int HK = hk();
        var b = new StringBuilder(sig(name, p)).append(" {\n");
        b.append("    i64 gid = GLOBAL_ID;\n");
        b.append("    if (gid >= n_B * (i64)").append(hq * splits).append(") return;\n");
        b.append("    i64 sp = gid % (i64)").append(splits).append(";\n");
        b.append("    i64 bhq = gid / (i64)").append(splits).append(";\n");
        b.append("    i64 hq = bhq % (i64)").append(hq).append(";\n");
        b.append("    i64 bi = bhq / (i64)").append(hq).append(";\n");
        b.append("    i64 hk = hq / (i64)").append(g).append(";\n");
        b.append("    i64 first = ").append(window > 0 ? "n_len - " + window + " > 0 ? n_len - " + window + " : 0" : "0").append(";\n");
        b.append("    i64 span = n_len - first;\n");
        b.append("    i64 per = (span + ").append(splits - 1).append(") / ").append(splits).append(";\n");
        b.append("    i64 lo = first + sp * per;\n");
        b.append("    i64 hi = lo + per < n_len ? lo + per : n_len;\n");
        b.append("    float m = ").append(CTypes.floatLiteral(Double.NEGATIVE_INFINITY)).append(";\n");
        b.append("    float l = 0.0f;\n");
        b.append("    float acc[").append(v).append("];\n");
        b.append("    for (i32 j = 0; j < ").append(v).append("; j++) acc[j] = 0.0f;\n");
        b.append("    for (i64 s = lo; s < hi; s++) {\n");
        b.append("        i64 row = (bi * n_S + s) * ").append(HK).append(" + hk;\n");
        b.append("        float sc = 0.0f;\n");
        b.append("        for (i32 i = 0; i < ").append(k).append("; i++) sc += ").append(ld("q", "bhq * " + k + " + i")).append(" * ").append(ld("k", "row * " + k + " + i")).append(";\n");
        b.append("        sc *= ").append(CTypes.floatLiteral(scale)).append(";\n");
        b.append("        float mn = FMAXF(m, sc);\n");
        b.append("        float corr = EXPF(m - mn);\n");
        b.append("        float e = EXPF(sc - mn);\n");
        b.append("        l = l * corr + e;\n");
        b.append("        for (i32 j = 0; j < ").append(v).append("; j++) acc[j] = acc[j] * corr + e * ").append(ld("v", "row * " + v + " + j")).append(";\n");
        b.append("        m = mn;\n");
        b.append("    }\n");
        b.append("    i64 out = gid * ").append(v + 2).append(";\n");
        b.append("    part[out] = m;\n");
        b.append("    part[out + 1] = l;\n");
        b.append("    for (i32 j = 0; j < ").append(v).append("; j++) part[out + 2 + j] = acc[j];\n");
        b.append("}\n");
        return new KernelSource(name, b.toString(), p, new LaunchConfig(threads, 64, 0), "attention decode, split " + splits);
    }

    /** Decode, second pass: combines the splits into o {@code [B, Hq, V]}; threads = B·Hq·V. */
    public KernelSource decodeCombine(String name, int splits, Dim threads) {
        var p = new ArrayList<KernelParam>();
        p.add(KernelParam.buffer("part", DType.F32, null, false));
        p.add(KernelParam.buffer("o", dtype, null, true));
        p.add(KernelParam.sizeOf("n_B", null));
        var b = new StringBuilder(sig(name, p)).append(" {\n");
        b.append("    i64 gid = GLOBAL_ID;\n");
        b.append("    if (gid >= n_B * (i64)").append(hq * v).append(") return;\n");
        b.append("    i64 j = gid % (i64)").append(v).append(";\n");
        b.append("    i64 bhq = gid / (i64)").append(v).append(";\n");
        b.append("    float m = ").append(CTypes.floatLiteral(Double.NEGATIVE_INFINITY)).append(";\n");
        b.append("    for (i32 sp = 0; sp < ").append(splits).append("; sp++) m = FMAXF(m, part[(bhq * ").append(splits).append(" + sp) * ").append(v + 2).append("]);\n");
        b.append("    float l = 0.0f;\n");
        b.append("    float acc = 0.0f;\n");
        b.append("    for (i32 sp = 0; sp < ").append(splits).append("; sp++) {\n");
        b.append("        i64 at = (bhq * ").append(splits).append(" + sp) * ").append(v + 2).append(";\n");
        b.append("        float w = part[at + 1] > 0.0f ? EXPF(part[at] - m) : 0.0f;\n");
        b.append("        l += w * part[at + 1];\n");
        b.append("        acc += w * part[at + 2 + j];\n");
        b.append("    }\n");
        b.append("    ").append(CTypes.store(dtype, "o", "gid", "acc / l")).append("\n");
        b.append("}\n");
        return new KernelSource(name, b.toString(), p, new LaunchConfig(threads, 64, 0), "attention decode, combine");
    }
}
