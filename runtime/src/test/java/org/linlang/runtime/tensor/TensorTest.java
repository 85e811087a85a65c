package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linlang.runtime.tensor.Index.all;
import static org.linlang.runtime.tensor.Index.at;
import static org.linlang.runtime.tensor.Index.ellipsis;
import static org.linlang.runtime.tensor.Index.newAxis;
import static org.linlang.runtime.tensor.Index.range;
import static org.linlang.runtime.tensor.Ref.assertShape;

import java.lang.foreign.Arena;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TensorTest {
    /** 0, 1, ..., n-1 as f32 in the given shape. */
    static Tensor iota(long... shape) {
        return Creation.arange(0, Ref.numel(shape), 1, DType.F32).reshape(shape);
    }

    @Test
    void newTensorsAreContiguousInCOrder() {
        Tensor t = Creation.zeros(2, 3, 4);
        assertArrayEquals(new long[] {12, 4, 1}, t.strides());
        assertEquals(24, t.numel());
        assertEquals(3, t.rank());
        assertEquals(4, t.dim(-1));
        assertTrue(t.isContiguous());
        assertEquals(DType.F32, t.dtype());
        assertEquals(1, Creation.scalar(5).numel());
    }

    @Test
    void elementsAreReadAndWrittenWithNegativeIndices() {
        Tensor t = iota(2, 3);
        assertEquals(5, t.get(1, 2));
        assertEquals(5, t.get(-1, -1));
        t.set(42.5, 0, -2);
        assertEquals(42.5, t.get(0, 1));
        assertEquals("index 3 is out of bounds for axis 1 with size 3",
                assertThrows(IndexOutOfBoundsException.class, () -> t.get(0, 3)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.get(0));
        Tensor big = Creation.of(new long[] {(1L << 60) + 1}, 1);
        assertEquals((1L << 60) + 1, big.getLong(0));
        big.setLong((1L << 62) + 3, 0);
        assertEquals((1L << 62) + 3, big.getLong(0));
        assertEquals(7.0, Creation.of(new float[] {7}, 1, 1).item());
    }

    @Test
    void slicesAreViewsThatShareStorage() {
        Tensor base = iota(4, 5);
        Tensor view = base.slice(1, 1, 5, 2); // columns 1 and 3
        assertShape(view, 4, 2);
        assertTrue(view.sharesStorageWith(base));
        assertFalse(view.isContiguous());
        assertArrayEquals(new float[] {1, 3, 6, 8, 11, 13, 16, 18}, view.toFloatArray());
        view.set(-1, 2, 1);
        assertEquals(-1, base.get(2, 3));
        Tensor row = base.select(0, 2);
        assertShape(row, 5);
        row.set(99, 0);
        assertEquals(99, base.get(2, 0));
        assertFalse(base.sharesStorageWith(base.copy()));
    }

    @Test
    void rangesFollowPythonSliceRules() {
        Tensor x = iota(10);
        assertSlice(x, null, null, -1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        assertSlice(x, -3L, null, 1, 7, 8, 9);
        assertSlice(x, 8L, 2L, -2, 8, 6, 4);
        assertSlice(x, 20L, null, 1);
        assertSlice(x, -20L, 3L, 1, 0, 1, 2);
        assertSlice(x, 5L, 5L, 1);
        assertSlice(x, null, null, 3, 0, 3, 6, 9);
        assertSlice(x, null, -1L, -1);
        assertSlice(x, -1L, -11L, -1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        assertSlice(x, 3L, -3L, 1, 3, 4, 5, 6);
        assertSlice(x, 100L, -100L, -4, 9, 5, 1);
        assertThrows(IllegalArgumentException.class, () -> range(0L, 1L, 0));
    }

    private static void assertSlice(Tensor x, Long start, Long stop, long step, float... expected) {
        assertArrayEquals(expected, x.index(range(start, stop, step)).toFloatArray(), start + ":" + stop + ":" + step);
    }

    @Test
    void basicIndexingMatchesNumpy() {
        Tensor x = iota(2, 3, 4);
        // x[1, ::-1, 1:4:2]
        Tensor v = x.index(at(1), range(null, null, -1), range(1L, 4L, 2));
        assertShape(v, 3, 2);
        assertArrayEquals(new float[] {21, 23, 17, 19, 13, 15}, v.toFloatArray());
        // x[..., 0] and x[None, :, -1]
        assertArrayEquals(new float[] {0, 4, 8, 12, 16, 20}, x.index(ellipsis(), at(0)).toFloatArray());
        Tensor w = x.index(newAxis(), all(), at(-1));
        assertShape(w, 1, 2, 4);
        assertArrayEquals(new float[] {8, 9, 10, 11, 20, 21, 22, 23}, w.toFloatArray());
        assertShape(x.index(at(0), ellipsis(), newAxis()), 3, 4, 1);
        assertShape(x.index(), 2, 3, 4);
        assertThrows(IllegalArgumentException.class, () -> x.index(at(0), at(0), at(0), at(0)));
        assertThrows(IllegalArgumentException.class, () -> x.index(ellipsis(), ellipsis()));
        assertThrows(IndexOutOfBoundsException.class, () -> x.index(at(2)));
    }

    @Test
    void transposeAndPermuteAreViews() {
        Tensor x = iota(2, 3, 4);
        Tensor t = x.permute(2, 0, 1);
        assertShape(t, 4, 2, 3);
        assertArrayEquals(new long[] {1, 12, 4}, t.strides());
        assertEquals(x.get(1, 2, 3), t.get(3, 1, 2));
        assertTrue(t.sharesStorageWith(x));
        assertShape(x.transpose(), 4, 3, 2);
        assertEquals(x.get(1, 0, 2), x.transpose(0, -1).get(2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 1));
    }

    @Test
    void reshapeIsAViewWhenContiguousAndACopyOtherwise() {
        Tensor x = iota(2, 6);
        Tensor r = x.reshape(3, -1);
        assertShape(r, 3, 4);
        assertTrue(r.sharesStorageWith(x));
        Tensor t = x.transpose();
        Tensor c = t.reshape(12);
        assertFalse(c.sharesStorageWith(x));
        assertArrayEquals(new float[] {0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11}, c.toFloatArray());
        assertShape(Creation.scalar(3).reshape(1, 1), 1, 1);
        assertShape(x.reshape(-1), 12);
        assertEquals("cannot reshape [2, 6] (12 elements) to [5, 2] (10 elements)",
                assertThrows(IllegalArgumentException.class, () -> x.reshape(5, 2)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.reshape(5, -1));
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
    }

    @Test
    void broadcastToRepeatsWithZeroStrides() {
        Tensor x = iota(3, 1);
        Tensor b = x.broadcastTo(2, 3, 4);
        assertArrayEquals(new long[] {0, 1, 0}, b.strides());
        assertTrue(b.sharesStorageWith(x));
        assertEquals(2, b.get(1, 2, 3));
        assertEquals("cannot broadcast [3, 1] to [2, 4]: dimension 0 is 3, expected 1 or 2",
                assertThrows(IllegalArgumentException.class, () -> x.broadcastTo(2, 4)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.broadcastTo(3));
    }

    @Test
    void unsqueezeAndSqueeze() {
        Tensor x = iota(2, 3);
        assertShape(x.unsqueeze(0), 1, 2, 3);
        assertShape(x.unsqueeze(-1), 2, 3, 1);
        assertShape(x.unsqueeze(1).squeeze(1), 2, 3);
        assertThrows(IllegalArgumentException.class, () -> x.squeeze(0));
    }

    @Test
    void copyFromBroadcastsConvertsAndHandlesOverlap() {
        Tensor x = Creation.zeros(DType.I32, 2, 3);
        x.copyFrom(Creation.of(new float[] {1.9f, -2.9f, 3}, 3));
        assertArrayEquals(new long[] {1, -2, 3, 1, -2, 3}, x.toLongArray());
        Tensor y = iota(6);
        y.slice(0, 1, 6, 1).copyFrom(y.slice(0, 0, 5, 1)); // y[1:] = y[:-1]
        assertArrayEquals(new float[] {0, 0, 1, 2, 3, 4}, y.toFloatArray());
        Tensor z = Creation.zeros(4, 4);
        z.index(range(1L, 3L), range(1L, 3L)).copyFrom(Creation.scalar(7));
        assertEquals(28, Reductions.sum(z).item());
    }

    @Test
    void conversionsRoundToNearestEven() {
        // bf16 keeps 8 significant bits: 1 + 2^-8 is halfway between 1 and 1 + 2^-7 and rounds to the even 1.
        float[] in = {1 + 0x1p-8f, 1 + 3 * 0x1p-8f, 1 + 0x1p-9f, -2.5f, Float.NaN, Float.POSITIVE_INFINITY, 3.4e38f, 1e-40f};
        double[] bf = Creation.of(in, in.length).to(DType.BF16).toDoubleArray();
        // 3.4e38 rounds up past the largest bf16 to infinity; the subnormal 1e-40 keeps its top bits.
        assertArrayEquals(new double[] {1, 1 + 4 * 0x1p-8, 1, -2.5, Double.NaN, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0x1p-133}, bf);
        double[] half = Creation.of(new float[] {1 + 0x1p-11f, 65520, 6e-8f, 0.1f}, 4).to(DType.F16).toDoubleArray();
        assertArrayEquals(new double[] {1, Double.POSITIVE_INFINITY, 0x1p-24, 0.0999755859375}, half);
        assertArrayEquals(new long[] {1, -1, 0, 0}, Creation.of(new float[] {1.7f, -1.7f, 0, 0.2f}, 4).to(DType.I64).toLongArray());
        assertArrayEquals(new long[] {1, 1, 0, 1}, Creation.of(new float[] {1.7f, -1.7f, 0, Float.NaN}, 4).to(DType.BOOL).toLongArray());
        Tensor same = Creation.zeros(2);
        assertSame(same, same.to(DType.F32));
        assertSame(same, same.contiguous());
    }

    @Test
    void arraysComeOutInCOrderFromAnyView() {
        Tensor x = iota(3, 5000); // more than one chunk per row
        Tensor t = x.transpose().index(range(null, null, -7));
        float[] got = t.toFloatArray();
        long[] shape = t.shape();
        int i = 0;
        for (long r = 0; r < shape[0]; r++) {
            for (long c = 0; c < shape[1]; c++) assertEquals((float) (c * 5000 + (4999 - 7 * r)), got[i++]);
        }
        assertArrayEquals(LongStream.range(0, 6).toArray(), Creation.arange(6).reshape(2, 3).toLongArray());
        assertArrayEquals(new double[] {(double) (1L << 53)}, Creation.of(new long[] {1L << 53}, 1).toDoubleArray());
    }

    @Test
    void wrapChecksThatTheViewStaysInsideItsMemory() {
        var memory = Arena.ofAuto().allocate(4 * 6);
        Tensor t = Tensor.wrap(memory, DType.F32, new long[] {2, 3}, new long[] {3, 1}, 0);
        t.set(5, 1, 2);
        assertEquals(5, t.get(1, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(memory, DType.F32, new long[] {2, 3}, new long[] {3, 1}, 1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(memory, DType.F32, new long[] {2}, new long[] {-1}, 0));
        Tensor.wrap(memory, DType.F32, new long[] {0, 100}, new long[] {100, 1}, 0); // empty: reaches nothing
    }
}
