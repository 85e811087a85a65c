package org.linlang.compiler.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.types.Dim;

/**
 * One operation of the graph and the one value it produces. Immutable: passes build new graphs.
 * {@code attrs} hold the op's parameters (axes, names, constant values); {@code payload} holds
 * what does not fit in a map (a {@link RecurrenceCall}, the entry of a {@link Op#CALL}).
 * Identity is by object; {@code id} only orders nodes of one graph.
 */
public final class Node {
    private final int id;
    private final Op op;
    private final List<Node> inputs;
    private final TensorType type;
    private final Map<String, Object> attrs;
    private final Object payload;

    Node(int id, Op op, List<Node> inputs, TensorType type, Map<String, Object> attrs, Object payload) {
        this.id = id;
        this.op = op;
        this.inputs = List.copyOf(inputs);
        this.type = type;
        this.attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
        this.payload = payload;
    }

    public int id() { return id; }

    public Op op() { return op; }

    public List<Node> inputs() { return inputs; }

    public Node input(int i) { return inputs.get(i); }

    /** The value's type; null only for an unexpanded {@link Op#CALL}. */
    public TensorType type() { return type; }

    public Map<String, Object> attrs() { return attrs; }

    public Object attr(String key) { return attrs.get(key); }

    public Object payload() { return payload; }

    /** The name of an input, weight or state ({@code mixers.0.q_proj.weight}). */
    public String name() { return (String) attrs.get("name"); }

    public int intAttr(String key) { return ((Number) attrs.get(key)).intValue(); }

    public Dim dimAttr(String key) { return (Dim) attrs.get(key); }

    public boolean flag(String key) { return Boolean.TRUE.equals(attrs.get(key)); }

    @SuppressWarnings("unchecked")
    public List<Integer> intsAttr(String key) { return (List<Integer>) attrs.get(key); }

    public RecurrenceCall recurrence() { return (RecurrenceCall) payload; }

    public boolean isSource() { return op.kind == Op.Kind.SOURCE; }

    @Override public String toString() { return "%" + id + " " + op.text() + (type == null ? "" : " : " + type); }
}
