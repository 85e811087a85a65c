package org.linlang.runtime.tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * Reductions over axes, softmax and cumulative sums.
 *
 * <p>Every reduction walks its input once in memory order and folds each element into the
 * accumulator of its output position (an accumulator array seen through zero strides on the reduced
 * axes), so reducing the first axis is as cache-friendly as reducing the last. Floating inputs
 * accumulate in double and are rounded once; NaN propagates through max and min as in numpy.
 * Integers and bool accumulate exactly in 64 bits.
 */
public final class Reductions {
    private enum Kind { SUM, MEAN, MAX, MIN }

    private Reductions() {}

    /** Sum of all elements. Floats keep their dtype; integers and bool give i64. */
    public static Tensor sum(Tensor x) { return sum(x, allAxes(x), false); }

    public static Tensor sum(Tensor x, int[] axes, boolean keepDims) { return reduce(x, axes, keepDims, Kind.SUM); }

    /** Arithmetic mean; integers and bool give f32; over an empty axis, NaN. */
    public static Tensor mean(Tensor x) { return mean(x, allAxes(x), false); }

    public static Tensor mean(Tensor x, int[] axes, boolean keepDims) { return reduce(x, axes, keepDims, Kind.MEAN); }

    /** Largest element; keeps the dtype; NaN if any element is NaN. */
    public static Tensor max(Tensor x) { return max(x, allAxes(x), false); }

    public static Tensor max(Tensor x, int[] axes, boolean keepDims) { return reduce(x, axes, keepDims, Kind.MAX); }

    public static Tensor min(Tensor x) { return min(x, allAxes(x), false); }

    public static Tensor min(Tensor x, int[] axes, boolean keepDims) { return reduce(x, axes, keepDims, Kind.MIN); }

    /**
     * {@code exp(x - max) / sum(exp(x - max))} along an axis; subtracting the maximum keeps exp from
     * overflowing. Computed in f32; 16-bit floats are rounded back, integers give f32.
     */
    public static Tensor softmax(Tensor x, int axis) {
        Tensor f = x.to(DType.F32);
        int[] along = {axis};
        Tensor e = Elementwise.exp(Elementwise.sub(f, max(f, along, true)));
        Tensor out = Elementwise.div(e, sum(e, along, true));
        return out.to(x.dtype.isFloat() ? x.dtype : DType.F32);
    }

    /** Running sums along an axis (accumulated in double for floats); integers and bool give i64. */
    public static Tensor cumsum(Tensor x, int axis) {
        int a = Layout.axis(axis, x.rank());
        long[] lines = x.shape();
        lines[a] = 1;
        long[] accStrides = Layout.contiguousStrides(lines);
        accStrides[a] = 0; // one running total per line, reused along the axis
        int size = accumulatorSize(Layout.numel(lines));
        boolean floating = x.dtype.isFloat();
        Tensor out = Tensor.allocate(floating ? x.dtype : DType.I64, x.shape);
        long[][] strides = {x.strides, accStrides, out.strides};
        long[] offsets = {x.offset, 0, 0};
        // C order visits each line's elements in increasing position along the axis.
        if (floating) {
            double[] acc = new double[size];
            float[] buf = new float[ChunkLoop.runLength(x.numel())];
            ChunkLoop.run(x.shape, strides, offsets, (at, step, n) -> {
                Storage.readFloats(x.storage, x.dtype, at[0], step[0], buf, n);
                for (int i = 0; i < n; i++) {
                    int p = (int) (at[1] + i * step[1]);
                    buf[i] = (float) (acc[p] += buf[i]);
                }
                Storage.writeFloats(out.storage, out.dtype, at[2], step[2], buf, n);
            });
        } else {
            long[] acc = new long[size];
            long[] buf = new long[ChunkLoop.runLength(x.numel())];
            ChunkLoop.run(x.shape, strides, offsets, (at, step, n) -> {
                Storage.readLongs(x.storage, x.dtype, at[0], step[0], buf, n);
                for (int i = 0; i < n; i++) {
                    int p = (int) (at[1] + i * step[1]);
                    buf[i] = acc[p] += buf[i];
                }
                Storage.writeLongs(out.storage, out.dtype, at[2], step[2], buf, n);
            });
        }
        return out;
    }

    // ---- the fold ------------------------------------------------------------------------------

