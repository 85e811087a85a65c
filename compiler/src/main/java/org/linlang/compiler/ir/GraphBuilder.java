package org.linlang.compiler.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends nodes in order, typing each one with {@link OpRules}, so that every graph it builds is
 * topologically ordered and well typed by construction. Inputs, weights and states are created
 * once per name.
 */
public final class GraphBuilder {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> named = new HashMap<>();
    private int nextId;

    public List<Node> nodes() { return nodes; }

    /** A node typed by its op's rule. */
    public Node add(Op op, List<Node> inputs, Map<String, Object> attrs) {
        return add(op, inputs, attrs, null, null);
    }

    /**
     * A node of any op. {@code declared} is the type of ops that state theirs (sources, reshape,
     * markers); other ops derive it. The payload of a {@code state_out} is its recurrence's call.
     */
    public Node add(Op op, List<Node> inputs, Map<String, Object> attrs, Object payload, TensorType declared) {
        if (op == Op.STATE_OUT && payload == null && !inputs.isEmpty()) payload = inputs.getFirst().payload();
        var types = new ArrayList<TensorType>();
        for (Node i : inputs) {
            if (i.type() == null) throw new IrException(op.text() + " reads the result of an unexpanded call");
            types.add(i.type());
        }
        TensorType t = OpRules.infer(op, types, attrs, payload, declared);
        Node n = new Node(nextId++, op, inputs, t, attrs, payload);
        nodes.add(n);
        return n;
    }

    /** A copy of a node of another graph, reading {@code inputs}; sources are shared by name. */
    public Node copy(Node old, List<Node> inputs) {
        if (old.op() == Op.INPUT || old.op() == Op.WEIGHT || old.op() == Op.STATE) return source(old.op(), old.name(), old.type(), old.attrs());
        Object payload = old.op() == Op.STATE_OUT ? null : old.payload();
        return add(old.op(), inputs, old.attrs(), payload, declaredType(old));
    }

    /** The type a node states for itself (rather than derives), or null. */
    public static TensorType declaredType(Node n) {
        return switch (n.op()) {
            case INPUT, WEIGHT, STATE, CONSTANT, RANDOM, SIZE, RESHAPE, UNSUPPORTED -> n.type();
            default -> null;
        };
    }

    public Node input(String name, TensorType type) { return source(Op.INPUT, name, type, Map.of()); }

    public Node weight(String name, TensorType type) { return source(Op.WEIGHT, name, type, Map.of()); }

    public Node state(String name, TensorType type) { return source(Op.STATE, name, type, Map.of()); }

    private Node source(Op op, String name, TensorType type, Map<String, Object> extra) {
        String key = op.text() + ":" + name;
        Node existing = named.get(key);
        if (existing != null) {
            if (!existing.type().equals(type)) throw new IrException(op.text() + " " + name + " is used as " + existing.type() + " and as " + type);
            return existing;
        }
        var attrs = new LinkedHashMap<String, Object>(extra);
        attrs.put("name", name);
        Node n = add(op, List.of(), attrs, null, type);
        named.put(key, n);
        return n;
    }

    /** A constant: one value everywhere in {@code type} (a scalar when the type has no dimensions). */
    public Node constant(Object value, TensorType type) {
        return add(Op.CONSTANT, List.of(), Map.of("value", value), null, type);
    }

    /** The value of a size ({@code P + T}) as a scalar of {@code dtype}: a constant when the size is one, else a {@link Op#SIZE} node. */
    public Node size(org.linlang.compiler.types.Dim d, org.linlang.compiler.types.DType dtype) {
        if (d.isConstant()) return constant(Scalars.as(d.constant(), dtype), TensorType.scalar(dtype));
        return add(Op.SIZE, List.of(), Map.of("dim", d), null, TensorType.scalar(dtype));
    }

    /** Attributes in the order given: {@code attrs("axis", 1, "by", 3L)}. */
    public static Map<String, Object> attrs(Object... kv) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
