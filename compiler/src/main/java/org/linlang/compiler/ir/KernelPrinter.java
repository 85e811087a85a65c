package org.linlang.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.linlang.compiler.types.Dim;

/**
 * The grouped graph, one line per kernel — what {@code lin kernels FILE} prints:
 * <pre>
 *   k3   rowwise(mean)   [mul mean add rsqrt mul mul]  in %2, %weight(mlp_norms.0.weight)  out %9 f32[B, T, 256] @s1  moved 4.00 MiB
 * </pre>
 * The ops it computes in order, the buffers it reads, the values it writes (with their arena
 * slot, or {@code in place of} the input it overwrites), and the bytes it moves at the report's
 * sizes. Value names are those of {@link Printer}. A summary follows: kernels by kind, markers of
 * what is not derivable yet, the arena and the weights.
 */
public final class KernelPrinter {
    private KernelPrinter() {}

    public static String print(Graph g) {
        Grouping gr = g.grouping();
        if (gr == null) throw new IrException("the graph is not grouped yet: run group-fusible first");
        Map<Node, String> names = Printer.names(g);
        Map<String, Long> sizes = g.sizes();
        var out = new StringBuilder();
        out.append("kernels ").append(g.title()).append(": ").append(gr.kernelCount()).append(" kernel")
                .append(gr.kernelCount() == 1 ? "" : "s");
        long markers = gr.groups().stream().filter(x -> x.kind() == Grouping.Kind.UNSUPPORTED).count();
        if (markers > 0) out.append(", ").append(markers).append(" unsupported");
        out.append(" (bytes at ").append(sizesText(g)).append(")\n");
        int titleWidth = 0;
        for (Grouping.Group k : gr.groups()) titleWidth = Math.max(titleWidth, k.title().length());
        for (Grouping.Group k : gr.groups()) {
            out.append("  ").append(pad(k.label(), 5)).append(pad(k.title(), titleWidth + 2)).append('[').append(ops(k)).append(']');
            out.append("  in ").append(k.inputs().isEmpty() ? "-" : k.inputs().stream().map(names::get).collect(Collectors.joining(", ")));
            out.append("  out ").append(k.outputs().stream().map(o -> names.get(o) + " " + o.type() + where(g, o, names)).collect(Collectors.joining(", ")));
            if (k.isKernel()) out.append("  moved ").append(bytes(k.bytesMoved(), sizes));
            out.append('\n');
            if (k.kind() == Grouping.Kind.UNSUPPORTED) out.append("        // ").append(k.anchor().attr("reason")).append('\n');
        }
        out.append(summary(g));
        return out.toString();
    }

    private static String ops(Grouping.Group k) {
        var parts = new ArrayList<String>();
        for (Node n : k.members()) parts.add(n.op() == Op.UNSUPPORTED ? "unsupported " + n.attr("of") : n.op().text());
        String s = String.join(" ", parts);
        if (!k.inlined().isEmpty()) {
            s += " | recomputes " + k.inlined().stream().map(n -> n.op().text()).collect(Collectors.joining(" "));
        }
        return s;
    }

    private static String where(Graph g, Node o, Map<Node, String> names) {
        if (g.plan() == null) return "";
        BufferPlan.Buffer b = g.plan().bufferOf(o);
        if (b == null) return "";
        if (b.slot() < 0) return " in place of " + names.get(b.inPlaceOf());
        return " @s" + b.slot() + (b.inPlace() ? " in place of " + names.get(b.inPlaceOf()) : "");
    }

    /** Kernels by kind, markers, the arena, the weights. */
    static String summary(Graph g) {
        Grouping gr = g.grouping();
        var out = new StringBuilder();
        out.append("  kernels by kind: ").append(gr.census().entrySet().stream()
                .filter(e -> e.getKey() != Grouping.Kind.VIEW && e.getKey() != Grouping.Kind.UNSUPPORTED)
                .map(e -> e.getKey().word() + " " + e.getValue()).collect(Collectors.joining(", "))).append('\n');
        List<Node> markers = g.unsupported();
        if (!markers.isEmpty()) {
            var reasons = new java.util.LinkedHashMap<String, Integer>();
            for (Node m : markers) reasons.merge(m.attr("of") + ": " + m.attr("reason"), 1, Integer::sum);
            out.append("  unsupported: ").append(markers.size()).append(" value").append(markers.size() == 1 ? "" : "s")
                    .append(" cannot be derived yet\n");
            reasons.forEach((r, c) -> out.append("    ").append(c).append(" × ").append(r).append('\n'));
        }
        if (g.plan() != null) out.append(planSummary(g));
        return out.toString();
    }

    static String planSummary(Graph g) {
        BufferPlan p = g.plan();
        Map<String, Long> sizes = g.sizes();
        var out = new StringBuilder();
        out.append("  buffers: ").append(p.buffers().size()).append(" values in ").append(p.slots().size()).append(" slots, ")
                .append(p.inPlaceCount()).append(" written in place; arena ").append(p.arenaBytes()).append(" bytes = ")
                .append(bytes(p.arenaBytes(), sizes)).append(", peak live ");
        out.append(Sizes.known(p.arenaBytes(), sizes) ? Sizes.human(p.peakLiveBytes(sizes)) : "?");
        out.append(", without reuse ").append(bytes(p.bytesWithoutReuse(), sizes)).append('\n');
        out.append("  weights: ").append(p.weightCount()).append(" tensors, ").append(bytes(p.weightBytes(), sizes)).append('\n');
        return out.toString();
    }

    /**
     * The buffer plan in detail: each slot with its size, then each value with its lifetime
     * ({@code k1..k3}: written by k1, last read by k3; {@code ..end} for outputs) and its place.
     */
    public static String buffers(Graph g) {
        BufferPlan p = g.plan();
        if (p == null) throw new IrException("the buffers are not planned yet: run plan-buffers first");
        Map<Node, String> names = Printer.names(g);
        var out = new StringBuilder();
        out.append("buffers ").append(g.title()).append('\n');
        for (BufferPlan.Slot s : p.slots()) out.append("  slot s").append(s.index()).append(" : ").append(s.bytes()).append(" bytes\n");
        for (BufferPlan.Buffer b : p.buffers()) {
            out.append("  ").append(names.get(b.value())).append(' ').append(b.value().type()).append("  k").append(b.def()).append("..")
                    .append(b.lastUse() == Integer.MAX_VALUE ? "end" : "k" + b.lastUse()).append("  ")
                    .append(b.slot() < 0 ? "caller's buffer" : "s" + b.slot())
                    .append(b.inPlace() ? " in place of " + names.get(b.inPlaceOf()) : "").append('\n');
        }
        return out.toString();
    }

    static String bytes(Dim d, Map<String, Long> sizes) {
        return Sizes.known(d, sizes) ? Sizes.human(Sizes.eval(d, sizes)) : d + " B";
    }

    /** The sizes the graph's symbols take in the report ({@code B=1, T=2048}). */
    static String sizesText(Graph g) {
        var used = new java.util.LinkedHashSet<String>();
        for (Node n : g.nodes()) {
            if (n.type() == null) continue;
            for (Dim d : n.type().dims()) for (var s : d.symbols()) used.add(s.name);
        }
        return g.sizes().entrySet().stream().filter(e -> used.contains(e.getKey()))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String pad(String s, int w) { return s.length() >= w ? s + " " : s + " ".repeat(w - s.length()); }
}
