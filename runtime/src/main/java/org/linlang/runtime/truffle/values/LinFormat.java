package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * How values print. {@link #str} is what {@code print} and {@code str()} show (strings as they
 * are); {@link #repr} is how values show inside lists and tuples (strings quoted). Floats print like
 * Python's {@code repr}: the shortest digits that read back to the same double, e.g. {@code 0.1},
 * {@code 2.0}, {@code 1e-06}, {@code 1e+16}.
 */
public final class LinFormat {
    private LinFormat() {}

    @TruffleBoundary
    public static String str(Object value) {
        return value instanceof String s ? s : repr(value);
    }

    @TruffleBoundary
    public static String repr(Object value) {
        var out = new StringBuilder();
        appendRepr(out, value);
        return out.toString();
    }

    private static void appendRepr(StringBuilder out, Object value) {
        switch (value) {
            case Long l -> out.append(l.longValue());
            case Double d -> out.append(formatFloat(d));
            case Boolean b -> out.append(b ? "true" : "false");
            case String s -> quote(out, s);
            case LinList l -> {
                out.append('[');
                appendItems(out, l.items());
                out.append(']');
            }
            case LinTuple t -> {
                out.append('(');
                appendItems(out, t.items());
                if (t.size() == 1) out.append(',');
                out.append(')');
            }
            default -> out.append(value);
        }
    }

    private static void appendItems(StringBuilder out, Object[] items) {
        for (int i = 0; i < items.length; i++) {
            if (i > 0) out.append(", ");
            appendRepr(out, items[i]);
        }
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append("\\0");
                default -> out.append(c);
            }
        }
        out.append('"');
    }

    /** Python's {@code repr(float)}. */
    @TruffleBoundary
    public static String formatFloat(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0.0) return (1.0 / d < 0) ? "-0.0" : "0.0";
        String sign = d < 0 ? "-" : "";
        // Java's Double.toString gives the shortest digits that round-trip (JDK 19 and later).
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        if (exact.precision() == 2) {
            // Double.toString writes at least two digits in scientific notation (4.9E-324 where 5e-324
            // reads back the same); Python's repr writes the shortest.
            BigDecimal one = new BigDecimal(Math.abs(d)).round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (one.doubleValue() == Math.abs(d)) exact = one.stripTrailingZeros();
        }
        String digits = exact.unscaledValue().toString();
        int decimalPoint = digits.length() - exact.scale(); // value = 0.DIGITS × 10^decimalPoint
        var out = new StringBuilder(sign);
        if (decimalPoint > -4 && decimalPoint <= 16) {
            if (decimalPoint <= 0) {
                out.append("0.").append("0".repeat(-decimalPoint)).append(digits);
            } else if (decimalPoint >= digits.length()) {
                out.append(digits).append("0".repeat(decimalPoint - digits.length())).append(".0");
            } else {
                out.append(digits, 0, decimalPoint).append('.').append(digits, decimalPoint, digits.length());
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) out.append('.').append(digits, 1, digits.length());
            int exponent = decimalPoint - 1;
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) out.append('0');
            out.append(abs);
        }
        return out.toString();
    }
}
