package org.linlang.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.linlang.runtime.tensor.Ref.assertClose;
import static org.linlang.runtime.tensor.Ref.assertShape;

import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    private static final double F32_RTOL = 1e-6; // one f32 rounding is 6e-8 relative
    private static final double MATH_RTOL = 1e-5;

    /** Random operands of the given shapes, checked against the f64 reference loop. */
    private static void checkBinary(BinaryOperator<Tensor> op, DoubleBinaryOperator ref, long[] sa, long[] sb, double lo, double hi) {
        double[] a = Ref.random(1, Ref.numel(sa), lo, hi), b = Ref.random(2, Ref.numel(sb), lo, hi);
        Tensor result = op.apply(Creation.of(a, sa), Creation.of(b, sb));
        Ref.assertShape(result, Ref.broadcast(sa, sb));
        assertClose(Ref.binary(a, sa, b, sb, ref), result, F32_RTOL, 1e-30);
    }

    private static void checkBinary(BinaryOperator<Tensor> op, DoubleBinaryOperator ref) {
        checkBinary(op, ref, new long[] {3, 1, 5}, new long[] {4, 5}, -3, 3);
        checkBinary(op, ref, new long[] {7}, new long[] {}, -3, 3);
        checkBinary(op, ref, new long[] {2, 3, 4}, new long[] {2, 3, 4}, -3, 3);
        checkBinary(op, ref, new long[] {5000, 1}, new long[] {1, 3}, -3, 3); // several chunks
    }

    @Test
    void arithmeticMatchesTheReference() {
        checkBinary(Elementwise::add, Double::sum);
        checkBinary(Elementwise::sub, (x, y) -> x - y);
        checkBinary(Elementwise::mul, (x, y) -> x * y);
        checkBinary(Elementwise::div, (x, y) -> x / y);
        checkBinary(Elementwise::maximum, Math::max);
        checkBinary(Elementwise::minimum, Math::min);
        checkBinary(Elementwise::pow, Math::pow, new long[] {3, 1, 5}, new long[] {4, 5}, 0.1, 3);
    }

    @Test
    void broadcastingEdgeCases() {
        Tensor empty = Creation.zeros(0, 3);
        assertShape(Elementwise.add(empty, Creation.ones(3)), 0, 3);
        assertShape(Elementwise.add(Creation.ones(1), Creation.zeros(0)), 0);
        assertShape(Elementwise.mul(Creation.scalar(2), Creation.scalar(3)));
        assertEquals(6, Elementwise.mul(Creation.scalar(2), Creation.scalar(3)).item());
        assertShape(Elementwise.add(Creation.ones(3, 1), Creation.ones(1, 4)), 3, 4);
        assertShape(Elementwise.add(Creation.ones(2, 1, 1), Creation.ones(5)), 2, 1, 5);
        assertEquals("cannot broadcast shapes [2, 3] and [4]: dimension -1 is 3 in one and 4 in another",
                assertThrows(IllegalArgumentException.class, () -> Elementwise.add(Creation.ones(2, 3), Creation.ones(4))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Elementwise.add(Creation.ones(2, 3), Creation.ones(3, 3)));
    }

    @Test
    void stridedOperandsAreReadCorrectly() {
        double[] a = Ref.random(3, 24, -1, 1);
        Tensor x = Creation.of(a, 2, 3, 4);
        Tensor t = x.permute(2, 0, 1).index(Index.range(null, null, -1)); // [4, 2, 3], reversed
        Tensor sum = Elementwise.add(t, t.slice(2, 0, 1, 1)); // broadcast the first column
        double[] expected = new double[24];
        int i = 0;
        for (int p = 0; p < 4; p++) {
            for (int q = 0; q < 2; q++) {
                for (int r = 0; r < 3; r++) expected[i++] = a[q * 12 + r * 4 + (3 - p)] + a[q * 12 + (3 - p)];
            }
        }
        assertClose(expected, sum, F32_RTOL, 0);
    }

    @Test
    void comparisonsGiveBool() {
        Tensor a = Creation.of(new float[] {1, 2, Float.NaN, 4}, 4), b = Creation.of(new float[] {2, 2, Float.NaN, 3}, 4);
        assertEquals(DType.BOOL, Elementwise.eq(a, b).dtype());
        assertArrayEquals(new long[] {0, 1, 0, 0}, Elementwise.eq(a, b).toLongArray());
        assertArrayEquals(new long[] {1, 0, 1, 1}, Elementwise.ne(a, b).toLongArray());
        assertArrayEquals(new long[] {1, 0, 0, 0}, Elementwise.lt(a, b).toLongArray());
        assertArrayEquals(new long[] {1, 1, 0, 0}, Elementwise.le(a, b).toLongArray());
        assertArrayEquals(new long[] {0, 0, 0, 1}, Elementwise.gt(a, b).toLongArray());
        assertArrayEquals(new long[] {0, 1, 0, 1}, Elementwise.ge(a, b).toLongArray());
        Tensor big = Creation.of(new long[] {(1L << 60) + 1}, 1), big2 = Creation.of(new long[] {1L << 60}, 1);
        assertArrayEquals(new long[] {1}, Elementwise.gt(big, big2).toLongArray()); // exact, not via float
        checkBinary((x, y) -> Elementwise.lt(x, y).to(DType.F32), (x, y) -> x < y ? 1 : 0);
    }

    @Test
    void whereBroadcastsAllThree() {
        Tensor cond = Creation.of(new boolean[] {true, false, true}, 3);
        Tensor a = Creation.of(new float[] {1, 2}, 2, 1), b = Creation.scalar(-1);
        Tensor w = Elementwise.where(cond, a, b);
        assertShape(w, 2, 3);
        assertArrayEquals(new float[] {1, -1, 1, 2, -1, 2}, w.toFloatArray());
        Tensor ints = Elementwise.where(cond, Creation.of(new long[] {(1L << 60) + 1}, 1), Creation.of(new long[] {0}, 1));
        assertArrayEquals(new long[] {(1L << 60) + 1, 0, (1L << 60) + 1}, ints.toLongArray());
    }

    @Test
    void typesPromoteLikeTheCompiler() {
        Tensor i32 = Creation.of(new int[] {123456789, -7}, 2), i64 = Creation.of(new long[] {(1L << 60) + 1, 3}, 2);
        Tensor sum = Elementwise.add(i32, i32);
        assertEquals(DType.I32, sum.dtype());
        assertArrayEquals(new long[] {246913578, -14}, sum.toLongArray());
        Tensor wide = Elementwise.add(i32, i64);
        assertEquals(DType.I64, wide.dtype());
        assertEquals((1L << 60) + 1 + 123456789, wide.getLong(0));
        assertEquals(DType.F32, Elementwise.div(i32, i32).dtype());
        assertEquals(0.5, Elementwise.div(Creation.of(new int[] {1}, 1), Creation.of(new int[] {2}, 1)).get(0));
        assertEquals(DType.F32, Elementwise.add(i32, Creation.ones(2)).dtype());
        Tensor bf = Creation.ones(DType.BF16, 2), half = Creation.ones(DType.F16, 2);
        assertEquals(DType.BF16, Elementwise.add(bf, bf).dtype());
        assertEquals(DType.BF16, Elementwise.add(bf, i32).dtype());
        assertEquals(DType.F32, Elementwise.add(bf, half).dtype());
        Tensor bools = Creation.of(new boolean[] {true, false}, 2);
        assertEquals(DType.BOOL, Elementwise.add(bools, bools).dtype());
        assertEquals(DType.I32, Elementwise.add(bools, i32).dtype());
        assertThrows(IllegalArgumentException.class, () -> Elementwise.sub(bools, bools));
        assertThrows(IllegalArgumentException.class, () -> Elementwise.neg(bools));
    }

    @Test
    void sixteenBitFloatsComputeInF32AndRoundOnce() {
        double[] a = Ref.random(4, 100, -4, 4);
        Tensor x = Creation.of(a, 100).to(DType.BF16);
        double[] xs = x.toDoubleArray();
        Tensor e = Elementwise.exp(x);
        assertEquals(DType.BF16, e.dtype());
        double[] expected = new double[100];
        for (int i = 0; i < 100; i++) expected[i] = Storage.bf16ToFloat(Storage.floatToBf16((float) Math.exp(xs[i])));
        assertClose(expected, e, 0, 0);
        Tensor h = Elementwise.mul(Creation.of(a, 100).to(DType.F16), Creation.of(a, 100).to(DType.F16));
        assertEquals(DType.F16, h.dtype());
        double[] hs = Creation.of(a, 100).to(DType.F16).toDoubleArray();
        for (int i = 0; i < 100; i++) expected[i] = Float.float16ToFloat(Float.floatToFloat16((float) (hs[i] * hs[i])));
        assertClose(expected, h, 0, 0);
    }

    private static void checkUnary(UnaryOperator<Tensor> op, DoubleUnaryOperator ref, double lo, double hi) {
        double[] a = Ref.random(5, 3000, lo, hi);
        double[] expected = new double[a.length];
        for (int i = 0; i < a.length; i++) expected[i] = ref.applyAsDouble(a[i]);
        assertClose(expected, op.apply(Creation.of(a, 30, 100).transpose()).transpose(), MATH_RTOL, 1e-30);
    }

    @Test
    void unaryMathMatchesTheReference() {
        checkUnary(Elementwise::exp, Math::exp, -20, 20);
        checkUnary(Elementwise::log, Math::log, 1e-3, 1e3);
        checkUnary(Elementwise::sqrt, Math::sqrt, 0, 100);
        checkUnary(Elementwise::rsqrt, x -> 1 / Math.sqrt(x), 1e-3, 100);
        checkUnary(Elementwise::tanh, Math::tanh, -10, 10);
        checkUnary(Elementwise::sigmoid, x -> 1 / (1 + Math.exp(-x)), -30, 30);
        checkUnary(Elementwise::silu, x -> x / (1 + Math.exp(-x)), -30, 30);
        checkUnary(Elementwise::softplus, x -> x > 30 ? x : Math.log1p(Math.exp(x)), -30, 60);
        checkUnary(Elementwise::gelu, x -> x * normalCdf(x), -12, 12);
        checkUnary(Elementwise::geluTanh, x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))), -8, 8);
        checkUnary(Elementwise::relu, x -> Math.max(x, 0), -5, 5);
        checkUnary(Elementwise::abs, Math::abs, -5, 5);
        checkUnary(Elementwise::neg, x -> -x, -5, 5);
        assertArrayEquals(new long[] {3, 0, 2}, Elementwise.relu(Creation.of(new int[] {3, -4, 2}, 3)).toLongArray());
        assertArrayEquals(new long[] {3, 4, 2}, Elementwise.abs(Creation.of(new long[] {3, -4, 2}, 3)).toLongArray());
        assertEquals(DType.F32, Elementwise.exp(Creation.of(new int[] {1}, 1)).dtype());
        assertEquals(Float.NaN, Elementwise.relu(Creation.scalar(Float.NaN)).item());
    }

    @Test
    void geluIsTheExactErfForm() {
        // x * Phi(x) from 30-digit mpmath.
        double[] x = {1, -1, -5, 0.5, 3, -10, -0.001};
        double[] expected = {0.84134474606854295, -0.15865525393145705, -1.4332578593959696e-6, 0.34573123063700655,
                2.9959503059051097, -7.6198530241605261e-23, -0.00049960105778608895};
        assertClose(expected, Elementwise.gelu(Creation.of(x, x.length)), 1e-7, 0);
    }

    /** Phi(x) from an independent formulation: erfc's Taylor series for small |x|, Laplace's continued fraction in the tail. */
    static double normalCdf(double x) {
        double z = Math.abs(x) / Math.sqrt(2), erfc;
        if (z < 3) {
            double term = z, sum = z;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -z * z / n;
                sum += term / (2 * n + 1);
            }
            erfc = 1 - 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = 0;
            for (int k = 60; k >= 1; k--) f = k / 2.0 / (z + f);
            erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + f);
        }
        return x >= 0 ? 1 - erfc / 2 : erfc / 2;
    }
}
