package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;

/** Float64 reference computations written as plain loops, and comparisons with tolerances. */
final class Ref {
    private Ref() {}

    /** Uniform values in [lo, hi), already rounded to f32 so references see what the tensor holds. */
    static double[] random(long seed, long n, double lo, double hi) {
        Random r = new Random(seed);
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return v;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** The C-order multi-index of a flat position. */
    static long[] unravel(long flat, long[] shape) {
        long[] index = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            index[i] = flat % shape[i];
            flat /= shape[i];
        }
        return index;
    }

    /** The flat C-order position in {@code shape} of an index into a shape it broadcasts to. */
    static int broadcastFlat(long[] index, long[] shape) {
        long flat = 0;
        int lead = index.length - shape.length;
        for (int i = 0; i < shape.length; i++) flat = flat * shape[i] + (shape[i] == 1 ? 0 : index[lead + i]);
        return (int) flat;
    }

    static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            long y = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    static double[] binary(double[] a, long[] sa, double[] b, long[] sb, DoubleBinaryOperator op) {
        long[] s = broadcast(sa, sb);
        double[] out = new double[(int) numel(s)];
        for (int i = 0; i < out.length; i++) {
            long[] idx = unravel(i, s);
            out[i] = op.applyAsDouble(a[broadcastFlat(idx, sa)], b[broadcastFlat(idx, sb)]);
        }
        return out;
    }

    /** |actual - expected| <= atol + rtol * |expected| everywhere; NaN must match NaN. */
    static void assertClose(double[] expected, Tensor actual, double rtol, double atol) {
        assertEquals(expected.length, actual.numel(), "element count");
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], g = got[i];
            if (Double.isNaN(e) && Double.isNaN(g)) continue;
            if (e == g) continue; // also infinities
            if (!(Math.abs(g - e) <= atol + rtol * Math.abs(e))) {
                fail("element " + i + " of " + Layout.format(actual.shape) + ": expected " + e + ", got " + g
                        + " (rel err " + Math.abs(g - e) / Math.abs(e) + ")");
            }
        }
    }

    static void assertShape(Tensor t, long... shape) {
        assertArrayEquals(shape, t.shape(), () -> "shape " + Layout.format(t.shape));
    }
}
