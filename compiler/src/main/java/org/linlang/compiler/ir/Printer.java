package org.linlang.compiler.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.linlang.compiler.types.Dim;

/**
 * The stable text form of a graph, one line per node:
 * <pre>
 *   %12 = matmul %3, %weight(mixers.0.q_proj.weight) {transpose_b} : f32[B, T, 128]
 * </pre>
 * Computed nodes are numbered in graph order from {@code %0}, whatever their ids, so the text
 * depends only on the graph's structure. Inputs, weights and states are written by name where
 * they are used ({@code %input(ids)}, {@code %weight(…)}, {@code %state(mixers.0.S)}) and declared
 * once at the top; scalar constants are written as literals. When the graph is grouped, each line
 * ends with its kernel ({@code [k3]}).
 */
public final class Printer {
    private Printer() {}

    public static String print(Graph g) {
        var names = names(g);
        var out = new StringBuilder();
        out.append("graph ").append(g.title()).append('\n');
        for (SizeGuard guard : g.guards()) out.append("  assume ").append(guard).append('\n');
        for (Node n : g.nodes()) {
            if (n.op() == Op.INPUT || n.op() == Op.STATE || n.op() == Op.WEIGHT) {
                out.append("  ").append(n.op().text()).append(' ').append(names.get(n)).append(" : ").append(n.type()).append('\n');
            }
        }
        for (Node n : g.nodes()) {
            if (n.isSource() && n.op() != Op.CONSTANT || inlineConstant(n)) continue;
            out.append("  ").append(line(n, names));
            if (g.grouping() != null) {
                Grouping.Group k = g.grouping().groupOf(n);
                if (k != null) out.append("  [").append(k.label()).append(']');
            }
            out.append('\n');
            String note = note(n);
            if (note != null) out.append("    // ").append(note).append('\n');
        }
        for (Graph.Output o : g.outputs()) {
            out.append("  output ").append(o.state() ? "state " : "").append(o.name()).append(" = ").append(names.get(o.node())).append('\n');
        }
        return out.toString();
    }

    /** How each node is referred to: {@code %7}, {@code %weight(name)}, {@code 1.0e-6}. */
    public static Map<Node, String> names(Graph g) {
        Map<Node, String> names = new IdentityHashMap<>();
        int next = 0;
        for (Node n : g.nodes()) {
            String s = switch (n.op()) {
                case INPUT -> "%input(" + n.name() + ")";
                case WEIGHT -> "%weight(" + n.name() + ")";
                case STATE -> "%state(" + n.name() + ")";
                default -> inlineConstant(n) ? literal(n.attr("value")) : "%" + next++;
            };
            names.put(n, s);
        }
        return names;
    }

    static boolean inlineConstant(Node n) { return n.op() == Op.CONSTANT && n.type().rank() == 0; }

    /** {@code %3 = op operands {attrs} : type}. */
    static String line(Node n, Map<Node, String> names) {
        var sb = new StringBuilder();
        sb.append(names.get(n)).append(" = ");
        switch (n.op()) {
            case CONSTANT -> sb.append("constant ").append(literal(n.attr("value")));
            case RECURRENCE -> {
                RecurrenceCall rc = n.recurrence();
                sb.append("recurrence ").append(rc.name()).append('(');
                var parts = new ArrayList<String>();
                for (int i = 0; i < n.inputs().size(); i++) parts.add(rc.inputNames().get(i) + "=" + names.get(n.input(i)));
                sb.append(String.join(", ", parts)).append(')');
                var a = new ArrayList<String>();
                rc.hostArgs().forEach((k, v) -> a.add(k + "=" + value(v)));
                if (rc.form() != null) a.add("class=" + rc.form().kind().word());
                if (rc.algorithm() != null) a.add("algorithm=" + rc.algorithm().word());
                if (!a.isEmpty()) sb.append(" {").append(String.join(", ", a)).append('}');
            }
            case CALL -> sb.append("call ").append(((EntryPoint) n.payload()).title()).append('(')
                    .append(String.join(", ", n.inputs().stream().map(names::get).toList())).append(')');
            case UNSUPPORTED -> {
                sb.append("unsupported ").append(n.attr("of"));
                operands(sb, n, names);
                attrs(sb, n, List.of("of", "reason"));
            }
            default -> {
                sb.append(n.op().text());
                operands(sb, n, names);
                attrs(sb, n, List.of("name", "value", "dtype"));
            }
        }
        if (n.type() != null) sb.append(" : ").append(n.type());
        return sb.toString();
    }

    private static void operands(StringBuilder sb, Node n, Map<Node, String> names) {
        if (n.inputs().isEmpty()) return;
        sb.append(' ').append(String.join(", ", n.inputs().stream().map(names::get).toList()));
    }

    private static void attrs(StringBuilder sb, Node n, List<String> skip) {
        var a = new ArrayList<String>();
        n.attrs().forEach((k, v) -> {
            if (skip.contains(k)) return;
            if (Boolean.TRUE.equals(v)) a.add(k);
            else if (!Boolean.FALSE.equals(v)) a.add(k + "=" + value(v));
        });
        if (!a.isEmpty()) sb.append(" {").append(String.join(", ", a)).append('}');
    }

    /** The comment printed under a node: a recurrence's algorithm and reason, a marker's reason. */
    static String note(Node n) {
        if (n.op() == Op.UNSUPPORTED) return "unsupported: " + n.attr("reason");
        if (n.op() == Op.RECURRENCE && n.recurrence().reason() != null) {
            return n.recurrence().name() + ": " + n.recurrence().algorithmWords() + ", " + n.recurrence().reason();
        }
        return null;
    }

    static String value(Object v) {
        return switch (v) {
            case Double d -> literal(d);
            case Dim d -> d.toString();
            case List<?> l -> "[" + String.join(", ", l.stream().map(Printer::value).toList()) + "]";
            default -> String.valueOf(v);
        };
    }

    /** Numbers as Lin writes them: {@code 2.0}, {@code 1.0e-6}, {@code 3}, {@code true}. */
    public static String literal(Object v) {
        if (v instanceof Double d) {
            if (d.isNaN()) return "nan";
            if (d.isInfinite()) return d > 0 ? "inf" : "-inf";
            return Double.toString(d).toLowerCase(Locale.ROOT);
        }
        return String.valueOf(v);
    }
}
