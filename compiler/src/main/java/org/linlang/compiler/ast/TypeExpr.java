package org.linlang.compiler.ast;

import java.util.List;
import org.linlang.compiler.source.Span;

/** Types as written in source; the checker turns them into {@code types.Type}. */
public sealed interface TypeExpr {
    Span span();

    /** {@code int}, {@code f32} (a scalar of that element type), or a block's name. */
    record Named(Ident name) implements TypeExpr {
        public Span span() { return name.span(); }
    }

    /** {@code f32[B, T, d]} or {@code [.., D]} (element type left open when dtype is null). */
    record Tensor(Span span, Ident dtype, List<DimExpr> dims) implements TypeExpr {
        public Tensor { dims = List.copyOf(dims); }
    }

    record Tuple(Span span, List<TypeExpr> parts) implements TypeExpr {
        public Tuple { parts = List.copyOf(parts); }
    }

    /** One dimension of a tensor type. */
    sealed interface DimExpr {
        Span span();
    }

    /** {@code ..}: any number of leading dimensions. */
    record Rest(Span span) implements DimExpr {}

    record DimName(Ident name) implements DimExpr {
        public Span span() { return name.span(); }
    }

    record DimLit(Span span, long value) implements DimExpr {}

    record DimBinary(Span span, char op, DimExpr left, DimExpr right) implements DimExpr {}
}
