package org.linlang.runtime.tensor;

import java.util.Arrays;
import java.util.StringJoiner;

/** Arithmetic on shapes, strides and axis numbers shared by the operations. */
final class Layout {
    private Layout() {}

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + format(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Row-major (C order) strides in elements. */
    static long[] contiguousStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** Resolves a possibly negative axis (-1 is the last) against a rank. */
    static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return a;
    }

    /** Resolves a list of axes; rejects repeats. Returns a mask indexed by axis. */
    static boolean[] axesMask(int[] axes, int rank) {
        boolean[] mask = new boolean[rank];
        for (int axis : axes) {
            int a = axis(axis, rank);
            if (mask[a]) throw new IllegalArgumentException("axis " + axis + " is repeated in " + Arrays.toString(axes));
            mask[a] = true;
        }
        return mask;
    }

    static String format(long[] shape) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (long d : shape) j.add(Long.toString(d));
        return j.toString();
    }
}
