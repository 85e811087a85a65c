package org.linlang.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/** Seeded inputs for the recurrence tests and the error measures they compare with. */
final class Fixtures {
    private Fixtures() {}

    /** The relative RMS error the kernels must meet against the float64 recurrences. */
    static final double RMS_TOLERANCE = 1e-5;

    static Tensor normal(long seed, long... shape) { return Creation.randn(shape, seed); }

    /** Standard normal rows, each scaled to unit L2 norm along the last axis (the delta rule's keys). */
    static Tensor unitRows(long seed, long... shape) {
        float[] x = normal(seed, shape).toFloatArray();
        int d = (int) shape[shape.length - 1];
        for (int r = 0; r < x.length; r += d) {
            double n = 0;
            for (int i = 0; i < d; i++) n += (double) x[r + i] * x[r + i];
            float inv = (float) (1 / Math.sqrt(n));
            for (int i = 0; i < d; i++) x[r + i] *= inv;
        }
        return Creation.of(x, shape);
    }

    /** Uniform values in {@code [lo, hi)}. */
    static Tensor uniform(long seed, double lo, double hi, long... shape) {
        float[] x = Creation.rand(shape, seed).toFloatArray();
        for (int i = 0; i < x.length; i++) x[i] = (float) (lo + (hi - lo) * x[i]);
        return Creation.of(x, shape);
    }

    /**
     * Log-decays in {@code (-strength, -strength / 10]}: weak ({@code 0.01}) to strong ({@code 5}).
     * With {@code saturated > 0}, that many key channels (the first, the last and every fifth)
     * get {@code -20} per step (only for per-channel shapes).
     */
    static Tensor gates(long seed, double strength, int saturated, long... shape) {
        float[] x = Creation.rand(shape, seed).toFloatArray();
        for (int i = 0; i < x.length; i++) x[i] = (float) -(strength * (0.1 + 0.9 * x[i]));
        if (saturated > 0) {
            int d = (int) shape[shape.length - 1];
            for (int r = 0; r < x.length; r += d) {
                for (int j = 0, n = 0; j < d && n < saturated; j++) {
                    if (j == 0 || j == d - 1 || j % 5 == 0) {
                        x[r + j] = -20f;
                        n++;
                    }
                }
            }
        }
        return Creation.of(x, shape);
    }

    static double[] doubles(Tensor t) { return t == null ? null : t.toDoubleArray(); }

    /** {@code rms(ref - x) / rms(ref)}. */
    static double relativeRms(double[] ref, double[] x) {
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = ref[i] - x[i];
            num += d * d;
            den += ref[i] * ref[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    static double maxAbs(double[] ref, double[] x) {
        double m = 0;
        for (int i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i] - x[i]));
        return m;
    }

    static double maxMagnitude(double[] ref) {
        double m = 0;
        for (double r : ref) m = Math.max(m, Math.abs(r));
        return m;
    }

    /**
     * Fails unless {@code actual} is finite everywhere, its relative RMS error is at most
     * {@code tolerance} and its largest error at most {@code 20 * tolerance} of the reference's
     * largest magnitude. Returns the relative RMS error.
     */
    static double assertClose(String what, double[] ref, Tensor actual, double tolerance) {
        double[] x = actual.toDoubleArray();
        assertEquals(ref.length, x.length, what + ": size");
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) fail(what + ": non-finite value " + x[i] + " at element " + i + " (reference " + ref[i] + ")");
        }
        double rms = relativeRms(ref, x), max = maxAbs(ref, x), scale = Math.max(maxMagnitude(ref), 1e-30);
        assertTrue(rms <= tolerance, what + ": relative RMS error " + rms + " > " + tolerance);
        assertTrue(max <= 20 * tolerance * scale, what + ": max abs error " + max + " > " + 20 * tolerance + " x max |ref| " + scale);
        return rms;
    }
}
