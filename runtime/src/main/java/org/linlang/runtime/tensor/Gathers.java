package org.linlang.runtime.tensor;

import java.util.Arrays;

/** Moving elements along an axis or by index, shared by both engines: shift (causal convolutions) and take (embeddings). */
public final class Gathers {
    private Gathers() {}

    /** {@code y[.., t, ..] = x[.., t - n, ..]} along the axis, zeros where {@code t - n} is outside. */
    public static Tensor shift(Tensor x, long n, int axis) {
        return shift(x, n, axis, null);
    }

    /** As above, into {@code out} (x's shape; not overlapping x) when it is not null: an engine's buffer, reused. */
    public static Tensor shift(Tensor x, long n, int axis, Tensor out) {
        long len = x.dim(axis);
        if (out == null) {
            out = Creation.zeros(x.dtype(), x.shape());
        } else if (Math.abs(n) >= len) {
            out.copyFrom(ZERO);
        } else {
            out.slice(axis, n >= 0 ? 0 : len + n, n >= 0 ? n : len, 1).copyFrom(ZERO);
        }
        if (Math.abs(n) >= len) return out;
        if (n >= 0) out.slice(axis, n, len, 1).copyFrom(x.slice(axis, 0, len - n, 1));
        else out.slice(axis, 0, len + n, 1).copyFrom(x.slice(axis, -n, len, 1));
        return out;
    }

    private static final Tensor ZERO = Creation.scalar(0);

    /**
     * Rows of {@code table} ([N, …]) picked by integer {@code ids} ([B, T]): [B, T, …]. An id outside
     * the table is an IllegalArgumentException naming it and the table's rows.
     */
    public static Tensor take(Tensor table, Tensor ids) {
        return take(table, ids, null);
    }

    /** As above, into {@code out} (the result's shape and the table's dtype) when it is not null. */
    public static Tensor take(Tensor table, Tensor ids, Tensor out) {
        long rows = table.dim(0);
        long[] idx = ids.toLongArray();
        long[] rowShape = Arrays.copyOfRange(table.shape(), 1, table.rank());
        long[] outShape = new long[ids.rank() + rowShape.length];
        System.arraycopy(ids.shape(), 0, outShape, 0, ids.rank());
        System.arraycopy(rowShape, 0, outShape, ids.rank(), rowShape.length);
        if (out == null) out = Creation.zeros(table.dtype(), outShape);
        long[] flat = new long[1 + rowShape.length];
        flat[0] = idx.length;
        System.arraycopy(rowShape, 0, flat, 1, rowShape.length);
        Tensor view = out.reshape(flat);
        for (int i = 0; i < idx.length; i++) {
            long id = idx[i];
            if (id < 0 || id >= rows) throw new IllegalArgumentException("take: id " + id + " is out of range for a table of " + rows + " rows");
            view.select(0, i).copyFrom(table.select(0, id));
        }
        return out;
    }
}
