package org.linlang.compiler.ast;

import java.util.List;
import org.linlang.compiler.source.Span;

/** Expressions. */
public sealed interface Expr {
    Span span();

    record IntLit(Span span, long value) implements Expr {}

    record FloatLit(Span span, double value) implements Expr {}

    record StringLit(Span span, String value) implements Expr {}

    record BoolLit(Span span, boolean value) implements Expr {}

    /** {@code none}: the absent value of an optional parameter. */
    record NoneLit(Span span) implements Expr {}

    record Name(Ident ident) implements Expr {
        public Span span() { return ident.span(); }
        public String name() { return ident.name(); }
    }

    record ListLit(Span span, List<Expr> elements) implements Expr {
        public ListLit { elements = List.copyOf(elements); }
    }

    record TupleLit(Span span, List<Expr> elements) implements Expr {
        public TupleLit { elements = List.copyOf(elements); }
    }

    record Call(Span span, Expr callee, List<Arg> args) implements Expr {
        public Call { args = List.copyOf(args); }
    }

    /** A call argument, positional (name == null) or named. */
    record Arg(Span span, Ident name, Expr value) {}

    record Member(Span span, Expr target, Ident member) implements Expr {}

    record Index(Span span, Expr target, List<IndexItem> items) implements Expr {
        public Index { items = List.copyOf(items); }
    }

    sealed interface IndexItem {
        Span span();
    }

    record At(Span span, Expr index) implements IndexItem {}

    /** {@code lo:hi:step}, each part optional (null). */
    record Slice(Span span, Expr lo, Expr hi, Expr step) implements IndexItem {}

    /** {@code ..}: every remaining axis. */
    record Ellipsis(Span span) implements IndexItem {}

    record Binary(Span span, BinaryOp op, Expr left, Expr right) implements Expr {}

    record Unary(Span span, UnaryOp op, Expr operand) implements Expr {}

    /** {@code x as [B, T, H, K]} reshapes; {@code x as bf16} converts the element type. */
    record As(Span span, Expr value, TypeExpr type) implements Expr {}

    record If(Span span, Expr condition, Expr then, Expr otherwise) implements Expr {}

    /** {@code for i in a..b: body} (to != null) or {@code for x in list: body}: builds a list. */
    record For(Span span, Ident variable, Expr from, Expr to, Expr body) implements Expr {}

    /** {@code time { … }}: runs the body several times and gives the median seconds of one run. */
    record Time(Span span, List<Stmt> body) implements Expr {
        public Time { body = List.copyOf(body); }
    }

    enum BinaryOp {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), MATMUL("@"), POW("**"),
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), AND("and"), OR("or");

        public final String symbol;

        BinaryOp(String symbol) { this.symbol = symbol; }

        public boolean isComparison() { return this.ordinal() >= EQ.ordinal() && this.ordinal() <= GE.ordinal(); }

        public boolean isLogical() { return this == AND || this == OR; }

        public static BinaryOp of(String symbol) {
            for (BinaryOp op : values()) if (op.symbol.equals(symbol)) return op;
            throw new IllegalArgumentException(symbol);
        }
    }

    enum UnaryOp {
        NEG("-"), NOT("not");

        public final String symbol;

        UnaryOp(String symbol) { this.symbol = symbol; }
    }
}
