package org.linlang.runtime.cli;

import java.util.Locale;
import org.graalvm.polyglot.Value;
import org.linlang.runtime.truffle.values.LinFormat;

/** How the REPL shows values and times. */
final class ReplFormat {
    private ReplFormat() {}

    /** A value as Lin writes it: strings quoted, floats like {@code 1e-06}, lists and tensors as they print. */
    static String show(Value v) {
        if (v.isString()) return LinFormat.repr(v.asString());
        if (v.isBoolean()) return LinFormat.repr(v.asBoolean());
        if (v.isNumber()) {
            Object o = v.as(Object.class);
            if (o instanceof Long || o instanceof Double) return LinFormat.repr(o);
        }
        return v.toString();
    }

    /** A duration in nanoseconds with 4 significant digits and a unit that suits it. */
    static String duration(double nanos) {
        if (nanos < 1e3) return String.format(Locale.ROOT, "%.0f ns", nanos);
        if (nanos < 1e6) return String.format(Locale.ROOT, "%.4g us", nanos / 1e3);
        if (nanos < 1e9) return String.format(Locale.ROOT, "%.4g ms", nanos / 1e6);
        return String.format(Locale.ROOT, "%.4g s", nanos / 1e9);
    }
}
