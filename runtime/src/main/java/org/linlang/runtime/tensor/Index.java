package org.linlang.runtime.tensor;

/**
 * One item of numpy-style basic indexing, for {@link Tensor#index(Index...)}: {@code x[0, 1:5:2, None, ...]}
 * is {@code x.index(at(0), range(1L, 5L, 2), newAxis(), ellipsis())}. Every result is a view.
 */
public sealed interface Index {

    /** A single position: removes the axis. Negative positions count from the end. */
    record At(long position) implements Index {}

    /** {@code start:stop:step} with Python's rules: null bounds are open, negatives count from the end, out-of-range bounds are clamped. */
    record Range(Long start, Long stop, long step) implements Index {
        public Range {
            if (step == 0) throw new IllegalArgumentException("slice step cannot be zero");
        }

        /** {first position, count, step} of this range over an axis of the given size (Python's slice.indices). */
        long[] resolve(long size) {
            boolean up = step > 0;
            long lower = up ? 0 : -1, upper = up ? size : size - 1;
            long first = start == null ? (up ? lower : upper) : clamp(start, size, lower, upper);
            long end = stop == null ? (up ? upper : lower) : clamp(stop, size, lower, upper);
            long count = up ? Math.max(0, Math.ceilDiv(end - first, step)) : Math.max(0, Math.ceilDiv(first - end, -step));
            return new long[] {first, count, step};
        }

        private static long clamp(long bound, long size, long lower, long upper) {
            if (bound < 0) return Math.max(bound + size, lower);
            return Math.min(bound, upper);
        }
    }

    /** Inserts an axis of size 1 ({@code None} in numpy). */
    record NewAxis() implements Index {}

    /** Stands for as many full axes as needed ({@code ...}); at most one per index. */
    record Ellipsis() implements Index {}

    static Index at(long position) { return new At(position); }

    static Index range(Long start, Long stop) { return new Range(start, stop, 1); }

    static Index range(Long start, Long stop, long step) { return new Range(start, stop, step); }

    static Index all() { return new Range(null, null, 1); }

    static Index newAxis() { return new NewAxis(); }

    static Index ellipsis() { return new Ellipsis(); }
}
