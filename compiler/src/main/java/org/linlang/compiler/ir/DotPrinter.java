package org.linlang.compiler.ir;

import java.util.Map;

/**
 * A Graphviz rendering ({@code lin kernels --dot}): one box per node, one cluster per kernel,
 * inputs, weights and states as notes, edges from inputs to users.
 */
public final class DotPrinter {
    private DotPrinter() {}

    public static String print(Graph g) {
        Map<Node, String> names = Printer.names(g);
        var out = new StringBuilder();
        out.append("digraph \"").append(esc(g.title())).append("\" {\n");
        out.append("  rankdir=TB;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n");
        for (Node n : g.nodes()) {
            if (n.isSource()) {
                if (n.op() == Op.CONSTANT && n.type().rank() == 0) continue;
                String label = n.op() == Op.CONSTANT ? "constant " + Printer.literal(n.attr("value")) + "\\n" + n.type() : n.op().text() + " " + n.name() + "\\n" + n.type();
                out.append("  n").append(n.id()).append(" [shape=note, label=\"").append(esc(label)).append("\"];\n");
            }
        }
        if (g.grouping() != null) {
            for (Grouping.Group k : g.grouping().groups()) {
                out.append("  subgraph cluster_").append(k.label()).append(" {\n");
                out.append("    label=\"").append(k.label()).append(' ').append(esc(k.title())).append("\";\n");
                out.append("    style=").append(k.isKernel() ? "rounded" : "dashed").append(";\n");
                for (Node n : k.members()) out.append("    ").append(node(n, names)).append('\n');
                out.append("  }\n");
            }
            for (Node n : g.nodes()) {
                if (!n.isSource() && g.grouping().groupOf(n) == null) out.append("  ").append(node(n, names).replace("];", ", style=dotted];")).append('\n');
            }
        } else {
            for (Node n : g.nodes()) if (!n.isSource()) out.append("  ").append(node(n, names)).append('\n');
        }
        for (Node n : g.nodes()) {
            for (Node i : n.inputs()) {
                if (i.op() == Op.CONSTANT && i.type().rank() == 0) continue;
                out.append("  n").append(i.id()).append(" -> n").append(n.id()).append(";\n");
            }
        }
        for (Graph.Output o : g.outputs()) {
            out.append("  out_").append(safe(o.name())).append(" [shape=oval, label=\"").append(esc(o.name())).append("\"];\n");
            out.append("  n").append(o.node().id()).append(" -> out_").append(safe(o.name())).append(";\n");
        }
        out.append("}\n");
        return out.toString();
    }

    private static String node(Node n, Map<Node, String> names) {
        String label = names.get(n) + " " + (n.op() == Op.UNSUPPORTED ? "unsupported " + n.attr("of") : n.op() == Op.RECURRENCE ? "recurrence " + n.recurrence().name()
                : n.op() == Op.SIZE ? "size " + n.dimAttr("dim") : n.op().text())
                + "\\n" + (n.type() == null ? "?" : n.type());
        return "n" + n.id() + " [label=\"" + esc(label) + "\"];";
    }

    private static String esc(String s) { return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\\\\n", "\\n"); }

    private static String safe(String s) { return s.replaceAll("[^A-Za-z0-9_]", "_"); }
}
