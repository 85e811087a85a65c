package org.linlang.runtime.tensor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Text for tensors, in the manner of numpy's {@code array2string}. The format, exactly:
 * <ul>
 *   <li>{@code tensor(BODY, DTYPE[SHAPE])}, e.g. {@code tensor([1.0000, 2.5000], f32[2])}; a rank-0
 *       tensor's body is its value, an empty tensor's body is {@code []}.
 *   <li>Nested brackets; items of the last axis are separated by {@code ", "}, sub-arrays by
 *       {@code ","}, then one newline plus one more for each further axis below, then spaces aligning
 *       the next bracket under the previous one. Lines are never wrapped.
 *   <li>Floats: 4 digits after the point ({@code %.4f}), or {@code %.4e} for the whole tensor when the
 *       printed finite non-zero magnitudes reach 1e8, go below 1e-4, or span more than a factor 1000
 *       (numpy's rule); {@code nan}, {@code inf}, {@code -inf}. Integers in decimal; bool as
 *       {@code true}/{@code false}.
 *   <li>All items are right-aligned to the widest one.
 *   <li>Above {@value #THRESHOLD} elements, every axis longer than {@code 2 * }{@value #EDGE_ITEMS} shows
 *       its first and last {@value #EDGE_ITEMS} items around {@code ...}.
 * </ul>
 */
public final class TensorPrinter {
    public static final long THRESHOLD = 1000;
    public static final int EDGE_ITEMS = 3;
    private static final String PREFIX = "tensor(";
    private static final long ELIDED = -1;

    private TensorPrinter() {}

    public static String format(Tensor t) {
        String suffix = ", " + t.dtype.lin() + Layout.format(t.shape) + ")";
        if (t.numel() == 0) return PREFIX + "[]" + suffix;
        boolean summarize = t.numel() > THRESHOLD;
        List<Long> offsets = new ArrayList<>();
        visit(t, 0, t.offset, summarize, offsets);
        List<String> items = items(t, offsets);
        int width = 0;
        for (String s : items) width = Math.max(width, s.length());
        StringBuilder b = new StringBuilder(PREFIX);
        append(b, t, 0, summarize, items.iterator(), width);
        return b.append(suffix).toString();
    }

    /** Element offsets of the printed items, in printing order. */
    private static void visit(Tensor t, int axis, long at, boolean summarize, List<Long> out) {
        if (axis == t.rank()) {
            out.add(at);
            return;
        }
        for (long i : positions(t.shape[axis], summarize)) {
            if (i != ELIDED) visit(t, axis + 1, at + i * t.strides[axis], summarize, out);
        }
    }

    private static void append(StringBuilder b, Tensor t, int axis, boolean summarize, Iterator<String> items, int width) {
        if (axis == t.rank()) {
            String s = items.next();
            b.append(" ".repeat(width - s.length())).append(s);
            return;
        }
        String separator = axis == t.rank() - 1 ? ", "
                : "," + "\n".repeat(t.rank() - axis - 1) + " ".repeat(PREFIX.length() + axis + 1);
        b.append('[');
        boolean first = true;
        for (long i : positions(t.shape[axis], summarize)) {
            if (!first) b.append(separator);
            first = false;
            if (i == ELIDED) b.append("...");
            else append(b, t, axis + 1, summarize, items, width);
        }
        b.append(']');
    }

    private static long[] positions(long size, boolean summarize) {
        if (!summarize || size <= 2L * EDGE_ITEMS) {
            long[] all = new long[(int) size];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        long[] edges = new long[2 * EDGE_ITEMS + 1];
        for (int i = 0; i < EDGE_ITEMS; i++) {
            edges[i] = i;
            edges[EDGE_ITEMS + 1 + i] = size - EDGE_ITEMS + i;
        }
        edges[EDGE_ITEMS] = ELIDED;
        return edges;
    }

    private static List<String> items(Tensor t, List<Long> offsets) {
        List<String> out = new ArrayList<>(offsets.size());
        if (!t.dtype.isFloat()) {
            for (long at : offsets) {
                long v = Storage.getLong(t.storage, t.dtype, at);
                out.add(t.dtype == DType.BOOL ? Boolean.toString(v != 0) : Long.toString(v));
            }
            return out;
        }
        double[] values = new double[offsets.size()];
        double max = 0, min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < values.length; i++) {
            values[i] = Storage.getDouble(t.storage, t.dtype, offsets.get(i));
            double a = Math.abs(values[i]);
            if (Double.isFinite(a) && a != 0) {
                max = Math.max(max, a);
                min = Math.min(min, a);
            }
        }
        boolean scientific = max > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
        String pattern = scientific ? "%.4e" : "%.4f";
        for (double v : values) {
            if (Double.isNaN(v)) out.add("nan");
            else if (Double.isInfinite(v)) out.add(v > 0 ? "inf" : "-inf");
            else out.add(String.format(Locale.ROOT, pattern, v));
        }
        return out;
    }
}
