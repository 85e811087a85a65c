package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.linlang.runtime.tensor.Ref.assertClose;
import static org.linlang.runtime.tensor.Ref.assertShape;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReductionsTest {
    private static final long[] SHAPE = {4, 5, 6};
    private static final int[][] AXES = {{0}, {1}, {2}, {-1}, {0, 2}, {2, 0}, {0, 1, 2}, {}};

    private enum Op { SUM, MEAN, MAX, MIN }

    /** The reference: loop over every input element and fold it into its output position. */
    private static double[] reference(double[] x, long[] shape, int[] axes, Op op) {
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) reduced[(a + shape.length) % shape.length] = true;
        long[] kept = shape.clone();
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (reduced[i]) {
                count *= shape[i];
                kept[i] = 1;
            }
        }
        double[] out = new double[(int) Ref.numel(kept)];
        java.util.Arrays.fill(out, op == Op.MAX ? Double.NEGATIVE_INFINITY : op == Op.MIN ? Double.POSITIVE_INFINITY : 0);
        for (int i = 0; i < x.length; i++) {
            int o = Ref.broadcastFlat(Ref.unravel(i, shape), kept);
            out[o] = switch (op) {
                case SUM, MEAN -> out[o] + x[i];
                case MAX -> Math.max(out[o], x[i]);
                case MIN -> Math.min(out[o], x[i]);
            };
        }
        if (op == Op.MEAN) for (int i = 0; i < out.length; i++) out[i] /= count;
        return out;
    }

    private static Tensor apply(Op op, Tensor x, int[] axes, boolean keep) {
        return switch (op) {
            case SUM -> Reductions.sum(x, axes, keep);
            case MEAN -> Reductions.mean(x, axes, keep);
            case MAX -> Reductions.max(x, axes, keep);
            case MIN -> Reductions.min(x, axes, keep);
        };
    }

    @Test
    void reductionsMatchTheReferenceOverEveryAxisSet() {
        double[] x = Ref.random(7, Ref.numel(SHAPE), -2, 2);
        Tensor t = Creation.of(x, SHAPE);
        for (Op op : Op.values()) {
            for (int[] axes : AXES) {
                for (boolean keep : new boolean[] {true, false}) {
                    Tensor r = apply(op, t, axes, keep);
                    assertShape(r, expectedShape(SHAPE, axes, keep));
                    assertClose(reference(x, SHAPE, axes, op), r, 1e-6, 1e-7);
                }
            }
        }
    }

    private static long[] expectedShape(long[] shape, int[] axes, boolean keep) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            boolean r = false;
            for (int a : axes) r |= (a + shape.length) % shape.length == i;
            if (!r) out.add(shape[i]);
            else if (keep) out.add(1L);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void stridedInputsAndLargeReductions() {
        double[] x = Ref.random(8, 1 << 20, 0, 1);
        Tensor t = Creation.of(x, 1024, 1024);
        assertClose(reference(x, new long[] {1024, 1024}, new int[] {0, 1}, Op.SUM), Reductions.sum(t), 1e-6, 0);
        double[] transposed = Reductions.sum(t.transpose(), new int[] {1}, false).toDoubleArray();
        assertClose(transposed, Reductions.sum(t, new int[] {0}, false), 1e-6, 0);
        Tensor every3rd = t.index(Index.range(null, null, 3), Index.range(5L, null, -2));
        assertClose(reference(every3rd.toDoubleArray(), every3rd.shape(), new int[] {1}, Op.MAX),
                Reductions.max(every3rd, new int[] {1}, false), 0, 0);
    }

    @Test
    void nanPropagatesAndEmptyAxesFollowNumpy() {
        Tensor t = Creation.of(new float[] {1, Float.NaN, 3, -2, 5, 6}, 2, 3);
        assertArrayEquals(new double[] {Double.NaN, 6}, Reductions.max(t, new int[] {1}, false).toDoubleArray());
        assertArrayEquals(new double[] {Double.NaN, -2}, Reductions.min(t, new int[] {1}, false).toDoubleArray());
        assertArrayEquals(new double[] {Double.NaN, 9}, Reductions.sum(t, new int[] {1}, false).toDoubleArray());
        Tensor empty = Creation.zeros(0, 3);
        assertArrayEquals(new double[] {0, 0, 0}, Reductions.sum(empty, new int[] {0}, false).toDoubleArray());
        assertEquals(Double.NaN, Reductions.mean(empty).item());
        assertEquals("max over an empty axis of [0, 3] has no value",
                assertThrows(IllegalArgumentException.class, () -> Reductions.max(empty, new int[] {0}, false)).getMessage());
        assertShape(Reductions.max(empty, new int[] {1}, false), 0);
        assertThrows(IllegalArgumentException.class, () -> Reductions.sum(t, new int[] {1, -1}, false));
        assertThrows(IllegalArgumentException.class, () -> Reductions.sum(t, new int[] {2}, false));
        assertEquals(7, Reductions.sum(Creation.scalar(7)).item());
    }

    @Test
    void integerReductionsAreExact() {
        Tensor t = Creation.of(new long[] {(1L << 60), 1, 2, 3}, 2, 2);
        Tensor s = Reductions.sum(t, new int[] {0}, false);
        assertEquals(DType.I64, s.dtype());
        assertArrayEquals(new long[] {(1L << 60) + 2, 4}, s.toLongArray());
        Tensor i32 = Creation.of(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE}, 2);
        assertEquals(2L * Integer.MAX_VALUE, Reductions.sum(i32).getLong()); // i64 result: no overflow
        assertEquals(DType.I32, Reductions.max(i32).dtype());
        Tensor mask = Creation.of(new boolean[] {true, false, true}, 3);
        assertEquals(2, Reductions.sum(mask).getLong());
        assertEquals(DType.BOOL, Reductions.max(mask).dtype());
        assertEquals(DType.F32, Reductions.mean(mask).dtype());
        assertEquals(2.0 / 3, Reductions.mean(mask).item(), 1e-7);
        Tensor bf = Creation.of(new float[] {1, 2, 3}, 3).to(DType.BF16);
        assertEquals(DType.BF16, Reductions.sum(bf).dtype());
    }

    @Test
    void softmaxMatchesTheReference() {
        double[] x = Ref.random(9, 3 * 7, -10, 10);
        for (int axis : new int[] {0, 1, -1}) {
            int a = (axis + 2) % 2;
            double[] expected = new double[x.length];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 7; j++) {
                    double m = Double.NEGATIVE_INFINITY, s = 0;
                    for (int k = 0; k < (a == 0 ? 3 : 7); k++) m = Math.max(m, x[a == 0 ? k * 7 + j : i * 7 + k]);
                    for (int k = 0; k < (a == 0 ? 3 : 7); k++) s += Math.exp(x[a == 0 ? k * 7 + j : i * 7 + k] - m);
                    expected[i * 7 + j] = Math.exp(x[i * 7 + j] - m) / s;
                }
            }
            assertClose(expected, Reductions.softmax(Creation.of(x, 3, 7), axis), 1e-5, 1e-30);
        }
        Tensor huge = Creation.of(new float[] {1000, 1000, Float.NEGATIVE_INFINITY}, 3);
        assertArrayEquals(new double[] {0.5, 0.5, 0}, Reductions.softmax(huge, 0).toDoubleArray());
        assertEquals(DType.BF16, Reductions.softmax(huge.to(DType.BF16), 0).dtype());
    }

    @Test
    void cumsumMatchesTheReferenceAlongEveryAxis() {
        long[] shape = {3, 4, 5};
        double[] x = Ref.random(10, 60, -1, 1);
        Tensor t = Creation.of(x, shape);
        for (int axis = 0; axis < 3; axis++) {
            double[] expected = new double[60];
            for (int i = 0; i < 60; i++) {
                long[] idx = Ref.unravel(i, shape);
                double s = 0;
                for (long k = 0; k <= idx[axis]; k++) {
                    long[] j = idx.clone();
                    j[axis] = k;
                    s += x[Ref.broadcastFlat(j, shape)];
                }
                expected[i] = s;
            }
            assertClose(expected, Reductions.cumsum(t, axis), 1e-6, 1e-7);
            assertClose(expected, Reductions.cumsum(t.transpose(), 2 - axis).transpose(), 1e-6, 1e-7);
        }
        Tensor ints = Reductions.cumsum(Creation.of(new int[] {1, 2, 3, 4}, 2, 2), 0);
        assertEquals(DType.I64, ints.dtype());
        assertArrayEquals(new long[] {1, 2, 4, 6}, ints.toLongArray());
        double[] longRow = Ref.random(11, 10_000, 0, 1); // crosses chunk boundaries
        double[] running = new double[longRow.length];
        for (int i = 0; i < longRow.length; i++) running[i] = (i == 0 ? 0 : running[i - 1]) + longRow[i];
        assertClose(running, Reductions.cumsum(Creation.of(longRow, 1, 10_000), -1).reshape(-1), 1e-6, 0);
    }
}
