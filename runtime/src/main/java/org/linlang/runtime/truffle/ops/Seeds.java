package org.linlang.runtime.truffle.ops;

import java.util.Map;
import java.util.WeakHashMap;
import org.linlang.runtime.truffle.LinContext;

/**
 * Seeds of {@code rand} and {@code randn} called without {@code seed = …}: 0, 1, 2, … in the order of
 * the calls of one context, so a program draws different numbers at each call and the same numbers
 * at every run.
 */
final class Seeds {
    private static final Map<LinContext, long[]> NEXT = new WeakHashMap<>();

    private Seeds() {}

    static synchronized long next(LinContext context) {
        long[] n = NEXT.computeIfAbsent(context, k -> new long[1]);
        return n[0]++;
    }
}
