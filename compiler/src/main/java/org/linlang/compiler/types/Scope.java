package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.source.Span;

/** Names visible at a point of a program, innermost first. */
public final class Scope {
    public enum Kind {
        /** A global definition, builtin or imported name. */
        GLOBAL,
        /** An immutable value: parameter, loop variable, field. */
        VALUE,
        /** A {@code let}: may be reassigned with a value of the same type. */
        VARIABLE,
        /** A recurrence state: may be reassigned, and must keep its shape. */
        STATE,
        /** A block's {@code state} member inside one of its methods: may be reassigned, its free dimensions may change. */
        BLOCK_STATE,
        /** A symbolic dimension introduced by a signature ({@code B}, {@code T}). */
        DIM
    }

    public record Binding(String name, Type type, Kind kind, Span declared) {}

    private final Scope parent;
    private final Map<String, Binding> names = new LinkedHashMap<>();

    public Scope(Scope parent) {
        this.parent = parent;
    }

    public Scope child() { return new Scope(this); }

    public Binding lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Binding b = s.names.get(name);
            if (b != null) return b;
        }
        return null;
    }

    /** The scope (this or an enclosing one) that binds a name, or null. */
    public Scope owner(String name) {
        for (Scope s = this; s != null; s = s.parent) if (s.names.containsKey(name)) return s;
        return null;
    }

    /** The binding in this scope only (to detect duplicates). */
    public Binding local(String name) { return names.get(name); }

    public void define(Binding b) { names.put(b.name(), b); }

    public void define(String name, Type type, Kind kind, Span declared) { define(new Binding(name, type, kind, declared)); }

    /** Every visible name, for "did you mean" hints and completion. */
    public List<String> visibleNames() {
        var out = new ArrayList<String>();
        for (Scope s = this; s != null; s = s.parent) out.addAll(s.names.keySet());
        return out;
    }

    public Map<String, Binding> localBindings() { return names; }
}
