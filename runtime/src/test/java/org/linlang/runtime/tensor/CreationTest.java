package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linlang.runtime.tensor.Ref.assertShape;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CreationTest {
    @Test
    void constantsAndValues() {
        assertArrayEquals(new double[] {0, 0, 0}, Creation.zeros(3).toDoubleArray());
        assertArrayEquals(new long[] {1, 1}, Creation.ones(DType.I32, 2).toLongArray());
        assertArrayEquals(new double[] {2.5, 2.5}, Creation.full(2.5, DType.BF16, 1, 2).toDoubleArray());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Creation.full(-0.0, DType.F32, 1).get(0)));
        assertShape(Creation.scalar(1.5));
        assertEquals(DType.I64, Creation.scalar(3, DType.I64).dtype());
        assertEquals("5 values cannot fill shape [2, 3] of 6 elements",
                assertThrows(IllegalArgumentException.class, () -> Creation.of(new float[5], 2, 3)).getMessage());
        assertArrayEquals(new long[] {1, 0}, Creation.of(new boolean[] {true, false}, 2).toLongArray());
        assertArrayEquals(new long[] {(1L << 60) + 1}, Creation.of(DType.I64, new long[] {(1L << 60) + 1}, 1).toLongArray());
    }

    @Test
    void arangeCountsLikeNumpy() {
        assertArrayEquals(new long[] {0, 1, 2, 3}, Creation.arange(4).toLongArray());
        assertEquals(DType.I64, Creation.arange(4).dtype());
        assertShape(Creation.arange(0), 0);
        assertArrayEquals(new double[] {1, 1.5, 2, 2.5}, Creation.arange(1, 3, 0.5, DType.F32).toDoubleArray());
        assertArrayEquals(new double[] {5, 3, 1}, Creation.arange(5, 0, -2, DType.F32).toDoubleArray());
        assertShape(Creation.arange(3, 1, 1, DType.F32), 0);
        assertThrows(IllegalArgumentException.class, () -> Creation.arange(0, 1, 0, DType.F32));
    }

    @Test
    void randomNumbersAreReproducible() {
        Tensor a = Creation.rand(new long[] {1000}, 42), b = Creation.rand(new long[] {1000}, 42);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        assertFalse(Arrays.equals(a.toFloatArray(), Creation.rand(new long[] {1000}, 43).toFloatArray()));
        for (float v : a.toFloatArray()) assertTrue(v >= 0 && v < 1);
        // Pinned values: they must not change between machines or versions.
        assertArrayEquals(new float[] {RAND_42[0], RAND_42[1], RAND_42[2]}, Arrays.copyOf(a.toFloatArray(), 3));
        Tensor n = Creation.randn(new long[] {100_001}, 7);
        double mean = Reductions.mean(n).item();
        double var = Reductions.mean(Elementwise.mul(n, n)).item() - mean * mean;
        assertEquals(0, mean, 0.02);
        assertEquals(1, var, 0.02);
        assertArrayEquals(n.toFloatArray(), Creation.randn(new long[] {100_001}, 7).toFloatArray());
        assertArrayEquals(new float[] {RANDN_7[0], RANDN_7[1], RANDN_7[2]}, Arrays.copyOf(n.toFloatArray(), 3));
        assertShape(Creation.randn(new long[] {2, 3}, 1), 2, 3);
    }

    private static final float[] RAND_42 = {0.74156487f, 0.15991038f, 0.2786011f};
    private static final float[] RANDN_7 = {0.9884743f, 0.104656644f, -1.8642558f};
}
