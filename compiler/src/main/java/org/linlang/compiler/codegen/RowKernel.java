package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.linlang.compiler.ir.Grouping.Group;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.types.Dim;

/**
 * The cooperative kernel of a row-wise group: one work-group per row (the anchor's reduced axes),
 * each reduction of the group computed once per row — every item loops over a strided part of the
 * row, then a tree reduction in local memory — and then every output element of the row computed
 * from those row values. Softmax along the row is two such reductions (max, then the sum of
 * exponentials). Groups this does not fit (outputs of another shape, reductions over other axes,
 * argmax) keep the one-item-per-element kernel ({@link ElementwiseKernel}), where each item loops
 * over its row.
 */
final class RowKernel {
    private RowKernel() {}

    /** The kernel, or null when the group does not fit the one-row-per-group form. */
    static KernelSource build(String name, Group g, Set<Node> buffers) {
        Node anchor = g.anchor();
        List<Dim> domain = anchor.input(0).type().dims();
        List<Integer> rowAxes = rowAxes(anchor);
        if (rowAxes == null) return null;
        for (Node o : g.outputs()) if (!o.type().dims().equals(domain)) return null;
        var reductions = new ArrayList<Node>();
        for (Node m : g.members()) {
            if (m.op().kind != Op.Kind.REDUCE) continue;
            if (m.op() == Op.ARGMAX || m.op() == Op.CUMSUM) return null;
            if (!m.input(0).type().dims().equals(domain) || !rowAxes.equals(rowAxes(m))) return null;
            reductions.add(m);
        }
        Dim rowLen = Dim.of(1);
        for (int a : rowAxes) rowLen = rowLen.times(domain.get(a));
        Dim rows = Dim.of(1);
        for (int a = 0; a < domain.size(); a++) if (!rowAxes.contains(a)) rows = rows.times(domain.get(a));
        int local = rowLen.isConstant() ? (int) Math.min(256, Math.max(32, Integer.highestOneBit((int) Math.max(1, rowLen.constant() - 1)) * 2)) : 256;

        var sizes = new SizeNames();
        var e = new Emitter(buffers, sizes);
        e.line("LOCAL_MEM float red[" + local + "];");
        e.line("i64 row = GROUP_ID;");
        e.line("i32 lid = LOCAL_ID;");
        String len = sizes.c(rowLen);
        List<Dim> outer = new ArrayList<>();
        for (int a = 0; a < domain.size(); a++) if (!rowAxes.contains(a)) outer.add(domain.get(a));
        List<Dim> inner = new ArrayList<>();
        for (int a : rowAxes) inner.add(domain.get(a));
        List<String> rowIdx = outer.isEmpty() ? List.of() : e.decode(outer, "row");
        for (Node r : reductions) {
            if (r.op() == Op.SOFTMAX) {
                String m = reduce(e, r.input(0), "max", domain, rowAxes, rowIdx, inner, len, local, null);
                String s = reduce(e, r.input(0), "sumexp", domain, rowAxes, rowIdx, inner, len, local, m);
                e.softmaxRow(r, m, s); // exp(x - max) / sum, computed where it is read
            } else {
                String v = reduce(e, r.input(0), r.op().text(), domain, rowAxes, rowIdx, inner, len, local, null);
                if (r.op() == Op.MEAN) {
                    String mean = e.fresh("mean");
                    e.line("float " + mean + " = " + v + " / (float)" + len + ";");
                    v = mean;
                }
                e.rowValue(r, v);
            }
        }
        e.openBlock("for (i64 el = lid; el < " + len + "; el += " + local + ") {");
        List<String> idx = full(e, domain, rowAxes, rowIdx, inner, "el");
        var values = new ArrayList<String>();
        for (Node o : g.outputs()) values.add(e.value(o, idx));
        var params = new ArrayList<KernelParam>();
        for (var r : e.reads().entrySet()) params.add(KernelParam.buffer(r.getValue(), r.getKey().type().dtype(), r.getKey(), false));
        String at = e.offset(domain, idx);
        for (int k = 0; k < g.outputs().size(); k++) {
            Node o = g.outputs().get(k);
            params.add(KernelParam.buffer("out" + k, o.type().dtype(), o, true));
            e.line(CTypes.store(o.type().dtype(), "out" + k, at, values.get(k)));
        }
        e.closeBlock();
        params.addAll(sizes.params());
        String sig = "KERNEL " + name + "(" + String.join(", ", params.stream().map(KernelParam::declaration).toList()) + ")";
        return new KernelSource(name, sig + " {\n" + e.text() + "}\n", params, new LaunchConfig(rows.times(Dim.of(local)), local, 4 * local),
                "rowwise, one group per row");
    }

    /** The reduced axes of a reduction (softmax: its axis), or null for a reduction over no axis. */
    private static List<Integer> rowAxes(Node r) {
        if (r.op() == Op.SOFTMAX) return List.of(r.intAttr("axis"));
        if (!r.op().shrinks()) return null;
        List<Integer> axes = new ArrayList<>(r.intsAttr("axes"));
        axes.sort(null);
        return axes.isEmpty() ? null : axes;
    }

    /** The full index of element {@code el} of the current row. */
    private static List<String> full(Emitter e, List<Dim> domain, List<Integer> rowAxes, List<String> rowIdx, List<Dim> inner, String el) {
        List<String> in = e.decode(inner, el);
        var idx = new ArrayList<String>();
        int o = 0, i = 0;
        for (int a = 0; a < domain.size(); a++) idx.add(rowAxes.contains(a) ? in.get(i++) : rowIdx.get(o++));
        return idx;
    }

    /** Emits one cooperative reduction of {@code x} over the row; returns the variable holding the result in every item. */
    private static String reduce(Emitter e, Node x, String kind, List<Dim> domain, List<Integer> rowAxes, List<String> rowIdx, List<Dim> inner,
                                 String len, int local, String max) {
        String acc = e.fresh("acc");
        String init = switch (kind) {
            case "max" -> CTypes.floatLiteral(Double.NEGATIVE_INFINITY);
            case "min" -> CTypes.floatLiteral(Double.POSITIVE_INFINITY);
            default -> CTypes.floatLiteral(0);
        };
        e.line("float " + acc + " = " + init + ";");
        e.openBlock("for (i64 el = lid; el < " + len + "; el += " + local + ") {");
        String v = "(float)" + e.value(x, full(e, domain, rowAxes, rowIdx, inner, "el"));
        e.line(acc + " = " + combine(kind, acc, kind.equals("sumexp") ? "EXPF(" + v + " - " + max + ")" : v) + ";");
        e.closeBlock();
        e.line("red[lid] = " + acc + ";");
        e.line("BARRIER();");
        e.openBlock("for (i32 s = " + local / 2 + "; s > 0; s >>= 1) {");
        e.line("if (lid < s) red[lid] = " + combine(kind, "red[lid]", "red[lid + s]") + ";");
        e.line("BARRIER();");
        e.closeBlock();
        String out = e.fresh("rv");
        e.line("float " + out + " = red[0];");
        e.line("BARRIER();");
        return out;
    }

    private static String combine(String kind, String a, String b) {
        return switch (kind) {
            case "max" -> "FMAXF(" + a + ", " + b + ")";
            case "min" -> "FMINF(" + a + ", " + b + ")";
            default -> "(" + a + " + " + b + ")";
        };
    }
}
