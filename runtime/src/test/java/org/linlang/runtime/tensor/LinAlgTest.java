package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linlang.runtime.tensor.Ref.assertClose;
import static org.linlang.runtime.tensor.Ref.assertShape;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LinAlgTest {
    private static final double RTOL = 1e-5, ATOL = 1e-5;

    /** numpy's @ written out: promote 1-D operands, broadcast the batch axes, sum over k in double. */
    static double[] reference(double[] a, long[] sa, double[] b, long[] sb) {
        long[] pa = sa.length == 1 ? new long[] {1, sa[0]} : sa, pb = sb.length == 1 ? new long[] {sb[0], 1} : sb;
        long m = pa[pa.length - 2], k = pa[pa.length - 1], n = pb[pb.length - 1];
        long[] batch = Ref.broadcast(Arrays.copyOf(pa, pa.length - 2), Arrays.copyOf(pb, pb.length - 2));
        long count = Ref.numel(batch);
        double[] out = new double[(int) (count * m * n)];
        long[] ba = Arrays.copyOf(pa, pa.length - 2), bb = Arrays.copyOf(pb, pb.length - 2);
        for (int bi = 0; bi < count; bi++) {
            long[] idx = Ref.unravel(bi, batch);
            int offA = (int) (Ref.broadcastFlat(idx, ba) * m * k), offB = (int) (Ref.broadcastFlat(idx, bb) * k * n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a[(int) (offA + i * k + p)] * b[(int) (offB + p * n + j)];
                    out[(int) (bi * m * n + i * n + j)] = s;
                }
            }
        }
        return out;
    }

    private static void check(long[] sa, long[] sb, long... expectedShape) {
        double[] a = Ref.random(21, Ref.numel(sa), -1, 1), b = Ref.random(22, Ref.numel(sb), -1, 1);
        Tensor r = LinAlg.matmul(Creation.of(a, sa), Creation.of(b, sb));
        assertShape(r, expectedShape);
        assertClose(reference(a, sa, b, sb), r, RTOL, ATOL);
    }

    @Test
    void matmulFollowsNumpyShapes() {
        check(new long[] {17, 33}, new long[] {33, 9}, 17, 9);
        check(new long[] {33}, new long[] {33}); // a scalar
        check(new long[] {5}, new long[] {5, 7}, 7);
        check(new long[] {7, 5}, new long[] {5}, 7);
        check(new long[] {2, 1, 4, 5}, new long[] {3, 5, 6}, 2, 3, 4, 6);
        check(new long[] {5}, new long[] {3, 5, 6}, 3, 6);
        check(new long[] {3, 4, 5}, new long[] {5}, 3, 4);
        check(new long[] {2, 3, 4, 5}, new long[] {5, 6}, 2, 3, 4, 6); // one sgemm over 24 rows
        check(new long[] {1, 1}, new long[] {1, 1}, 1, 1);
    }

    @Test
    void stridedOperandsAreReadInPlaceOrCopied() {
        double[] a = Ref.random(23, 6 * 8, -1, 1), b = Ref.random(24, 8 * 6, -1, 1);
        Tensor x = Creation.of(a, 6, 8), y = Creation.of(b, 8, 6);
        // x.T @ y.T : both Fortran-ordered views
        Tensor xt = x.transpose(), yt = y.transpose();
        assertClose(reference(xt.toDoubleArray(), xt.shape(), yt.toDoubleArray(), yt.shape()), LinAlg.matmul(xt, yt), RTOL, ATOL);
        // every other row, reversed columns: neither order, copied
        Tensor xs = x.index(Index.range(null, null, 2), Index.range(null, null, -1));
        assertClose(reference(xs.toDoubleArray(), xs.shape(), b, y.shape()), LinAlg.matmul(xs, y), RTOL, ATOL);
        // batched transposes: k.transpose(-1, -2) of [B, T, D]
        double[] k = Ref.random(25, 3 * 4 * 5, -1, 1);
        Tensor kt = Creation.of(k, 3, 4, 5).transpose(-1, -2);
        Tensor q = Creation.of(Ref.random(26, 3 * 4 * 5, -1, 1), 3, 4, 5);
        assertClose(reference(q.toDoubleArray(), q.shape(), kt.toDoubleArray(), kt.shape()), LinAlg.matmul(q, kt), RTOL, ATOL);
        // a broadcast batch operand (stride 0) is not copied per batch
        Tensor w = Creation.of(Ref.random(27, 5 * 2, -1, 1), 5, 2).broadcastTo(3, 5, 2);
        assertClose(reference(q.toDoubleArray(), q.shape(), w.toDoubleArray(), w.shape()), LinAlg.matmul(q, w), RTOL, ATOL);
    }

    @Test
    void dtypesAndEmptyShapes() {
        Tensor a = Creation.of(new float[] {1, 2, 3, 4}, 2, 2).to(DType.BF16);
        Tensor r = LinAlg.matmul(a, a);
        assertEquals(DType.BF16, r.dtype());
        assertArrayEquals(new double[] {7, 10, 15, 22}, r.toDoubleArray());
        Tensor ints = LinAlg.matmul(Creation.of(new int[] {1, 2}, 1, 2), Creation.of(new int[] {3, 4}, 2, 1));
        assertEquals(DType.F32, ints.dtype());
        assertEquals(11, ints.get(0, 0));
        assertShape(LinAlg.matmul(Creation.zeros(0, 3), Creation.zeros(3, 4)), 0, 4);
        Tensor noK = LinAlg.matmul(Creation.ones(2, 0), Creation.ones(0, 3));
        assertArrayEquals(new double[6], noK.toDoubleArray());
        assertShape(LinAlg.matmul(Creation.ones(0, 2, 3), Creation.ones(3, 4)), 0, 2, 4);
    }

    @Test
    void mismatchesAreExplained() {
        assertEquals("matmul: cannot multiply [2, 3] by [4, 5]: inner dimensions 3 and 4 differ",
                assertThrows(IllegalArgumentException.class, () -> LinAlg.matmul(Creation.ones(2, 3), Creation.ones(4, 5))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinAlg.matmul(Creation.scalar(1), Creation.ones(2)));
        assertThrows(IllegalArgumentException.class, () -> LinAlg.matmul(Creation.ones(2, 2, 3), Creation.ones(3, 3, 4)));
    }

    @Test
    void outerProduct() {
        double[] a = Ref.random(28, 4, -1, 1), b = Ref.random(29, 6, -1, 1);
        Tensor o = LinAlg.outer(Creation.of(a, 4), Creation.of(b, 2, 3));
        assertShape(o, 4, 6);
        assertClose(Ref.binary(a, new long[] {4, 1}, b, new long[] {1, 6}, (x, y) -> x * y), o, 1e-7, 0);
    }

    @Test
    void largeProductsUseBlas() {
        int n = 512;
        double[] a = Ref.random(30, (long) n * n, -1, 1), b = Ref.random(31, (long) n * n, -1, 1);
        Tensor x = Creation.of(a, n, n), y = Creation.of(b, n, n);
        double best = Double.MAX_VALUE;
        Tensor r = null;
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            r = LinAlg.matmul(x, y);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        // Spot-check entries against the reference (the whole product in double loops takes too long).
        for (int i : new int[] {0, 137, 511}) {
            for (int j : new int[] {0, 300, 511}) {
                double s = 0;
                for (int p = 0; p < n; p++) s += a[i * n + p] * b[p * n + j];
                assertEquals(s, r.get(i, j), 1e-4);
            }
        }
        // Plain Java loops reach 0.4-2.7 GFLOP/s on the project's 2-core machine, OpenBLAS 50 or more.
        double gflops = 2.0 * n * n * n / best / 1e9;
        assertTrue(gflops > 3, () -> String.format("matmul %d^3 ran at %.1f GFLOP/s: is ND4J's OpenBLAS in use?", n, gflops));
    }
}
