package org.linlang.compiler.ast;

import java.util.List;
import org.linlang.compiler.source.Span;

/** Statements of bodies and scripts. */
public sealed interface Stmt {
    Span span();

    /** {@code let x: type = value} or {@code let (a, b) = value}. */
    record Let(Span span, Pattern pattern, TypeExpr type, Expr value) implements Stmt {}

    /** {@code x = value}: updates a recurrence state or a local variable. */
    record Assign(Span span, Ident target, Expr value) implements Stmt {}

    record Return(Span span, Expr value) implements Stmt {}

    record Emit(Span span, Expr value) implements Stmt {}

    record ExprStmt(Span span, Expr expr) implements Stmt {}

    /** {@code for i in a..b { ... }} (to != null) or {@code for x in list { ... }}. */
    record For(Span span, Ident variable, Expr from, Expr to, List<Stmt> body) implements Stmt {
        public For { body = List.copyOf(body); }
    }

    record If(Span span, Expr condition, List<Stmt> then, List<Stmt> otherwise) implements Stmt {
        public If { then = List.copyOf(then); otherwise = List.copyOf(otherwise); }
    }

    /** The left side of a {@code let}. */
    sealed interface Pattern {
        Span span();
    }

    record NamePattern(Ident name) implements Pattern {
        public Span span() { return name.span(); }
    }

    record TuplePattern(Span span, List<Pattern> parts) implements Pattern {
        public TuplePattern { parts = List.copyOf(parts); }
    }
}
