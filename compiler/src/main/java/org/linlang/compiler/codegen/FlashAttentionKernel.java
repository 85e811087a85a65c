package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.types.Dim;

/**
 * The flash-style kernel of an {@link AttentionPattern} in a plan: one work item per query row
 * (every axis of P·V but the last), its query in registers, one pass over the keys the mask lets
 * it see with the online softmax (running max and sum, the accumulator rescaled when the max
 * grows), then the sink logit folded in as one more term of the denominator. The T×S scores are
 * never stored. Q, K and V are read through the {@link Emitter}, in whatever layout the graph
 * gives them (grouped-query heads are a broadcast there). Scores and accumulators are f32.
 */
final class FlashAttentionKernel {
    private FlashAttentionKernel() {}

    static final int LOCAL = 64;

    static KernelSource build(String name, AttentionPattern p) {
        Node qk = p.qk(), pv = p.pv();
        List<Dim> od = pv.type().dims();
        int r = od.size(), kSize = p.keySize(), vSize = p.valueSize();
        List<Dim> rows = od.subList(0, r - 1);
        Dim count = Dim.of(1);
        for (Dim d : rows) count = count.times(d);
        var sizes = new SizeNames();
        var e = new Emitter(p.buffers(), sizes);
        e.line("i64 gid = GLOBAL_ID;");
        e.line("if (gid >= " + sizes.c(count) + ") return;");
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
        e.openBlock("for (i64 ks = first; ks <= last; ks++) {");
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
        if (p.sinks() != null) {
            var at = new ArrayList<>(batch);
            at.add(t);
            at.add("0");
            e.line("float sink = (float)" + e.value(p.sinks(), at) + ";");
            e.line("float ms = FMAXF(m, sink);");
            e.line("float cs = EXPF(m - ms);");
            e.line("l = l * cs + EXPF(sink - ms);");
            e.line("for (i32 vj = 0; vj < " + vSize + "; vj++) acc[vj] *= cs;");
        }
        e.line("float inv = 1.0f / l;");
        var params = new ArrayList<KernelParam>();
        for (var rd : e.reads().entrySet()) params.add(KernelParam.buffer(rd.getValue(), rd.getKey().type().dtype(), rd.getKey(), false));
        params.add(KernelParam.buffer("out0", pv.type().dtype(), pv, true));
        e.line("for (i32 vj = 0; vj < " + vSize + "; vj++) " + CTypes.store(pv.type().dtype(), "out0", "gid * " + vSize + " + vj", "acc[vj] * inv"));
        params.addAll(sizes.params());
        String sig = "KERNEL " + name + "(" + String.join(", ", params.stream().map(KernelParam::declaration).toList()) + ")";
        String role = "flash attention" + (p.window() > 0 ? ", window " + p.window() : "") + (p.sinks() != null ? ", sinks" : "");
        return new KernelSource(name, sig + " {\n" + e.text() + "}\n", params, new LaunchConfig(count, LOCAL, 0), role);
    }
}
