package org.linlang.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.linlang.runtime.tensor.Tensor;

/** How the engines' differential tests compare results: same shape, no new NaN, relative RMS error ≤ 1e-4 (f32). */
public final class Agreement {
    public static final double F32_RELATIVE = 1e-4;

    private Agreement() {}

    public static void assertClose(String what, Tensor expected, Tensor actual) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what);
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double num = 0, den = 0;
        for (int i = 0; i < e.length; i++) {
            assertTrue(!Double.isNaN(a[i]) || Double.isNaN(e[i]), what + ": NaN at " + i);
            num += (e[i] - a[i]) * (e[i] - a[i]);
            den += e[i] * e[i];
        }
        double rel = den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
        assertTrue(rel <= F32_RELATIVE, what + ": relative RMS error " + rel);
    }
}
