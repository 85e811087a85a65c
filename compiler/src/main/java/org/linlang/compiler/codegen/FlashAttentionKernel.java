package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.types.Dim;

/**
 * The flash-style kernel of an {@link AttentionPattern} in a plan: for each query row (every axis
 * of P·V but the last), its query in registers, one pass over the keys the mask lets it see with
 * the online softmax (running max and sum, the accumulator rescaled when the max grows), then the
 * sink logit folded in as one more term of the denominator. The T×S scores are never stored. Q, K
 * and V are read through the {@link Emitter}, in whatever layout the graph gives them
 * (grouped-query heads are a broadcast there). Scores and accumulators are f32.
 *
 * <ul>
 *   <li>prefill: one work item per row;</li>
 *   <li>decode, when T is known and at most {@link #DECODE_ROWS} (few rows: the parallelism must
 *       come from the keys): one work-group per row, its items taking the keys in turn, each with
 *       its own max, sum and accumulators, combined by a tree in local memory (flash-decoding with
 *       the splits in one work-group, so no buffer of partial results).</li>
 * </ul>
 */
final class FlashAttentionKernel {
    private FlashAttentionKernel() {}

    static final int LOCAL = 64;
    /** The largest known T that takes the decode form. */
    static final int DECODE_ROWS = 4;

    static KernelSource build(String name, AttentionPattern p) {
        Dim t = p.qk().type().dims().get(p.qk().type().rank() - 2);
        return t.isConstant() && t.constant() <= DECODE_ROWS ? build(name, p, decodeLocal(p.valueSize())) : build(name, p, 0);
    }

    /** Items per row in the decode form: a power of two up to 64 whose partial results fit the static shared memory. */
    static int decodeLocal(int v) {
        int local = LOCAL;
        while (local > 1 && local * (v + 2) * 4 > LaunchConfig.MAX_STATIC_SHARED) local /= 2;
        return local;
    }

