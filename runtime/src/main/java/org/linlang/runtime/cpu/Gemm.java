package org.linlang.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Small f32 matrix products on Java arrays with the Vector API, sized for recurrence chunks
 * (64 x 128 by 128 x 128 and smaller). All matrices are row-major with explicit offsets and leading
 * dimensions, so they can be sub-blocks of larger work arrays.
 *
 * <p>Why not OpenBLAS: measured on the project's 2-core Xeon (AVX-512; bench/cpu_recurrences.sh,
 * docs/cpu-kernels.md), ND4J's OpenBLAS 0.3.19 sgemm reaches 11-36 GFLOP/s at these sizes, called
 * directly through JavaCPP (ND4J's own binding) or FFM, with its 2 threads or with 1 (per-call
 * overhead, threading decisions, kernels older than the CPU), against 56-121 GFLOP/s for this kernel
 * on one core (64x128 by 128x128: 91 against 27 in the final run). OpenBLAS stays the choice for
 * large products ({@code LinAlg.matmul}).
 *
 * <p>C2 must inline every vector operation of a tile, or the ones left out run boxed, hundreds of
 * times slower: past {@code NodeCountInliningCutoff} it stops inlining. So a tile loads C into its
 * accumulators when it accumulates rather than adding C at the end through a helper.
 *
 * <p>The micro-kernel keeps a 4-row by 4-vector tile of C in registers (16 of the 32 AVX-512
 * registers) and streams one row of B and four scalars of A per step; column tiles are the outer
 * loop so that a 128-row panel of B (32 KiB) stays in L1 across all row tiles. Columns that do not fill
 * a vector use masked loads and stores.
 */
final class Gemm {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int LANES = F.length();

    private Gemm() {}

    /**
     * {@code C = (accumulate ? C : 0) + A B} with A {@code m x k}, B {@code k x n}, C {@code m x n}.
     * With {@code lowerA}, A is known to be zero right of its diagonal ({@code A[i][p] = 0} for
     * {@code p > i}) and those columns are skipped (the zeros must still be stored: tiles of four
     * rows read up to column {@code i0 + 3}).
     */
    static void multiply(int m, int n, int k, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                         float[] c, int co, int ldc, boolean accumulate, boolean lowerA) {
        multiply(m, n, k, a, ao, lda, 1, b, bo, ldb, c, co, ldc, accumulate, lowerA);
    }

    /**
     * {@code C = (accumulate ? C : 0) + A^T B} where {@code At} ({@code k x m}, leading dimension
     * {@code lda}) is stored: the state update {@code S += K^T V} without transposing K.
     */
    static void multiplyTransposedA(int m, int n, int k, float[] at, int ao, int lda, float[] b, int bo, int ldb,
                                    float[] c, int co, int ldc, boolean accumulate) {
        multiply(m, n, k, at, ao, 1, lda, b, bo, ldb, c, co, ldc, accumulate, false);
    }

