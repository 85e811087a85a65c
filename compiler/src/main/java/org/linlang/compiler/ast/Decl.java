package org.linlang.compiler.ast;

import java.util.List;
import org.linlang.compiler.source.Span;

/** The four kinds of definition. */
public sealed interface Decl {
    Span span();
    Ident name();
    String doc();
    List<Param> params();

    /** {@code fn name(params) -> result = expr} or with a statement body. */
    record Fn(Span span, String doc, Ident name, List<Param> params, TypeExpr result, List<Stmt> body)
            implements Decl {
        public Fn { params = List.copyOf(params); body = List.copyOf(body); }
    }

    /** One time step of a recurrence: inputs per step, states carried over time, one {@code emit}. */
    record Recurrence(Span span, String doc, Ident name, List<Param> params, TypeExpr output,
                      List<State> states, List<Stmt> body) implements Decl {
        public Recurrence { params = List.copyOf(params); states = List.copyOf(states); body = List.copyOf(body); }
    }

    /** {@code state S: [K, V] = 0}. */
    record State(Span span, Ident name, TypeExpr type, Expr init) {}

    /** A {@code block} (a layer) or a {@code model} (a top-level stack of blocks). */
    record Block(Span span, String doc, boolean isModel, Ident name, List<Param> params, List<Member> members)
            implements Decl {
        public Block { params = List.copyOf(params); members = List.copyOf(members); }

        public String kindWord() { return isModel ? "model" : "block"; }
    }

    /** What a block holds: tensor parameters, fields (sub-blocks, constants) and methods. */
    sealed interface Member {
        Span span();
        Ident name();
    }

    /** {@code A_log: f32[heads]} — a learned tensor, optionally with an initial value. */
    record TensorParam(Span span, Ident name, TypeExpr type, Expr init) implements Member {}

    /**
     * {@code state cache: f32[B, kernel - 1, channels]}: per-session memory of an instance (a recurrent
     * state, a conv or KV cache), not a weight. {@code init} is null or the literal {@code 0}.
     */
    record StateMember(Span span, Ident name, TypeExpr type, Expr init) implements Member {}

    /** {@code q_proj = Linear(d, d)}. */
    record Field(Span span, Ident name, Expr value) implements Member {}

    /** {@code forward(x: [B, T, d]) -> [B, T, d] { ... }}. */
    record Method(Span span, String doc, Ident name, List<Param> params, TypeExpr result, List<Stmt> body)
            implements Member {
        public Method { params = List.copyOf(params); body = List.copyOf(body); }
    }
}
