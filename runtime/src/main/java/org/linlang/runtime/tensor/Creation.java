package org.linlang.runtime.tensor;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** New tensors: from Java arrays, constants, ranges and seeded random numbers. */
public final class Creation {
    private Creation() {}

    // ---- from values (C order) -----------------------------------------------------------------

    public static Tensor of(float[] values, long... shape) {
        Tensor t = sized(DType.F32, values.length, shape);
        MemorySegment.copy(values, 0, t.storage, Storage.F32, 0, values.length);
        return t;
    }

    /** Values rounded to f32. */
    public static Tensor of(double[] values, long... shape) { return of(DType.F32, values, shape); }

    public static Tensor of(DType dtype, double[] values, long... shape) {
        Tensor t = sized(dtype, values.length, shape);
        for (int i = 0; i < values.length; i++) Storage.setDouble(t.storage, dtype, i, values[i]);
        return t;
    }

    public static Tensor of(long[] values, long... shape) { return of(DType.I64, values, shape); }

    public static Tensor of(int[] values, long... shape) {
        Tensor t = sized(DType.I32, values.length, shape);
        for (int i = 0; i < values.length; i++) Storage.setLong(t.storage, DType.I32, i, values[i]);
        return t;
    }

    public static Tensor of(boolean[] values, long... shape) {
        Tensor t = sized(DType.BOOL, values.length, shape);
        for (int i = 0; i < values.length; i++) Storage.setLong(t.storage, DType.BOOL, i, values[i] ? 1 : 0);
        return t;
    }

    /** Integers given exactly, in any integer or floating dtype. */
    public static Tensor of(DType dtype, long[] values, long... shape) {
        Tensor t = sized(dtype, values.length, shape);
        for (int i = 0; i < values.length; i++) Storage.setLong(t.storage, dtype, i, values[i]);
        return t;
    }

    /** A rank-0 f32 tensor. */
    public static Tensor scalar(double value) { return scalar(value, DType.F32); }

    public static Tensor scalar(double value, DType dtype) { return full(value, dtype); }

    private static Tensor sized(DType dtype, int count, long[] shape) {
        long n = Layout.numel(shape);
        if (n != count) {
            throw new IllegalArgumentException(count + " values cannot fill shape " + Layout.format(shape) + " of " + n + " elements");
        }
        return Tensor.allocate(dtype, shape);
    }

    // ---- constants and ranges ------------------------------------------------------------------

    public static Tensor zeros(long... shape) { return zeros(DType.F32, shape); }

    public static Tensor zeros(DType dtype, long... shape) { return Tensor.allocate(dtype, shape); }

    public static Tensor ones(long... shape) { return ones(DType.F32, shape); }

    public static Tensor ones(DType dtype, long... shape) { return full(1, dtype, shape); }

    public static Tensor full(double value, DType dtype, long... shape) {
        Tensor t = Tensor.allocate(dtype, shape);
        if (Double.doubleToRawLongBits(value) != 0) t.copyFrom(scalarValue(value, dtype)); // memory starts zeroed
        return t;
    }

    private static Tensor scalarValue(double value, DType dtype) {
        Tensor s = Tensor.allocate(dtype);
        Storage.setDouble(s.storage, dtype, 0, value);
        return s;
    }

    /** 0, 1, ..., stop - 1 as i64, like numpy's {@code arange(stop)}. */
    public static Tensor arange(long stop) {
        Tensor t = Tensor.allocate(DType.I64, Math.max(stop, 0));
        for (long i = 0; i < stop; i++) Storage.setLong(t.storage, DType.I64, i, i);
        return t;
    }

    /** {@code start, start + step, ...} below {@code stop} (above, for a negative step); element i is {@code start + i * step}. */
    public static Tensor arange(double start, double stop, double step, DType dtype) {
        if (step == 0 || !Double.isFinite(step)) throw new IllegalArgumentException("arange: step must be finite and non-zero, got " + step);
        long n = (long) Math.max(0, Math.ceil((stop - start) / step));
        Tensor t = Tensor.allocate(dtype, n);
        for (long i = 0; i < n; i++) Storage.setDouble(t.storage, dtype, i, start + i * step);
        return t;
    }

    // ---- random numbers ------------------------------------------------------------------------

    /**
     * Uniform f32 values in [0, 1), reproducible on any machine: a {@link SplittableRandom} seeded with
     * {@code seed} (its SplitMix64 sequence is specified) gives one {@code nextLong()} per element in C
     * order; the top 24 bits, times 2^-24, are the value, exactly representable in f32.
     */
    public static Tensor rand(long[] shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor t = Tensor.allocate(DType.F32, shape);
        long n = t.numel();
        for (long i = 0; i < n; i++) t.storage.set(Storage.F32, i * 4, (random.nextLong() >>> 40) * 0x1.0p-24f);
        return t;
    }

    /**
     * Standard normal f32 values, reproducible on any machine: Box–Muller on the same generator as
     * {@link #rand}. Each pair of {@code nextLong()} gives u1 in (0, 1] and u2 in [0, 1) (top 53 bits
     * times 2^-53; u1 = 1 - that), then the values {@code r cos(2 pi u2)} and {@code r sin(2 pi u2)} with
     * {@code r = sqrt(-2 ln u1)}, computed with {@link StrictMath} so every JVM rounds the same, fill two
     * consecutive elements in C order (an odd count drops the last sine).
     */
    public static Tensor randn(long[] shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor t = Tensor.allocate(DType.F32, shape);
        long n = t.numel();
        for (long i = 0; i < n; i += 2) {
            double u1 = 1 - (random.nextLong() >>> 11) * 0x1.0p-53;
            double u2 = (random.nextLong() >>> 11) * 0x1.0p-53;
            double r = StrictMath.sqrt(-2 * StrictMath.log(u1)), theta = 2 * Math.PI * u2;
            t.storage.set(Storage.F32, i * 4, (float) (r * StrictMath.cos(theta)));
            if (i + 1 < n) t.storage.set(Storage.F32, (i + 1) * 4, (float) (r * StrictMath.sin(theta)));
        }
        return t;
    }
}
