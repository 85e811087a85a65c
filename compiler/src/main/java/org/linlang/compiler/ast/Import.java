package org.linlang.compiler.ast;

import java.util.List;
import org.linlang.compiler.source.Span;

/**
 * {@code import std.nn.{Linear, RMSNorm as Norm}}, {@code import std.nn.*} or {@code import std.nn}
 * (the last binds the module's last path segment, here {@code nn}, for {@code nn.Linear}).
 */
public record Import(Span span, List<Ident> path, List<Item> items, boolean star) {
    public Import {
        path = List.copyOf(path);
        items = items == null ? null : List.copyOf(items);
    }

    public record Item(Ident name, Ident alias) {
        public Ident boundName() { return alias != null ? alias : name; }
    }

    public String dottedPath() {
        return String.join(".", path.stream().map(Ident::name).toList());
    }
}