    private static Tensor reduce(Tensor x, int[] axes, boolean keepDims, Kind kind) {
        boolean[] reduced = Layout.axesMask(axes, x.rank());
        long[] kept = x.shape();
        long count = 1;
        int dropped = 0;
        for (int i = 0; i < kept.length; i++) {
            if (!reduced[i]) continue;
            count *= kept[i];
            kept[i] = 1;
            dropped++;
        }
        long outCount = Layout.numel(kept);
        if (count == 0 && outCount > 0 && (kind == Kind.MAX || kind == Kind.MIN)) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT) + " over an empty axis of " + Layout.format(x.shape) + " has no value");
        }
        long[] accStrides = Layout.contiguousStrides(kept);
        for (int i = 0; i < kept.length; i++) if (reduced[i]) accStrides[i] = 0;
        Tensor out = Tensor.allocate(resultType(x.dtype, kind), kept);
        int size = accumulatorSize(outCount);
        if (x.dtype.isFloat()) {
            double[] acc = foldFloats(x, accStrides, size, kind);
            for (int i = 0; i < size; i++) {
                Storage.setDouble(out.storage, out.dtype, i, kind == Kind.MEAN ? acc[i] / count : acc[i]);
            }
        } else {
            long[] acc = foldLongs(x, accStrides, size, kind);
            for (int i = 0; i < size; i++) {
                if (kind == Kind.MEAN) Storage.setDouble(out.storage, out.dtype, i, (double) acc[i] / count);
                else Storage.setLong(out.storage, out.dtype, i, acc[i]);
            }
        }
        if (keepDims) return out;
        long[] shape = new long[x.rank() - dropped];
        for (int i = 0, j = 0; i < kept.length; i++) if (!reduced[i]) shape[j++] = kept[i];
        return out.reshape(shape);
    }

    private static double[] foldFloats(Tensor x, long[] accStrides, int size, Kind kind) {
        double[] acc = new double[size];
        if (kind == Kind.MAX) Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        if (kind == Kind.MIN) Arrays.fill(acc, Double.POSITIVE_INFINITY);
        float[] buf = new float[ChunkLoop.runLength(x.numel())];
        ChunkLoop.run(x.shape, new long[][] {x.strides, accStrides}, new long[] {x.offset, 0}, (at, step, n) -> {
            Storage.readFloats(x.storage, x.dtype, at[0], step[0], buf, n);
            int base = (int) at[1];
            long s = step[1];
            switch (kind) {
                case SUM, MEAN -> {
                    if (s == 0) acc[base] += sumOf(buf, n);
                    else for (int i = 0; i < n; i++) acc[(int) (base + i * s)] += buf[i];
                }
                case MAX -> {
                    if (s == 0) acc[base] = Math.max(acc[base], maxOf(buf, n));
                    else for (int i = 0; i < n; i++) acc[(int) (base + i * s)] = Math.max(acc[(int) (base + i * s)], buf[i]);
                }
                case MIN -> {
                    if (s == 0) acc[base] = Math.min(acc[base], minOf(buf, n));
                    else for (int i = 0; i < n; i++) acc[(int) (base + i * s)] = Math.min(acc[(int) (base + i * s)], buf[i]);
                }
            }
        });
        return acc;
    }

    private static long[] foldLongs(Tensor x, long[] accStrides, int size, Kind kind) {
        long[] acc = new long[size];
        if (kind == Kind.MAX) Arrays.fill(acc, Long.MIN_VALUE);
        if (kind == Kind.MIN) Arrays.fill(acc, Long.MAX_VALUE);
        long[] buf = new long[ChunkLoop.runLength(x.numel())];
        ChunkLoop.run(x.shape, new long[][] {x.strides, accStrides}, new long[] {x.offset, 0}, (at, step, n) -> {
            Storage.readLongs(x.storage, x.dtype, at[0], step[0], buf, n);
            for (int i = 0; i < n; i++) {
                int p = (int) (at[1] + i * step[1]);
                acc[p] = switch (kind) {
                    case SUM, MEAN -> acc[p] + buf[i];
                    case MAX -> Math.max(acc[p], buf[i]);
                    case MIN -> Math.min(acc[p], buf[i]);
                };
            }
        });
        return acc;
    }

    /** Four independent partial sums: the additions overlap instead of waiting on one another. */
    private static double sumOf(float[] v, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += v[i];
            s1 += v[i + 1];
            s2 += v[i + 2];
            s3 += v[i + 3];
        }
        for (; i < n; i++) s0 += v[i];
        return (s0 + s1) + (s2 + s3);
    }

    /** Like folding with Math.max (NaN wins), without its NaN test on every element's critical path. */
    private static float maxOf(float[] v, int n) {
        float m = Float.NEGATIVE_INFINITY;
        boolean nan = false;
        for (int i = 0; i < n; i++) {
            m = v[i] > m ? v[i] : m;
            nan |= v[i] != v[i];
        }
        return nan ? Float.NaN : m;
    }

    private static float minOf(float[] v, int n) {
        float m = Float.POSITIVE_INFINITY;
        boolean nan = false;
        for (int i = 0; i < n; i++) {
            m = v[i] < m ? v[i] : m;
            nan |= v[i] != v[i];
        }
        return nan ? Float.NaN : m;
    }

    private static DType resultType(DType t, Kind kind) {
        return switch (kind) {
            case SUM -> t.isFloat() ? t : DType.I64;
            case MEAN -> t.isFloat() ? t : DType.F32;
            case MAX, MIN -> t;
        };
    }

    private static int accumulatorSize(long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("reduction result of " + n + " elements is too large");
        return (int) n;
    }

    private static int[] allAxes(Tensor x) {
        int[] axes = new int[x.rank()];
        for (int i = 0; i < axes.length; i++) axes[i] = i;
        return axes;
    }
}
