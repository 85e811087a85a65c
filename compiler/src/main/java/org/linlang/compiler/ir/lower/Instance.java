package org.linlang.compiler.ir.lower;

import org.linlang.compiler.ast.Decl;

/**
 * A constructed block: its parameters and members in {@link #env}, and where it sits in the model
 * ({@code mixers.3}), which names its weights ({@code mixers.3.q_proj.weight}) as checkpoints do.
 */
final class Instance {
    final Decl.Block decl;
    final Env env;
    private Instance owner;
    private String localName;

    Instance(Decl.Block decl, Env env) {
        this.decl = decl;
        this.env = env;
    }

    /** Makes this instance the member {@code name} of {@code owner}, unless it already belongs somewhere. */
    void adopt(Instance newOwner, String name) {
        if (owner != null || newOwner == this) return;
        owner = newOwner;
        localName = name;
    }

    /** The dotted path from the top of the model; empty for the top itself. */
    String path() {
        if (owner == null) return "";
        String p = owner.path();
        return p.isEmpty() ? localName : p + "." + localName;
    }

    Decl.Method method(String name) {
        for (Decl.Member m : decl.members()) if (m instanceof Decl.Method method && method.name().name().equals(name)) return method;
        return null;
    }
}
