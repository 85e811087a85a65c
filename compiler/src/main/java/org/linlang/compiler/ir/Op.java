package org.linlang.compiler.ir;

import java.util.Locale;

/**
 * The operations of the graph, one per builtin or operator of Lin, plus the sources (inputs,
 * weights, states, constants), the recurrence node and the markers. Each has a {@link Kind} that
 * the passes (fusion above all) reason about; the shape rule of each is in {@link OpRules}.
 */
public enum Op {
    // sources: no inputs, no kernel
    INPUT(Kind.SOURCE), WEIGHT(Kind.SOURCE), STATE(Kind.SOURCE), CONSTANT(Kind.SOURCE),
    // generators: values computed from indices inside whichever kernel reads them; size: a symbolic size's
    // value (P + T) as a scalar, from the sizes bound when the graph runs
    ARANGE(Kind.GENERATOR), CAUSAL_MASK(Kind.GENERATOR), RANDOM(Kind.GENERATOR), SIZE(Kind.GENERATOR),
    // elementwise, unary
    NEG(Kind.ELEMENTWISE), NOT(Kind.ELEMENTWISE), EXP(Kind.ELEMENTWISE), LOG(Kind.ELEMENTWISE),
    SQRT(Kind.ELEMENTWISE), RSQRT(Kind.ELEMENTWISE), TANH(Kind.ELEMENTWISE), SIGMOID(Kind.ELEMENTWISE),
    SILU(Kind.ELEMENTWISE), SOFTPLUS(Kind.ELEMENTWISE), GELU(Kind.ELEMENTWISE), RELU(Kind.ELEMENTWISE),
    ABS(Kind.ELEMENTWISE), ELU(Kind.ELEMENTWISE), SIN(Kind.ELEMENTWISE), COS(Kind.ELEMENTWISE),
    CAST(Kind.ELEMENTWISE),
    // elementwise, binary (numpy broadcasting)
    ADD(Kind.ELEMENTWISE), SUB(Kind.ELEMENTWISE), MUL(Kind.ELEMENTWISE), DIV(Kind.ELEMENTWISE),
    MOD(Kind.ELEMENTWISE), POW(Kind.ELEMENTWISE), MAXIMUM(Kind.ELEMENTWISE), MINIMUM(Kind.ELEMENTWISE),
    EQ(Kind.ELEMENTWISE), NE(Kind.ELEMENTWISE), LT(Kind.ELEMENTWISE), LE(Kind.ELEMENTWISE),
    GT(Kind.ELEMENTWISE), GE(Kind.ELEMENTWISE), AND(Kind.ELEMENTWISE), OR(Kind.ELEMENTWISE),
    WHERE(Kind.ELEMENTWISE),
    // reductions along axes, and row-wise operations along one axis
    SUM(Kind.REDUCE), MEAN(Kind.REDUCE), MAX(Kind.REDUCE), MIN(Kind.REDUCE), ARGMAX(Kind.REDUCE),
    SOFTMAX(Kind.REDUCE), CUMSUM(Kind.REDUCE),
    MATMUL(Kind.MATMUL),
    // layout: bijective views (reshape shares the buffer; transpose permutes the index)
    RESHAPE(Kind.LAYOUT), TRANSPOSE(Kind.LAYOUT),
    // gathers: read a buffer at computed positions (need the input materialised)
    SLICE(Kind.GATHER), SELECT(Kind.GATHER), SHIFT(Kind.GATHER), CONCAT(Kind.GATHER), STACK(Kind.GATHER),
    TAKE(Kind.GATHER),
    RECURRENCE(Kind.RECURRENCE), STATE_OUT(Kind.STATE_OUT),
    /** A value the middle end cannot derive yet (conv caches, KV caches): kept with its reason. */
    UNSUPPORTED(Kind.UNSUPPORTED),
    /** A call of the entry point before pass 1 inlines it. */
    CALL(Kind.CALL);

    public enum Kind { SOURCE, GENERATOR, ELEMENTWISE, REDUCE, MATMUL, LAYOUT, GATHER, RECURRENCE, STATE_OUT, UNSUPPORTED, CALL }

    public final Kind kind;

    Op(Kind kind) { this.kind = kind; }

    /** The name printed in the IR: {@code matmul}, {@code causal_mask}. */
    public String text() { return name().toLowerCase(Locale.ROOT); }

    public boolean isUnary() { return kind == Kind.ELEMENTWISE && ordinal() <= CAST.ordinal(); }

    public boolean isBinary() { return ordinal() >= ADD.ordinal() && ordinal() <= OR.ordinal(); }

    public boolean isComparison() { return ordinal() >= EQ.ordinal() && ordinal() <= GE.ordinal(); }

    /** Reductions that shrink axes (as opposed to softmax and cumsum, which keep the shape). */
    public boolean shrinks() { return this == SUM || this == MEAN || this == MAX || this == MIN || this == ARGMAX; }

    public static Op byText(String text) {
        for (Op op : values()) if (op.text().equals(text)) return op;
        return null;
    }
}
