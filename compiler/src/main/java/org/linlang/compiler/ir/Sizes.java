package org.linlang.compiler.ir;

import java.util.HashMap;
import java.util.Map;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Sym;

/** Numbers from symbolic sizes: evaluation at given B, T, …, comparisons that hold for every size, and printing. */
public final class Sizes {
    private Sizes() {}

    /** The value of a size for the named dimensions' values; an unnamed symbol is an error. */
    public static long eval(Dim d, Map<String, Long> values) {
        Map<Sym, Dim> binding = new HashMap<>();
        for (Sym s : d.symbols()) {
            Long v = values.get(s.name);
            if (v == null) throw new IrException("the size " + d + " depends on " + s.name + ", which has no value here");
            binding.put(s, Dim.of(v));
        }
        Dim r = d.substitute(binding);
        if (!r.isConstant()) throw new IrException("cannot evaluate the size " + d);
        return r.constant();
    }

    /**
     * {@code x op y} (a comparison) when it holds, or fails, for every size — sizes are never
     * negative, so {@code P + T > -1} holds and {@code T < 0} fails — else null.
     */
    public static Boolean decide(Op op, Dim x, Dim y) {
        Dim d = x.minus(y);
        // d lies in [c, ∞) when every coefficient is ≥ 0, in (−∞, c] when every one is ≤ 0
        long c = d.constant();
        boolean up = d.symbolCoefficients().stream().allMatch(k -> k >= 0);
        boolean down = d.symbolCoefficients().stream().allMatch(k -> k <= 0);
        Boolean positive = up && c > 0 ? Boolean.TRUE : down && c <= 0 ? Boolean.FALSE : null;   // d > 0
        Boolean negative = down && c < 0 ? Boolean.TRUE : up && c >= 0 ? Boolean.FALSE : null;   // d < 0
        boolean zero = d.isConstant() && c == 0;
        return switch (op) {
            case GT -> positive;
            case LE -> positive == null ? null : !positive;
            case LT -> negative;
            case GE -> negative == null ? null : !negative;
            case EQ -> zero ? Boolean.TRUE : Boolean.TRUE.equals(positive) || Boolean.TRUE.equals(negative) ? Boolean.FALSE : null;
            case NE -> zero ? Boolean.FALSE : Boolean.TRUE.equals(positive) || Boolean.TRUE.equals(negative) ? Boolean.TRUE : null;
            default -> throw new IllegalArgumentException(op.text() + " is not a comparison");
        };
    }

    /** {@code x op y} for numbers. */
    public static boolean compare(Op op, long x, long y) {
        return switch (op) {
            case GT -> x > y;
            case GE -> x >= y;
            case LT -> x < y;
            case LE -> x <= y;
            case EQ -> x == y;
            case NE -> x != y;
            default -> throw new IllegalArgumentException(op.text() + " is not a comparison");
        };
    }

    /** Whether {@code d} has a value for these dimensions. */
    public static boolean known(Dim d, Map<String, Long> values) {
        for (Sym s : d.symbols()) if (!values.containsKey(s.name)) return false;
        return true;
    }

    /**
     * Whether a buffer of {@code big} bytes can hold {@code small} bytes for every positive value of
     * the symbols: the sizes are equal, or {@code big / small} is a polynomial with positive
     * coefficients that is at least 1 when every symbol is 1.
     */
    public static boolean fits(Dim big, Dim small) {
        if (big.equals(small)) return true;
        Dim q = big.dividedBy(small);
        if (q == null || q.toString().contains("-")) return false;
        Map<Sym, Dim> ones = new HashMap<>();
        for (Sym s : q.symbols()) ones.put(s, Dim.of(1));
        Dim atOne = q.substitute(ones);
        return atOne.isConstant() && atOne.constant() >= 1;
    }

    /** Whether {@code whole} is a whole multiple of {@code part} (the part broadcasts over the rest). */
    public static boolean divides(Dim whole, Dim part) {
        if (whole.equals(part)) return true;
        Dim q = whole.dividedBy(part);
        return q != null && !q.toString().contains("-");
    }

    /** {@code 1.50 MiB}: bytes as people read them. */
    public static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.2f %s", v, units[u]);
    }
}
