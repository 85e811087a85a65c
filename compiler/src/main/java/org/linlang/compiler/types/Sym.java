package org.linlang.compiler.types;

import java.util.concurrent.atomic.AtomicInteger;
import org.linlang.compiler.source.Span;

/**
 * A symbolic dimension: a named size such as {@code T} or a block parameter {@code d}. Rigid inside
 * the definition that introduces it; at a call site the callee's symbols are replaced by fresh
 * variables ({@code variable == true}) that unification binds. Identity matters, not the name.
 */
public final class Sym implements Comparable<Sym> {
    private static final AtomicInteger NEXT = new AtomicInteger();

    public final String name;
    public final Span origin;
    public final boolean variable;
    private final int id = NEXT.incrementAndGet();

    public Sym(String name, Span origin, boolean variable) {
        this.name = name;
        this.origin = origin;
        this.variable = variable;
    }

    @Override public int compareTo(Sym o) { return Integer.compare(id, o.id); }

    @Override public String toString() { return name; }
}