    /** The general form: element {@code A[i][p]} is {@code a[ao + i * ars + p * acs]}. */
    static void multiply(int m, int n, int k, float[] a, int ao, int ars, int acs, float[] b, int bo, int ldb,
                         float[] c, int co, int ldc, boolean accumulate, boolean lowerA) {
        if (m <= 0 || n <= 0) return;
        int j = 0;
        while (j < n) {
            int left = n - j;
            int width = left >= 4 * LANES ? 4 * LANES : left >= 2 * LANES ? 2 * LANES : Math.min(left, LANES);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int kk = lowerA ? Math.min(k, i + 4) : k;
                int ai = ao + i * ars, bj = bo + j, cij = co + i * ldc + j;
                if (width == 4 * LANES) tile4x4(kk, a, ai, ars, acs, b, bj, ldb, c, cij, ldc, accumulate);
                else if (width == 2 * LANES) tile4x2(kk, a, ai, ars, acs, b, bj, ldb, c, cij, ldc, accumulate);
                else tile4x1(kk, a, ai, ars, acs, b, bj, ldb, c, cij, ldc, accumulate, width);
            }
            for (; i < m; i++) {
                int kk = lowerA ? Math.min(k, i + 1) : k;
                row(kk, width, a, ao + i * ars, acs, b, bo + j, ldb, c, co + i * ldc + j, accumulate);
            }
            j += width;
        }
    }

    /** The dot product of {@code x[xo..xo+k)} and {@code y[yo..yo+k)}. */
    static float dot(int k, float[] x, int xo, float[] y, int yo) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        int p = 0;
        for (; p + 2 * LANES <= k; p += 2 * LANES) {
            acc0 = FloatVector.fromArray(F, x, xo + p).fma(FloatVector.fromArray(F, y, yo + p), acc0);
            acc1 = FloatVector.fromArray(F, x, xo + p + LANES).fma(FloatVector.fromArray(F, y, yo + p + LANES), acc1);
        }
        for (; p < k; p += LANES) {
            VectorMask<Float> mask = F.indexInRange(p, k);
            acc0 = FloatVector.fromArray(F, x, xo + p, mask).fma(FloatVector.fromArray(F, y, yo + p, mask), acc0);
        }
        return acc0.add(acc1).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    private static void tile4x4(int k, float[] a, int ai, int ars, int acs, float[] b, int bj, int ldb,
                                float[] c, int cij, int ldc, boolean accumulate) {
        int a0 = ai, a1 = ai + ars, a2 = a1 + ars, a3 = a2 + ars;
        int r0 = cij, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (accumulate) {
            c00 = FloatVector.fromArray(F, c, r0); c01 = FloatVector.fromArray(F, c, r0 + LANES);
            c02 = FloatVector.fromArray(F, c, r0 + 2 * LANES); c03 = FloatVector.fromArray(F, c, r0 + 3 * LANES);
            c10 = FloatVector.fromArray(F, c, r1); c11 = FloatVector.fromArray(F, c, r1 + LANES);
            c12 = FloatVector.fromArray(F, c, r1 + 2 * LANES); c13 = FloatVector.fromArray(F, c, r1 + 3 * LANES);
            c20 = FloatVector.fromArray(F, c, r2); c21 = FloatVector.fromArray(F, c, r2 + LANES);
            c22 = FloatVector.fromArray(F, c, r2 + 2 * LANES); c23 = FloatVector.fromArray(F, c, r2 + 3 * LANES);
            c30 = FloatVector.fromArray(F, c, r3); c31 = FloatVector.fromArray(F, c, r3 + LANES);
            c32 = FloatVector.fromArray(F, c, r3 + 2 * LANES); c33 = FloatVector.fromArray(F, c, r3 + 3 * LANES);
        } else {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = FloatVector.zero(F);
        }
        for (int p = 0, bp = bj, ap = 0; p < k; p++, bp += ldb, ap += acs) {
            FloatVector b0 = FloatVector.fromArray(F, b, bp), b1 = FloatVector.fromArray(F, b, bp + LANES),
                    b2 = FloatVector.fromArray(F, b, bp + 2 * LANES), b3 = FloatVector.fromArray(F, b, bp + 3 * LANES);
            FloatVector x = FloatVector.broadcast(F, a[a0 + ap]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(F, a[a1 + ap]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(F, a[a2 + ap]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(F, a[a3 + ap]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + LANES); c02.intoArray(c, r0 + 2 * LANES); c03.intoArray(c, r0 + 3 * LANES);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + LANES); c12.intoArray(c, r1 + 2 * LANES); c13.intoArray(c, r1 + 3 * LANES);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + LANES); c22.intoArray(c, r2 + 2 * LANES); c23.intoArray(c, r2 + 3 * LANES);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + LANES); c32.intoArray(c, r3 + 2 * LANES); c33.intoArray(c, r3 + 3 * LANES);
    }

    private static void tile4x2(int k, float[] a, int ai, int ars, int acs, float[] b, int bj, int ldb,
                                float[] c, int cij, int ldc, boolean accumulate) {
        int a0 = ai, a1 = ai + ars, a2 = a1 + ars, a3 = a2 + ars;
        int r0 = cij, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate) {
            c00 = FloatVector.fromArray(F, c, r0); c01 = FloatVector.fromArray(F, c, r0 + LANES);
            c10 = FloatVector.fromArray(F, c, r1); c11 = FloatVector.fromArray(F, c, r1 + LANES);
            c20 = FloatVector.fromArray(F, c, r2); c21 = FloatVector.fromArray(F, c, r2 + LANES);
            c30 = FloatVector.fromArray(F, c, r3); c31 = FloatVector.fromArray(F, c, r3 + LANES);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(F);
        }
        for (int p = 0, bp = bj, ap = 0; p < k; p++, bp += ldb, ap += acs) {
            FloatVector b0 = FloatVector.fromArray(F, b, bp), b1 = FloatVector.fromArray(F, b, bp + LANES);
            FloatVector x0 = FloatVector.broadcast(F, a[a0 + ap]), x1 = FloatVector.broadcast(F, a[a1 + ap]);
            FloatVector x2 = FloatVector.broadcast(F, a[a2 + ap]), x3 = FloatVector.broadcast(F, a[a3 + ap]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + LANES);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + LANES);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + LANES);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + LANES);
    }

    /** Four rows by one vector of columns, the last {@code LANES - width} lanes masked off when {@code width < LANES}. */
    private static void tile4x1(int k, float[] a, int ai, int ars, int acs, float[] b, int bj, int ldb,
                                float[] c, int cij, int ldc, boolean accumulate, int width) {
        VectorMask<Float> m0 = F.indexInRange(0, width);
        int a0 = ai, a1 = ai + ars, a2 = a1 + ars, a3 = a2 + ars;
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0, bp = bj, ap = 0; p < k; p++, bp += ldb, ap += acs) {
            FloatVector b0 = FloatVector.fromArray(F, b, bp, m0);
            c0 = b0.fma(FloatVector.broadcast(F, a[a0 + ap]), c0);
            c1 = b0.fma(FloatVector.broadcast(F, a[a1 + ap]), c1);
            c2 = b0.fma(FloatVector.broadcast(F, a[a2 + ap]), c2);
            c3 = b0.fma(FloatVector.broadcast(F, a[a3 + ap]), c3);
        }
        if (accumulate) {
            c0 = c0.add(FloatVector.fromArray(F, c, cij, m0));
            c1 = c1.add(FloatVector.fromArray(F, c, cij + ldc, m0));
            c2 = c2.add(FloatVector.fromArray(F, c, cij + 2 * ldc, m0));
            c3 = c3.add(FloatVector.fromArray(F, c, cij + 3 * ldc, m0));
        }
        c0.intoArray(c, cij, m0); c1.intoArray(c, cij + ldc, m0); c2.intoArray(c, cij + 2 * ldc, m0); c3.intoArray(c, cij + 3 * ldc, m0);
    }

    /** One row of C, {@code width} columns: the remainder rows of {@link #multiply}. */
    private static void row(int k, int width, float[] a, int ai, int acs, float[] b, int bj, int ldb,
                            float[] c, int ci, boolean accumulate) {
        for (int v = 0; v < width; v += LANES) {
            VectorMask<Float> mask = F.indexInRange(v, width);
            FloatVector acc = accumulate ? FloatVector.fromArray(F, c, ci + v, mask) : FloatVector.zero(F);
            for (int p = 0, bp = bj + v; p < k; p++, bp += ldb) {
                acc = FloatVector.fromArray(F, b, bp, mask).fma(FloatVector.broadcast(F, a[ai + p * acs]), acc);
            }
            acc.intoArray(c, ci + v, mask);
        }
    }

    /** {@code y[yo..yo+n) += alpha * x[xo..xo+n)}. */
    static void axpy(int n, float alpha, float[] x, int xo, float[] y, int yo) {
        FloatVector al = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            FloatVector.fromArray(F, x, xo + i).fma(al, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> mask = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xo + i, mask).fma(al, FloatVector.fromArray(F, y, yo + i, mask)).intoArray(y, yo + i, mask);
        }
    }

    /** {@code x[xo..xo+n) *= alpha}. */
    static void scale(int n, float alpha, float[] x, int xo) {
        FloatVector al = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (; i + LANES <= n; i += LANES) FloatVector.fromArray(F, x, xo + i).mul(al).intoArray(x, xo + i);
        if (i < n) {
            VectorMask<Float> mask = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xo + i, mask).mul(al).intoArray(x, xo + i, mask);
        }
    }

    /** {@code z[zo..zo+n) = x[xo..xo+n) * y[yo..yo+n)} elementwise; z may alias x or y exactly. */
    static void mul(int n, float[] x, int xo, float[] y, int yo, float[] z, int zo) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            FloatVector.fromArray(F, x, xo + i).mul(FloatVector.fromArray(F, y, yo + i)).intoArray(z, zo + i);
        }
        if (i < n) {
            VectorMask<Float> mask = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xo + i, mask).mul(FloatVector.fromArray(F, y, yo + i, mask)).intoArray(z, zo + i, mask);
        }
    }

    /** The gather offsets {@code 0, lds, 2 lds, ...} that {@link #transpose} needs for a source with leading dimension {@code lds}. */
    static int[] gatherMap(int lds) {
        int[] map = new int[LANES];
        for (int l = 0; l < LANES; l++) map[l] = l * lds;
        return map;
    }

    /**
     * {@code dst} ({@code cols x rows}, leading dimension {@code ldd}) = transpose of {@code src}
     * ({@code rows x cols}, leading dimension {@code lds}); {@code map} is {@link #gatherMap}{@code (lds)}.
     * Gathers of one vector down each column: 2.8 us for 64 x 128, against 7-9 us for scalar loops.
     */
    static void transpose(int rows, int cols, float[] src, int so, int lds, float[] dst, int dO, int ldd, int[] map) {
        int full = rows - rows % LANES;
        for (int j = 0; j < cols; j++) {
            int d = dO + j * ldd;
            for (int i = 0; i < full; i += LANES) FloatVector.fromArray(F, src, so + i * lds + j, map, 0).intoArray(dst, d + i);
            for (int i = full; i < rows; i++) dst[d + i] = src[so + i * lds + j];
        }
    }
}
