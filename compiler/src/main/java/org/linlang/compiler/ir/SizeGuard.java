package org.linlang.compiler.ir;

import java.util.Map;
import org.linlang.compiler.types.Dim;

/**
 * A comparison of symbolic sizes that decided the shape of a graph — {@code P + T > window - 1}
 * choosing whether a sliding-window cache is cut to its window — and how it came out for the sizes
 * of the call the graph was compiled for. No tensor op can stand for it (the two branches give
 * values of different shapes), so the graph holds only for sizes where it comes out the same: an
 * engine checks its guards on every call and compiles another graph where one fails.
 */
public record SizeGuard(Dim left, Op op, Dim right, boolean outcome) {
    public SizeGuard {
        if (!op.isComparison()) throw new IllegalArgumentException(op.text() + " is not a comparison");
    }

    /** Whether the comparison comes out as it did for these sizes. */
    public boolean holds(Map<String, Long> sizes) {
        return Sizes.compare(op, Sizes.eval(left, sizes), Sizes.eval(right, sizes)) == outcome;
    }

    /** {@code P + T > 7}, or {@code not P + T > 7}. */
    @Override public String toString() {
        String c = left + " " + symbol(op) + " " + right;
        return outcome ? c : "not " + c;
    }

    private static String symbol(Op op) {
        return switch (op) {
            case GT -> ">";
            case GE -> ">=";
            case LT -> "<";
            case LE -> "<=";
            case EQ -> "==";
            default -> "!=";
        };
    }
}