    /** The prefill form ({@code split = 0}) or the decode form with {@code split} items per row. */
    static KernelSource build(String name, AttentionPattern p, int split) {
        Node qk = p.qk(), pv = p.pv();
        List<Dim> od = pv.type().dims();
        int r = od.size(), kSize = p.keySize(), vSize = p.valueSize();
        List<Dim> rows = od.subList(0, r - 1);
        Dim count = Dim.of(1);
        for (Dim d : rows) count = count.times(d);
        var sizes = new SizeNames();
        var e = new Emitter(p.buffers(), sizes);
        int part = vSize + 2; // a partial result in the decode form: max, sum, accumulators
        if (split > 0) {
            e.line("LOCAL_MEM float red[" + split * part + "];");
            e.line("i64 gid = GROUP_ID;");
            e.line("i32 lid = LOCAL_ID;");
        } else {
            e.line("i64 gid = GLOBAL_ID;");
            e.line("if (gid >= " + sizes.c(count) + ") return;");
        }
        List<String> idx = e.decode(rows, "gid");
        List<String> batch = idx.subList(0, r - 2);
        String t = idx.get(r - 2);
        String keys = sizes.c(qk.type().dims().getLast());
        e.line("float qr[" + kSize + "];");
        e.openBlock("for (i64 qi = 0; qi < " + kSize + "; qi++) {");
        e.line("qr[qi] = (float)" + e.operandValue(qk, true, batch, t, "qi") + ";");
        e.closeBlock();
        if (p.offset() != null) {
            // bottom-right causal: query t sits at key position t + offset and sees the keys up to it (the last W with a window)
            e.line("i64 last = " + t + " + " + sizes.c(p.offset()) + ";");
            e.line("if (last > " + keys + " - 1) last = " + keys + " - 1;");
            e.line("i64 first = " + (p.window() > 0 ? "last - " + (p.window() - 1) + " > 0 ? last - " + (p.window() - 1) + " : 0" : "0") + ";");
        } else {
            e.line("i64 last = " + keys + " - 1;");
            e.line("i64 first = 0;");
        }
        e.line("float m = " + CTypes.floatLiteral(Double.NEGATIVE_INFINITY) + ";");
        e.line("float l = 0.0f;");
        e.line("float acc[" + vSize + "];");
        e.line("for (i32 vj = 0; vj < " + vSize + "; vj++) acc[vj] = 0.0f;");
        e.openBlock(split > 0 ? "for (i64 ks = first + lid; ks <= last; ks += " + split + ") {" : "for (i64 ks = first; ks <= last; ks++) {");
        e.line("float sc = 0.0f;");
        e.openBlock("for (i64 qi = 0; qi < " + kSize + "; qi++) {");
        e.line("sc += qr[qi] * (float)" + e.operandValue(qk, false, batch, "ks", "qi") + ";");
        e.closeBlock();
        if (p.scale() != 1) e.line("sc *= " + CTypes.floatLiteral(p.scale()) + ";");
        e.line("float mn = FMAXF(m, sc);");
        e.line("float corr = EXPF(m - mn);");
        e.line("float w = EXPF(sc - mn);");
        e.line("l = l * corr + w;");
        e.openBlock("for (i64 vj = 0; vj < " + vSize + "; vj++) {");
        e.line("acc[vj] = acc[vj] * corr + w * (float)" + e.operandValue(pv, false, batch, "vj", "ks") + ";");
        e.closeBlock();
        e.line("m = mn;");
        e.closeBlock();
        if (split > 0) combine(e, split, part, vSize);
        if (p.sinks() != null) {
            var at = new ArrayList<>(batch);
            at.add(t);
            at.add("0");
            e.line("float sink = (float)" + e.value(p.sinks(), at) + ";");
            e.line("float ms = FMAXF(m, sink);");
            e.line("float cs = EXPF(m - ms);");
            e.line("l = l * cs + EXPF(sink - ms);");
        }
        e.line("float inv = 1.0f / l;");
        var params = new ArrayList<KernelParam>();
        for (var rd : e.reads().entrySet()) params.add(KernelParam.buffer(rd.getValue(), rd.getKey().type().dtype(), rd.getKey(), false));
        params.add(KernelParam.buffer("out0", pv.type().dtype(), pv, true));
        String from = split > 0 ? "red[2 + vj]" : "acc[vj]";
        e.line("for (i32 vj = " + (split > 0 ? "lid" : "0") + "; vj < " + vSize + "; vj += " + (split > 0 ? split : 1) + ") "
                + CTypes.store(pv.type().dtype(), "out0", "gid * " + vSize + " + vj", from + (p.sinks() != null ? " * cs" : "") + " * inv"));
        params.addAll(sizes.params());
        String sig = "KERNEL " + name + "(" + String.join(", ", params.stream().map(KernelParam::declaration).toList()) + ")";
        String role = (split > 0 ? "flash attention decode, " + split + " items per row" : "flash attention") + (p.window() > 0 ? ", window " + p.window() : "") + (p.sinks() != null ? ", sinks" : "");
        return new KernelSource(name, sig + " {\n" + e.text() + "}\n", params, split > 0 ? new LaunchConfig(count.times(Dim.of(split)), split, 4 * split * part) : new LaunchConfig(count, LOCAL, 0), role);
    }

    /** The decode form's tree: item 0's max, sum and accumulators become the row's, in {@code m}, {@code l} and {@code red[2 ..]}. */
    private static void combine(Emitter e, int split, int part, int vSize) {
        e.line("red[lid * " + part + "] = m;");
        e.line("red[lid * " + part + " + 1] = l;");
        e.line("for (i32 vj = 0; vj < " + vSize + "; vj++) red[lid * " + part + " + 2 + vj] = acc[vj];");
        e.line("BARRIER();");
        e.openBlock("for (i32 width = " + split / 2 + "; width > 0; width >>= 1) {");
        e.openBlock("if (lid < width) {");
        e.line("i32 a = lid * " + part + ", b = (lid + width) * " + part + ";");
        e.line("float mx = FMAXF(red[a], red[b]);");
        // two items that saw no key keep −inf and 0 (exp(−inf − −inf) would be NaN)
        e.openBlock("if (mx > " + CTypes.floatLiteral(Double.NEGATIVE_INFINITY) + ") {");
        e.line("float ca = EXPF(red[a] - mx), cb = EXPF(red[b] - mx);");
        e.line("red[a] = mx;");
        e.line("for (i32 vj = 1; vj < " + part + "; vj++) red[a + vj] = red[a + vj] * ca + red[b + vj] * cb;");
        e.closeBlock();
        e.closeBlock();
        e.line("BARRIER();");
        e.closeBlock();
        e.line("m = red[0];");
        e.line("l = red[1];");
    }
}
