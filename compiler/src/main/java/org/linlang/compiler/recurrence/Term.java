package org.linlang.compiler.recurrence;

import java.util.List;
import org.linlang.compiler.source.Span;
import org.linlang.compiler.types.Dim;

/**
 * One term of a value that is linear in a state: {@code coeff · xᵀ · L · S · R · w}, where S is the
 * state (of one version, see {@link #version}), L and R are operators on its rows and columns, and
 * the contractions x (over rows) and w (over columns) are present when the term has been reduced
 * to a vector or a scalar (then L, respectively R, is folded into them and is the identity).
 *
 * <p>A term the algebra cannot describe (an elementwise product with a full matrix, a reduction,
 * a call it does not look into) is kept, still linear, as <em>opaque</em>, with the reason.
 *
 * @param state      the state's name
 * @param dims       the state's dimensions: [K] for a vector state, [K, V] for a matrix state
 * @param version    0 for S_{t-1}; n after the n-th assignment of the step (only the output's
 *                   analysis uses versions above 0)
 * @param coeff      a scalar factor
 * @param left       the operator on rows (identity when x is present)
 * @param right      the operator on columns (identity when w is present)
 * @param x          the row contraction vector, or null
 * @param w          the column contraction vector, or null
 * @param transposed whether the term is the transpose of the full matrix {@code L S R}
 * @param opaque     why the algebra could not follow the term, or null
 * @param origin     where the term got its present form (a rank-1 operator: the outer product)
 */
record Term(String state, List<Dim> dims, int version, Factors coeff, Op left, Op right, Factors x, Factors w,
            boolean transposed, String opaque, Span origin) {

    /** An operator on the rows (or columns) of a state. */
    sealed interface Op {}

    /** The identity. */
    record Id() implements Op {}

    /** {@code diag(d)}: scales each row (column) by the vector d. */
    record Diag(Factors d) implements Op {}

    /** {@code a bᵀ}: a rank-one operator. */
    record Rank1(Factors a, Factors b) implements Op {}

    static final Op ID = new Id();

    /** The state itself, S. */
    static Term of(String state, List<Dim> dims, int version, Span origin) {
        return new Term(state, dims, version, Factors.ONE, ID, ID, null, null, false, null, origin);
    }

    boolean rowsKept() { return x == null; }

    int stateRank() { return dims.size(); }

    boolean colsKept() { return dims.size() == 2 && w == null; }

    /** The number of axes of the term's value: 2 for a full matrix, 0 for a scalar. */
    int rank() { return (rowsKept() ? 1 : 0) + (colsKept() ? 1 : 0); }

    boolean isOpaque() { return opaque != null; }

    Term withCoeff(Factors c) { return new Term(state, dims, version, c, left, right, x, w, transposed, opaque, origin); }

    Term scaled(Factors f) { return withCoeff(coeff.times(f)); }

    Term negated() { return withCoeff(coeff.negate()); }

    Term opaque(String why, Span at) {
        if (opaque != null) return this;
        return new Term(state, dims, version, coeff, left, right, x, w, transposed, why, at);
    }

    Term with(Op newLeft, Op newRight, Factors newX, Factors newW, boolean newTransposed, Span newOrigin) {
        return new Term(state, dims, version, coeff, newLeft, newRight, newX, newW, newTransposed, opaque, newOrigin);
    }
}
