package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linlang.runtime.tensor.Ref.assertShape;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShapesTest {
    @Test
    void broadcastShapes() {
        assertArrayEquals(new long[] {2, 3, 4}, Shapes.broadcastShapes(new long[] {3, 1}, new long[] {2, 1, 4}, new long[] {}));
        assertArrayEquals(new long[] {0, 5}, Shapes.broadcastShapes(new long[] {0, 1}, new long[] {1, 5}));
        assertArrayEquals(new long[] {}, Shapes.broadcastShapes());
        assertThrows(IllegalArgumentException.class, () -> Shapes.broadcastShapes(new long[] {0}, new long[] {2}));
    }

    @Test
    void concatJoinsAlongAnyAxisAndPromotes() {
        Tensor a = TensorTest.iota(2, 3), b = Creation.of(new int[] {100, 101}, 2, 1);
        Tensor c = Shapes.concat(List.of(a, b), 1);
        assertShape(c, 2, 4);
        assertEquals(DType.F32, c.dtype());
        assertArrayEquals(new float[] {0, 1, 2, 100, 3, 4, 5, 101}, c.toFloatArray());
        Tensor rows = Shapes.concat(List.of(a, a.index(Index.range(null, null, -1)), Creation.zeros(0, 3)), -2);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2}, rows.toFloatArray());
        assertEquals("cannot concatenate [2, 3] and [2, 1] along axis 0",
                assertThrows(IllegalArgumentException.class, () -> Shapes.concat(List.of(a, b), 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shapes.concat(List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> Shapes.concat(List.of(Creation.scalar(1)), 0));
    }

    @Test
    void stackAddsAnAxis() {
        Tensor a = Creation.of(new float[] {1, 2}, 2), b = Creation.of(new float[] {3, 4}, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4}, Shapes.stack(List.of(a, b), 0).toFloatArray());
        Tensor s = Shapes.stack(List.of(a, b), -1);
        assertShape(s, 2, 2);
        assertArrayEquals(new float[] {1, 3, 2, 4}, s.toFloatArray());
        assertShape(Shapes.stack(List.of(Creation.scalar(1), Creation.scalar(2)), 0), 2);
        assertThrows(IllegalArgumentException.class, () -> Shapes.stack(List.of(a, Creation.ones(3)), 0));
    }

    @Test
    void splitAndChunkReturnViews() {
        Tensor x = TensorTest.iota(2, 6);
        List<Tensor> parts = Shapes.split(x, 1, 1, 2, 3);
        assertEquals(3, parts.size());
        assertShape(parts.get(2), 2, 3);
        assertArrayEquals(new float[] {3, 4, 5, 9, 10, 11}, parts.get(2).toFloatArray());
        assertTrue(parts.get(1).sharesStorageWith(x));
        List<Tensor> halves = Shapes.chunk(x, -1, 2);
        assertArrayEquals(new float[] {0, 1, 2, 6, 7, 8}, halves.get(0).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> Shapes.chunk(x, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> Shapes.split(x, 1, 1, 2));
    }
}
