package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * The tensor-core form of the flash-attention prefill: the CUDA specialisation whose portable twin
 * is {@link FlashAttentionKernel}'s prefill form. One work-group of 128 items (4 warps) per (batch
 * row, tile of {@link #BM} queries): the query tile is staged once in shared memory (bf16), then
 * for each tile of {@code BN} keys in the range the block's masks allow, {@code S = Q Kᵀ} on 16×16
 * tiles ({@code TILE_MMA_16x16x16}), the online softmax per query row (one item per row: running
 * max and sum, the weights rounded to bf16 into {@code P}, the accumulator rescaled when the max
 * grows), and {@code O += P V} on tiles. The sink logit joins the denominator at the end, as in the
 * portable form. Q, K and V are read through the {@link Emitter} in whatever layout the graph gives
 * them (grouped-query heads are a broadcast there). Scores, sums and O are f32.
 */
final class FlashAttentionTensorCores {
    private FlashAttentionTensorCores() {}

    static final int BM = 32, LOCAL = 128, WARPS = 4;
    static final String FORM = "flash attention, tensor cores (wmma bf16)";

    /** Why a pattern has no tensor-core form, or null. */
    static String refusal(AttentionPattern p) {
        Node qk = p.qk(), pv = p.pv();
        Dim t = qk.type().dims().get(qk.type().rank() - 2);
        if (t.isConstant() && t.constant() <= FlashAttentionKernel.DECODE_ROWS) return "T=" + t.constant() + " takes the decode form";
        for (Node n : List.of(qk.input(0), qk.input(1), pv.input(1))) {
            if (!bf16Values(n)) return "an operand is " + n.type().dtype().lin() + " (" + n.op().text() + "), the tensor-core form takes bf16 q, k, v";
        }
        int k = p.keySize(), v = p.valueSize();
        if (k % 16 != 0 || v % 16 != 0) return "K=" + k + " and V=" + v + " must be multiples of 16 for 16×16 tiles";
        if (keyTile(k, v) == 0) return "the tiles at K=" + k + ", V=" + v + " do not fit " + LaunchConfig.MAX_STATIC_SHARED + " bytes of static shared memory";
        return null;
    }

    /**
     * Whether an operand's values are bf16 values, so that rounding them to bf16 loses nothing: a bf16
     * node, or one seen through reshapes, transposes, casts and products with the constant 1 (the
     * grouped-query broadcast {@code k * ones([G, 1])} of softmax_attn, typed f32).
     */
    static boolean bf16Values(Node n) {
        if (n.type().dtype() == DType.BF16) return true;
        return switch (n.op()) {
            case RESHAPE, TRANSPOSE, CAST -> bf16Values(n.input(0));
            case MUL -> n.inputs().size() == 2 && (isOne(n.input(0)) && bf16Values(n.input(1)) || isOne(n.input(1)) && bf16Values(n.input(0)));
            default -> false;
        };
    }

    private static boolean isOne(Node n) {
        while (n.op() == org.linlang.compiler.ir.Op.RESHAPE) n = n.input(0);
        if (n.op() != org.linlang.compiler.ir.Op.CONSTANT) return false;
        Object v = n.attr("value");
        if (v instanceof Number x) return x.doubleValue() == 1.0;
        if (v instanceof double[] a) return java.util.Arrays.stream(a).allMatch(x -> x == 1.0);
        if (v instanceof float[] a) {
            for (float x : a) if (x != 1f) return false;
            return true;
        }
        return false;
    }

    /** Keys per step: 32, else 16, whichever first fits the static shared memory; 0 if neither. */
    static int keyTile(int k, int v) {
        for (int bn : new int[] {32, 16}) if (sharedBytes(k, v, bn) <= LaunchConfig.MAX_STATIC_SHARED - 1024) return bn;
        return 0;
    }

    /** On CUDA: bf16 Q, Kᵀ, V and P tiles; f32 scores, O and the row statistics. */
    static int sharedBytes(int k, int v, int bn) {
        return 2 * (BM * k + k * bn + bn * v + BM * bn) + 4 * (BM * bn + BM * v + 3 * BM);
    }

    static KernelSource build(String name, AttentionPattern p) {
        String why = refusal(p);
        if (why != null) throw new CodegenException("no tensor-core flash attention: " + why);
        Node qk = p.qk(), pv = p.pv();
        List<Dim> od = pv.type().dims();
        int r = od.size(), K = p.keySize(), V = p.valueSize(), BN = keyTile(K, V);
        List<Dim> batchDims = od.subList(0, r - 2);
        Dim batchCount = Dim.of(1);
        for (Dim d : batchDims) batchCount = batchCount.times(d);
        var sizes = new SizeNames();
        var e = new Emitter(p.buffers(), sizes);
        String T = sizes.c(od.get(r - 2)), keys = sizes.c(qk.type().dims().getLast());
        String neg = CTypes.floatLiteral(Double.NEGATIVE_INFINITY);
        e.line("LOCAL_MEM TC_ALIGN tc_t Qs[" + BM * K + "];");
        e.line("LOCAL_MEM TC_ALIGN tc_t Kt[" + K * BN + "];");
        e.line("LOCAL_MEM TC_ALIGN tc_t Vs[" + BN * V + "];");
        e.line("LOCAL_MEM TC_ALIGN tc_t Pb[" + BM * BN + "];");
        e.line("LOCAL_MEM TC_ALIGN float Ss[" + BM * BN + "];");
        e.line("LOCAL_MEM TC_ALIGN float Os[" + BM * V + "];");
        e.line("LOCAL_MEM float Mrow[" + BM + "];");
        e.line("LOCAL_MEM float Lrow[" + BM + "];");
        e.line("LOCAL_MEM float Crow[" + BM + "];");
        e.line("i32 lid = LOCAL_ID;");
        e.line("i32 warp = lid / 32;");
        e.line("i64 grp = GROUP_ID;");
        e.line("i64 ntile = (" + T + " + " + (BM - 1) + ") / " + BM + ";");
        e.line("i64 bt = grp / ntile;");
        // the launch rounds (T + BM − 1)·(batch rows) up to whole groups: groups past the last tile have nothing to do
        e.line("if (bt >= " + sizes.c(batchCount) + ") return;");
        e.line("i64 t0 = (grp % ntile) * " + BM + ";");
        List<String> batch = e.decode(batchDims, "bt");
        e.line("i64 tend = t0 + " + (BM - 1) + " < " + T + " - 1 ? t0 + " + (BM - 1) + " : " + T + " - 1;");
        e.line("i64 kfirst = " + first(p, sizes, keys, "t0") + ";");
        e.line("i64 klast = " + last(p, sizes, keys, "tend") + ";");
        // the query tile, zero past T
        e.openBlock("for (i32 qe = lid; qe < " + BM * K + "; qe += " + LOCAL + ") {");
        e.line("i32 qrow = qe / " + K + ", qcol = qe % " + K + ";");
        e.line("i64 tq = t0 + qrow;");
        e.line("float stg = 0.0f;");
        e.openBlock("if (tq < " + T + ") {");
        e.line("stg = (float)" + e.operandValue(qk, true, batch, "tq", "qcol") + ";");
        e.closeBlock();
        e.line("Qs[qe] = TC_CVT(stg);");
        e.closeBlock();
        e.line("for (i32 oe = lid; oe < " + BM * V + "; oe += " + LOCAL + ") Os[oe] = 0.0f;");
        e.openBlock("if (lid < " + BM + ") {");
        e.line("Mrow[lid] = " + neg + ";");
        e.line("Lrow[lid] = 0.0f;");
        e.closeBlock();
        e.line("BARRIER();");
        e.openBlock("for (i64 kb = kfirst; kb <= klast; kb += " + BN + ") {");
        // Kᵀ and V tiles of the keys kb … kb + BN − 1, zero past the block's last key
        e.openBlock("for (i32 ke = lid; ke < " + K * BN + "; ke += " + LOCAL + ") {");
        e.line("i32 kc = ke / " + BN + ", kj = ke % " + BN + ";");
        e.line("i64 ks = kb + kj;");
        e.line("float stg = 0.0f;");
        e.openBlock("if (ks <= klast) {");
        e.line("stg = (float)" + e.operandValue(qk, false, batch, "ks", "kc") + ";");
        e.closeBlock();
        e.line("Kt[ke] = TC_CVT(stg);");
        e.closeBlock();
        e.openBlock("for (i32 ve = lid; ve < " + BN * V + "; ve += " + LOCAL + ") {");
        e.line("i32 vr = ve / " + V + ", vc = ve % " + V + ";");
        e.line("i64 ks = kb + vr;");
        e.line("float stg = 0.0f;");
        e.openBlock("if (ks <= klast) {");
        e.line("stg = (float)" + e.operandValue(pv, false, batch, "vc", "ks") + ";");
        e.closeBlock();
        e.line("Vs[ve] = TC_CVT(stg);");
        e.closeBlock();
        e.line("for (i32 se = lid; se < " + BM * BN + "; se += " + LOCAL + ") Ss[se] = 0.0f;");
        e.line("BARRIER();");
        // S = Q Kᵀ
        e.openBlock("for (i32 p = warp; p < " + (BM / 16) * (BN / 16) + "; p += " + WARPS + ") {");
        e.line("i32 ti = p / " + BN / 16 + ", tj = p % " + BN / 16 + ";");
        e.line("for (i32 kc = 0; kc < " + K / 16 + "; kc++) TILE_MMA_16x16x16(Qs + ti * " + 16 * K + " + kc * 16, " + K + ", Kt + kc * " + 16 * BN
                + " + tj * 16, " + BN + ", Ss + ti * " + 16 * BN + " + tj * 16, " + BN + ");");
        e.closeBlock();
        e.line("BARRIER();");
        // the online softmax, one item per query row
        e.openBlock("if (lid < " + BM + ") {");
        e.line("i64 tq = t0 + lid;");
        e.line("i64 lo = " + first(p, sizes, keys, "tq") + ";");
        e.line("i64 hi = " + last(p, sizes, keys, "tq") + ";");
        e.line("float mold = Mrow[lid];");
        e.line("float mx = mold;");
        String sc = "Ss[lid * " + BN + " + j]" + (p.scale() != 1 ? " * " + CTypes.floatLiteral(p.scale()) : "");
        String valid = "tq < " + T + " && kb + j >= lo && kb + j <= hi";
        e.line("for (i32 j = 0; j < " + BN + "; j++) if (" + valid + ") mx = FMAXF(mx, " + sc + ");");
        e.line("float corr = mx == " + neg + " ? 1.0f : EXPF(mold - mx);");
        e.line("float sum = 0.0f;");
        e.openBlock("for (i32 j = 0; j < " + BN + "; j++) {");
        e.line("float w = " + valid + " ? EXPF(" + sc + " - mx) : 0.0f;");
        e.line("Pb[lid * " + BN + " + j] = TC_CVT(w);");
        e.line("sum += w;");
        e.closeBlock();
        e.line("Mrow[lid] = mx;");
        e.line("Lrow[lid] = Lrow[lid] * corr + sum;");
        e.line("Crow[lid] = corr;");
        e.closeBlock();
        e.line("BARRIER();");
        e.line("for (i32 oe = lid; oe < " + BM * V + "; oe += " + LOCAL + ") Os[oe] *= Crow[oe / " + V + "];");
        e.line("BARRIER();");
        // O += P V
        e.openBlock("for (i32 p = warp; p < " + (BM / 16) * (V / 16) + "; p += " + WARPS + ") {");
        e.line("i32 ti = p / " + V / 16 + ", tc = p % " + V / 16 + ";");
        e.line("for (i32 kj = 0; kj < " + BN / 16 + "; kj++) TILE_MMA_16x16x16(Pb + ti * " + 16 * BN + " + kj * 16, " + BN + ", Vs + kj * " + 16 * V
                + " + tc * 16, " + V + ", Os + ti * " + 16 * V + " + tc * 16, " + V + ");");
        e.closeBlock();
        e.line("BARRIER();");
        e.closeBlock();
        // normalise (the sink joins the denominator) and store
        e.openBlock("for (i32 oe = lid; oe < " + BM * V + "; oe += " + LOCAL + ") {");
        e.line("i32 orow = oe / " + V + ", oc = oe % " + V + ";");
        e.line("i64 tq = t0 + orow;");
        e.openBlock("if (tq < " + T + ") {");
        e.line("float lsum = Lrow[orow];");
        e.line("float scl = 1.0f;");
        if (p.sinks() != null) {
            var at = new ArrayList<>(batch);
            at.add("tq");
            at.add("0");
            e.line("float sink = (float)" + e.value(p.sinks(), at) + ";");
            e.line("float ms = FMAXF(Mrow[orow], sink);");
            e.line("scl = EXPF(Mrow[orow] - ms);");
            e.line("lsum = lsum * scl + EXPF(sink - ms);");
        }
        e.line(CTypes.store(pv.type().dtype(), "out0", "(bt * " + T + " + tq) * " + V + " + oc", "Os[oe] * scl / lsum"));
        e.closeBlock();
        e.closeBlock();
        var params = new ArrayList<KernelParam>();
        for (var rd : e.reads().entrySet()) params.add(KernelParam.buffer(rd.getValue(), rd.getKey().type().dtype(), rd.getKey(), false));
        params.add(KernelParam.buffer("out0", pv.type().dtype(), pv, true));
        params.addAll(sizes.params());
        String sig = "KERNEL " + name + "(" + String.join(", ", params.stream().map(KernelParam::declaration).toList()) + ")";
        Dim tDim = od.get(r - 2);
        // a polynomial launch size: (T + BM − 1) · LOCAL / BM items per batch row is at least ⌈T / BM⌉ groups of LOCAL
        Dim perBatch = tDim.plus(Dim.of(BM - 1)).times(Dim.of(LOCAL / BM));
        String role = FORM + " BM=" + BM + " BN=" + BN + (p.window() > 0 ? ", window " + p.window() : "") + (p.sinks() != null ? ", sinks" : "");
        return new KernelSource(name, sig + " {\n" + e.text() + "}\n", params,
                new LaunchConfig(batchCount.times(perBatch), LOCAL, sharedBytes(K, V, BN)), role);
    }

    /** The last key query {@code t} sees: bottom-right causal ({@code t + S − T}, at most S − 1), or every key. */
    private static String last(AttentionPattern p, SizeNames sizes, String keys, String t) {
        if (p.offset() == null) return keys + " - 1";
        String at = "(" + t + " + " + sizes.c(p.offset()) + ")";
        return "(" + at + " < " + keys + " - 1 ? " + at + " : " + keys + " - 1)";
    }

    /** The first key query {@code t} sees: the window's first, or 0. */
    private static String first(AttentionPattern p, SizeNames sizes, String keys, String t) {
        if (p.offset() == null || p.window() <= 0) return "(i64)0";
        String l = last(p, sizes, keys, t);
        return "(" + l + " - " + (p.window() - 1) + " > 0 ? " + l + " - " + (p.window() - 1) + " : 0)";
    }
}
