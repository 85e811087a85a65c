package org.linlang.runtime.truffle.ops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * The fast path of small f32 operations, which recurrence steps are made of ({@code exp(g) * S},
 * {@code k @ S}, {@code outer(k, u)} on [K, V] states): operands that are dense f32 are read with one
 * bulk copy, computed in plain loops, and the result is a tensor over a Java array. Each operation
 * then costs little more than its arithmetic, where the general path's broadcasting machinery and
 * off-heap allocation cost microseconds. Results are the same to the bit: Java's float arithmetic
 * is the f32 arithmetic of the general path.
 */
final class F32 {
    private static final ValueLayout.OfFloat LAYOUT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Larger tensors take the general path, which works in chunks without copying its operands. */
    static final long MAX = 1 << 16;

    private F32() {}

    static boolean dense(Tensor t) {
        return t.dtype() == DType.F32 && t.numel() <= MAX && t.isContiguous();
    }

    /** The elements of a dense f32 tensor: its own array when it lives in one (see {@link #wrap}), else a copy. */
    record Src(float[] a, int at) {}

    static Src src(Tensor t) {
        MemorySegment s = t.storage();
        if (s.heapBase().orElse(null) instanceof float[] array && (long) array.length * Float.BYTES == s.byteSize()) {
            return new Src(array, (int) t.offset());
        }
        return new Src(copy(t), 0);
    }

    private static float[] copy(Tensor t) {
        int n = (int) t.numel();
        float[] out = new float[n];
        MemorySegment.copy(t.storage(), LAYOUT, t.offset() * Float.BYTES, out, 0, n);
        return out;
    }

    /** A fresh array with the elements (safe to write). */
    static float[] read(Tensor t) {
        Src s = src(t);
        if (s.at == 0 && s.a.length == t.numel() && !(t.storage().heapBase().isPresent())) return s.a;
        return java.util.Arrays.copyOfRange(s.a, s.at, s.at + (int) t.numel());
    }

    static Tensor wrap(float[] data, long... shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return Tensor.wrap(MemorySegment.ofArray(data), DType.F32, shape, strides, 0);
    }

    /** {@code x op y} for a dense f32 tensor and a scalar (on either side), or null when the fast path does not apply. */
    static Tensor withScalar(TensorOps.Op op, Tensor x, float s, boolean scalarFirst) {
        if (!dense(x)) return null;
        float[] a = read(x);
        switch (op) {
            case ADD -> { for (int i = 0; i < a.length; i++) a[i] = a[i] + s; }
            case MUL -> { for (int i = 0; i < a.length; i++) a[i] = a[i] * s; }
            case SUB -> {
                if (scalarFirst) for (int i = 0; i < a.length; i++) a[i] = s - a[i];
                else for (int i = 0; i < a.length; i++) a[i] = a[i] - s;
            }
            case DIV -> {
                if (scalarFirst) for (int i = 0; i < a.length; i++) a[i] = s / a[i];
                else for (int i = 0; i < a.length; i++) a[i] = a[i] / s;
            }
            default -> { return null; }
        }
        return wrap(a, x.shape());
    }

    /** {@code x op y} for dense f32 tensors of one shape, or null. */
    static Tensor same(TensorOps.Op op, Tensor x, Tensor y) {
        if (!dense(x) || !dense(y) || !java.util.Arrays.equals(x.shape(), y.shape())) return null;
        float[] a = read(x);
        Src sb = src(y);
        float[] b = sb.a;
        int o = sb.at;
        switch (op) {
            case ADD -> { for (int i = 0; i < a.length; i++) a[i] = a[i] + b[o + i]; }
            case SUB -> { for (int i = 0; i < a.length; i++) a[i] = a[i] - b[o + i]; }
            case MUL -> { for (int i = 0; i < a.length; i++) a[i] = a[i] * b[o + i]; }
            case DIV -> { for (int i = 0; i < a.length; i++) a[i] = a[i] / b[o + i]; }
            default -> { return null; }
        }
        return wrap(a, x.shape());
    }

    /** {@code outer(a, b)} of dense f32 vectors, or null. */
    static Tensor outer(Tensor x, Tensor y) {
        if (x.rank() != 1 || y.rank() != 1 || !dense(x) || !dense(y)) return null;
        Src sa = src(x), sb = src(y);
        int m = (int) x.numel(), n = (int) y.numel();
        float[] a = sa.a, b = sb.a;
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            float ai = a[sa.at + i];
            int row = i * n;
            for (int j = 0; j < n; j++) out[row + j] = ai * b[sb.at + j];
        }
        return wrap(out, m, n);
    }

    /**
     * {@code x @ y} for dense f32 vectors and matrices (no batch axes), accumulated in double and
     * rounded once, or null.
     */
    static Tensor matmul(Tensor x, Tensor y) {
        if (x.rank() > 2 || y.rank() > 2 || x.rank() == 0 || y.rank() == 0 || !dense(x) || !dense(y)) return null;
        int m = x.rank() == 1 ? 1 : (int) x.dim(0), k = (int) x.dim(-1);
        int yk = y.rank() == 1 ? (int) y.dim(0) : (int) y.dim(0), n = y.rank() == 1 ? 1 : (int) y.dim(1);
        if (yk != k || (long) m * k * n > TensorOps.SMALL_PRODUCT) return null;
        Src sa = src(x), sb = src(y);
        float[] a = sa.a, b = sb.a;
        int ao = sa.at, bo = sb.at;
        float[] out = new float[m * n];
        double[] row = new double[n];
        for (int i = 0; i < m; i++) {
            if (i > 0) java.util.Arrays.fill(row, 0);
            for (int p = 0; p < k; p++) {
                double aip = a[ao + i * k + p];
                int br = bo + p * n;
                for (int j = 0; j < n; j++) row[j] += aip * b[br + j];
            }
            for (int j = 0; j < n; j++) out[i * n + j] = (float) row[j];
        }
        if (x.rank() == 1 && y.rank() == 1) return wrap(out);
        if (x.rank() == 1) return wrap(out, n);
        if (y.rank() == 1) return wrap(out, m);
        return wrap(out, m, n);
    }
}
