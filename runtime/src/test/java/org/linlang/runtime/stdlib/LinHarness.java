package org.linlang.runtime.stdlib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/**
 * What the standard-library tests share: one Lin context, functions written in Lin as values, random f32
 * data as double arrays, tensors in and out, and the relative RMS comparison of flash-linear-attention's
 * tests ({@code rms(ref − x) / rms(ref)}, with a NaN check).
 */
final class LinHarness implements AutoCloseable {
    final Context context = Context.create("lin");
    private final SplittableRandom random;

    LinHarness(long seed) {
        random = new SplittableRandom(seed);
    }

    @Override
    public void close() {
        context.close();
    }

    /** Evaluates Lin code (imports, definitions, then an expression) and returns the expression's value. */
    Value eval(String code) {
        return context.eval(Source.newBuilder("lin", code, "stdlib_test.lin").buildLiteral());
    }

    /** A function `f` defined with the given imports, as a value. */
    Value fn(String imports, String definition) {
        return eval(imports + "\n" + definition + "\nf\n");
    }

    static double[] f32(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (float) x[i];
        return out;
    }

    double[] normal(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = random.nextGaussian();
        return f32(x);
    }

    double[] uniform(int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * random.nextDouble();
        return f32(x);
    }

    static Tensor tensor(double[] x, long... shape) {
        return Creation.of(x, shape);
    }

    /** An f32 result's elements, checking its shape. */
    static double[] read(Value t, long... shape) {
        assertEquals("f32", t.getMember("dtype").asString());
        assertArrayEquals(shape, shapeOf(t), "shape");
        int n = (int) (t.getBufferSize() / 4);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = t.readBufferFloat(ByteOrder.LITTLE_ENDIAN, 4L * i);
        return out;
    }

    static long[] shapeOf(Value t) {
        Value s = t.getMember("shape");
        long[] actual = new long[(int) s.getArraySize()];
        for (int i = 0; i < actual.length; i++) actual[i] = s.getArrayElement(i).asLong();
        return actual;
    }

    /** Relative RMS error at most {@code tolerance}, no NaN or infinity, and a reference that is not all zeros. */
    static void close(double[] ref, double[] x, double tolerance, String what) {
        assertEquals(ref.length, x.length, what + ": length");
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            assertTrue(Double.isFinite(x[i]), what + ": element " + i + " is " + x[i]);
            num += (ref[i] - x[i]) * (ref[i] - x[i]);
            den += ref[i] * ref[i];
        }
        assertTrue(den > 0, what + ": the reference is all zeros");
        double err = Math.sqrt(num / den);
        assertTrue(err <= tolerance, what + ": relative error " + err + " > " + tolerance);
    }
}
