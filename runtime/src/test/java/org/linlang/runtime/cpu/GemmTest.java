package org.linlang.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GemmTest {
    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @Test
    void productsMatchPlainLoops() {
        SplittableRandom r = new SplittableRandom(3);
        int[] sizes = {1, 3, 4, 5, 16, 17, 20, 33, 47, 64, 65, 128, 130};
        for (int m : sizes) for (int n : sizes) for (int k : new int[] {1, 7, 64, 129}) {
            for (int mode = 0; mode < 4; mode++) {
                boolean accumulate = (mode & 1) != 0, transposedA = (mode & 2) != 0;
                int lda = (transposedA ? m : k) + 3, ldb = n + 2, ldc = n + 1;
                float[] a = random(r, (transposedA ? k : m) * lda + 5), b = random(r, k * ldb + 7), c = random(r, m * ldc + 9);
                float[] expected = c.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = accumulate ? c[2 + i * ldc + j] : 0;
                        for (int p = 0; p < k; p++) {
                            double av = transposedA ? a[5 + p * lda + i] : a[5 + i * lda + p];
                            s += av * b[7 + p * ldb + j];
                        }
                        expected[2 + i * ldc + j] = (float) s;
                    }
                }
                if (transposedA) Gemm.multiplyTransposedA(m, n, k, a, 5, lda, b, 7, ldb, c, 2, ldc, accumulate);
                else Gemm.multiply(m, n, k, a, 5, lda, b, 7, ldb, c, 2, ldc, accumulate, false);
                for (int i = 0; i < c.length; i++) {
                    assertEquals(expected[i], c[i], 1e-4 * Math.sqrt(k), "m=" + m + " n=" + n + " k=" + k + " mode=" + mode + " at " + i);
                }
            }
        }
    }

    @Test
    void lowerTriangularASkipsOnlyZeros() {
        SplittableRandom r = new SplittableRandom(4);
        for (int m : new int[] {1, 5, 16, 63, 64}) {
            float[] a = random(r, m * m), b = random(r, m * 40), c1 = new float[m * 40], c2 = new float[m * 40];
            for (int i = 0; i < m; i++) for (int p = i + 1; p < m; p++) a[i * m + p] = 0;
            Gemm.multiply(m, 40, m, a, 0, m, b, 0, 40, c1, 0, 40, false, false);
            Gemm.multiply(m, 40, m, a, 0, m, b, 0, 40, c2, 0, 40, false, true);
            for (int i = 0; i < c1.length; i++) assertEquals(c1[i], c2[i], 1e-5);
        }
    }

    @Test
    void transposeAndHelpers() {
        SplittableRandom r = new SplittableRandom(5);
        for (int rows : new int[] {1, 15, 16, 33, 64}) {
            float[] src = random(r, rows * 40), dst = new float[40 * 70];
            Gemm.transpose(rows, 37, src, 2, 40, dst, 1, 70, Gemm.gatherMap(40));
            for (int i = 0; i < rows; i++) for (int j = 0; j < 37; j++) assertEquals(src[2 + i * 40 + j], dst[1 + j * 70 + i]);
        }
        float[] x = random(r, 37), y = random(r, 37), z = y.clone();
        Gemm.axpy(37, 0.5f, x, 0, z, 0);
        for (int i = 0; i < 37; i++) assertEquals(y[i] + 0.5f * x[i], z[i], 1e-6);
        double d = 0;
        for (int i = 0; i < 37; i++) d += x[i] * y[i];
        assertEquals(d, Gemm.dot(37, x, 0, y, 0), 1e-5);
    }
}
