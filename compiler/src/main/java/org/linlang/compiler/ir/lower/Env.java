package org.linlang.compiler.ir.lower;

import java.util.HashMap;
import java.util.Map;

/** A scope of names while lowering: locals, parameters, signature dimensions, a block's members. */
final class Env {
    private final Env parent;
    private final Map<String, Value> vars = new HashMap<>();

    Env(Env parent) { this.parent = parent; }

    Value lookup(String name) {
        for (Env e = this; e != null; e = e.parent) {
            Value v = e.vars.get(name);
            if (v != null) return v;
        }
        return null;
    }

    Value local(String name) { return vars.get(name); }

    void define(String name, Value v) { vars.put(name, v); }

    /** The scope that defines a name (the innermost), or null. */
    Env owner(String name) {
        for (Env e = this; e != null; e = e.parent) if (e.vars.containsKey(name)) return e;
        return null;
    }

    /** Updates the innermost definition of a name; false when there is none. */
    boolean assign(String name, Value v) {
        for (Env e = this; e != null; e = e.parent) {
            if (e.vars.containsKey(name)) {
                e.vars.put(name, v);
                return true;
            }
        }
        return false;
    }
}
