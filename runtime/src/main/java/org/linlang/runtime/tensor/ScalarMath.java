package org.linlang.runtime.tensor;

/** Functions of one double that the tensor operations define and the interpreter also needs for plain floats. */
public final class ScalarMath {
    private ScalarMath() {}

    /** Exact GELU, {@code x * Phi(x)}, the same function as {@link Elementwise#gelu} in double. */
    public static double gelu(double x) {
        return 0.5 * x * Erf.erfc(-x / Math.sqrt(2));
    }
}
