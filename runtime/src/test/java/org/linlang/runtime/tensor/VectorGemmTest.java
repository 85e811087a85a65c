package org.linlang.runtime.tensor;

import static org.linlang.runtime.tensor.Ref.assertClose;

import org.junit.jupiter.api.Test;

/** {@code -Dlin.matmul=vector}'s products against the float64 reference of LinAlgTest: batches, broadcasts, views, ragged tiles. */
class VectorGemmTest {
    private static void check(long[] sa, long[] sb, boolean transposeB) {
        double[] a = Ref.random(31, Ref.numel(sa), -1, 1), b = Ref.random(32, Ref.numel(sb), -1, 1);
        Tensor ta = Creation.of(a, sa), tb = Creation.of(b, sb);
        double[] expected = LinAlgTest.reference(a, sa, b, sb);
        if (transposeB) { // the same matrix as a strided view: stored transposed, read through transpose()
            int r = sb.length;
            Tensor stored = tb.transpose(r - 2, r - 1).copy();
            tb = stored.transpose(r - 2, r - 1);
        }
        Tensor got = LinAlg.matmul(ta, tb, true);
        assertClose(expected, got, 1e-5, 1e-5);
    }

    @Test
    void matchesTheFloat64Reference() {
        check(new long[] {1, 7}, new long[] {7, 5}, false);                // a decode step's row
        check(new long[] {6, 33}, new long[] {33, 70}, false);             // ragged rows (6 = 4 + 2) and columns
        check(new long[] {2, 3, 9, 16}, new long[] {16, 300}, true);       // batch rows, a transposed weight, two column blocks
        check(new long[] {2, 1, 5, 8}, new long[] {3, 8, 4}, false);       // broadcast batch axes on both sides
        check(new long[] {3, 128}, new long[] {128, 4096}, false);         // over the parallel threshold
    }
}
