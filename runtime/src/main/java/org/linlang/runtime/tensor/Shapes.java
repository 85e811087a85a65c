package org.linlang.runtime.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Joining and splitting tensors, and numpy's broadcasting rule for shapes. */
public final class Shapes {
    private Shapes() {}

    /**
     * The shape that operands of the given shapes broadcast to: align on the right; each dimension
     * must be equal or 1 (a missing leading dimension counts as 1).
     */
    public static long[] broadcastShapes(long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) rank = Math.max(rank, s.length);
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        for (long[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                if (s[i] == out[o] || s[i] == 1) continue;
                if (out[o] != 1) throw new IllegalArgumentException("cannot broadcast shapes " + describe(shapes)
                        + ": dimension " + (o - rank) + " is " + out[o] + " in one and " + s[i] + " in another");
                out[o] = s[i];
            }
        }
        return out;
    }

    /** Joins tensors along an existing axis; other dimensions must match. The dtype is the promotion of all. */
    public static Tensor concat(List<Tensor> tensors, int axis) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("concat needs at least one tensor");
        Tensor first = tensors.get(0);
        int rank = first.rank();
        if (rank == 0) throw new IllegalArgumentException("cannot concatenate scalars; stack them");
        int a = Layout.axis(axis, rank);
        long[] shape = first.shape();
        shape[a] = 0;
        DType type = first.dtype;
        for (Tensor t : tensors) {
            boolean fits = t.rank() == rank;
            for (int i = 0; fits && i < rank; i++) fits = i == a || t.shape[i] == first.shape[i];
            if (!fits) throw new IllegalArgumentException("cannot concatenate " + Layout.format(first.shape) + " and "
                    + Layout.format(t.shape) + " along axis " + axis);
            shape[a] += t.shape[a];
            type = DType.promote(type, t.dtype);
        }
        Tensor out = Tensor.allocate(type, shape);
        long at = 0;
        for (Tensor t : tensors) {
            out.slice(a, at, at + t.shape[a], 1).copyFrom(t);
            at += t.shape[a];
        }
        return out;
    }

    /** Joins same-shaped tensors along a new axis. */
    public static Tensor stack(List<Tensor> tensors, int axis) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack needs at least one tensor");
        int a = Layout.axis(axis, tensors.get(0).rank() + 1);
        List<Tensor> expanded = new ArrayList<>();
        for (Tensor t : tensors) {
            if (!Arrays.equals(t.shape, tensors.get(0).shape)) {
                throw new IllegalArgumentException("cannot stack " + Layout.format(tensors.get(0).shape) + " and " + Layout.format(t.shape));
            }
            expanded.add(t.unsqueeze(a));
        }
        return concat(expanded, a);
    }

    /** Views of consecutive pieces of the given sizes along an axis; the sizes must add up to its length. */
    public static List<Tensor> split(Tensor x, int axis, long... sizes) {
        int a = Layout.axis(axis, x.rank());
        long total = 0;
        for (long s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            total += s;
        }
        if (total != x.shape[a]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + ", but axis " + axis + " of " + Layout.format(x.shape) + " has " + x.shape[a]);
        }
        List<Tensor> parts = new ArrayList<>();
        long at = 0;
        for (long s : sizes) {
            parts.add(x.slice(a, at, at + s, 1));
            at += s;
        }
        return parts;
    }

    /** Views of {@code parts} equal pieces along an axis, which must divide evenly. */
    public static List<Tensor> chunk(Tensor x, int axis, int parts) {
        long length = x.dim(axis);
        if (parts <= 0 || length % parts != 0) {
            throw new IllegalArgumentException("chunk: axis " + axis + " of " + Layout.format(x.shape) + " cannot be divided into " + parts + " equal parts");
        }
        long[] sizes = new long[parts];
        Arrays.fill(sizes, length / parts);
        return split(x, axis, sizes);
    }

    private static String describe(long[][] shapes) {
        StringBuilder b = new StringBuilder();
        for (long[] s : shapes) b.append(b.isEmpty() ? "" : " and ").append(Layout.format(s));
        return b.toString();
    }
}
