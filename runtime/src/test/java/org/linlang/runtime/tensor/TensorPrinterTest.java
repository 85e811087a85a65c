package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorPrinterTest {
    @Test
    void matricesAlignUnderTheOpeningBracket() {
        assertEquals("tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]], f32[2, 2])",
                Creation.of(new float[] {1, 2, 3, 4}, 2, 2).toString());
    }

    @Test
    void itemsAreRightAlignedToTheWidest() {
        assertEquals("tensor([-1.5000, 10.2500,  3.0000], f32[3])", Creation.of(new float[] {-1.5f, 10.25f, 3}, 3).toString());
        assertEquals("tensor([[  1, -20],\n        [300,   4]], i32[2, 2])", Creation.of(new int[] {1, -20, 300, 4}, 2, 2).toString());
    }

    @Test
    void scientificNotationWhenMagnitudesSpreadOrAreExtreme() {
        assertEquals("tensor([1.0000e-05, 1.0000e+00], f32[2])", Creation.of(new float[] {1e-5f, 1}, 2).toString());
        assertEquals("tensor([1.0000e+00, 2.0000e+03], f32[2])", Creation.of(new float[] {1, 2000}, 2).toString());
        assertEquals("tensor([1.2346e+08], f32[1])", Creation.of(new double[] {123456789}, 1).toString());
        assertEquals("tensor([  0.0000, 999.0000], f32[2])", Creation.of(new float[] {0, 999}, 2).toString());
    }

    @Test
    void specialValuesBoolsScalarsAndEmptyTensors() {
        assertEquals("tensor([    nan,     inf,    -inf, -0.5000], bf16[4])",
                Creation.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.5f}, 4).to(DType.BF16).toString());
        assertEquals("tensor([ true, false], bool[2])", Creation.of(new boolean[] {true, false}, 2).toString());
        assertEquals("tensor(3.5000, f32[])", Creation.scalar(3.5).toString());
        assertEquals("tensor(7, i64[])", Creation.scalar(7, DType.I64).toString());
        assertEquals("tensor([], f32[0, 3])", Creation.zeros(0, 3).toString());
    }

    @Test
    void higherRanksSeparateBlocksWithBlankLines() {
        assertEquals("""
                tensor([[[0, 1],
                         [2, 3]],

                        [[4, 5],
                         [6, 7]]], i64[2, 2, 2])""", Creation.arange(8).reshape(2, 2, 2).toString());
    }

    @Test
    void largeTensorsShowThreeItemsAtEachEdge() {
        assertEquals("tensor([   0,    1,    2, ..., 1997, 1998, 1999], i64[2000])", Creation.arange(2000).toString());
        assertEquals("""
                tensor([[   0,    1,    2, ...,    8,    9,   10],
                        [  11,   12,   13, ...,   19,   20,   21],
                        [  22,   23,   24, ...,   30,   31,   32],
                        ...,
                        [1067, 1068, 1069, ..., 1075, 1076, 1077],
                        [1078, 1079, 1080, ..., 1086, 1087, 1088],
                        [1089, 1090, 1091, ..., 1097, 1098, 1099]], i64[100, 11])""",
                Creation.arange(1100).reshape(100, 11).toString());
        assertEquals("tensor([[0, 1, 2, 3, 4, 5]], i64[1, 6])", Creation.arange(6).reshape(1, 6).toString());
        // exactly 1000 elements: printed in full
        String full = Creation.arange(1000).toString();
        assertTrue(full.contains(" 999]") && !full.contains("..."), full);
    }
}
