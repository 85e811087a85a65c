package org.linlang.runtime.truffle.ops;

import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Gathers;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.values.LinTensor;

/** Builtins that move elements around: shift, take (embedding gather), causal_mask and argmax. */
final class Gather {
    private Gather() {}

    /** {@code y[.., t, ..] = x[.., t - n, ..]} along the axis, zeros where {@code t - n} is outside. */
    static Tensor shift(Tensor x, long n, int axis) {
        return Gathers.shift(x, n, axis);
    }

    /** Rows of {@code table} ([N, …]) picked by integer {@code ids} ([B, T]): [B, T, …]. */
    static Tensor take(Tensor table, Tensor ids) {
        if (ids.dtype().isFloat() || ids.dtype() == DType.BOOL) {
            throw new IllegalArgumentException("take needs integer ids (i32 or i64), got " + LinTensor.typeText(ids.dtype(), ids.shape()));
        }
        if (table.rank() < 1) throw new IllegalArgumentException("take needs a table with at least one dimension, got a scalar");
        return Gathers.take(table, ids);
    }

    /** bool[T, T]: true where key j is visible from query i: {@code j <= i} and {@code i - j < window}. */
    static Tensor causalMask(long t, Long window) {
        if (t < 0) throw new IllegalArgumentException("causal_mask needs a length >= 0, got " + t);
        if (window != null && window <= 0) throw new IllegalArgumentException("window must be positive, got " + window);
        int n = Math.toIntExact(t);
        boolean[] m = new boolean[Math.multiplyExact(n, n)];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) m[i * n + j] = window == null || i - j < window;
        }
        return Creation.of(m, t, t);
    }

    /** The position of the largest value along an axis (the first one on ties; NaN counts as largest), i64. */
    static Tensor argmax(Tensor x, int axis, boolean keepDims) {
        if (x.rank() == 0) return Creation.of(DType.I64, new long[] {0});
        long len = x.dim(axis);
        if (len == 0) throw new IllegalArgumentException("argmax of an empty axis");
        int[] order = new int[x.rank()];
        for (int i = 0, j = 0; i < x.rank(); i++) if (i != axis) order[j++] = i;
        order[x.rank() - 1] = axis;
        double[] v = x.permute(order).toDoubleArray();
        int rows = (int) (v.length / len);
        long[] out = new long[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            double bv = v[r * (int) len];
            for (int k = 1; k < len && !Double.isNaN(bv); k++) {
                double c = v[r * (int) len + k];
                if (c > bv || Double.isNaN(c)) {
                    best = k;
                    bv = c;
                }
            }
            out[r] = best;
        }
        long[] shape = x.shape();
        long[] kept = new long[keepDims ? shape.length : shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == axis) {
                if (keepDims) kept[j++] = 1;
            } else {
                kept[j++] = shape[i];
            }
        }
        return Creation.of(out, kept);
    }
}
