package org.linlang.runtime.tensor;

/**
 * Element-by-element operations with numpy broadcasting. Result types follow
 * {@link DType#promote}; 16-bit floats are computed in f32 and rounded once when stored; transcendental
 * functions are evaluated in double before that rounding. Integers and bool compute exactly in 64 bits
 * (i32 results wrap). Division, {@code pow} and the math functions of integers give f32.
 */
public final class Elementwise {
    private interface F1 { void apply(float[] x, float[] out, int n); }
    private interface F2 { void apply(float[] x, float[] y, float[] out, int n); }
    private interface L1 { void apply(long[] x, long[] out, int n); }
    private interface L2 { void apply(long[] x, long[] y, long[] out, int n); }

    private Elementwise() {}

    // ---- arithmetic ----------------------------------------------------------------------------

    public static Tensor add(Tensor a, Tensor b) {
        return arithmetic(a, b,
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] + y[i]; },
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] + y[i]; });
    }

    public static Tensor sub(Tensor a, Tensor b) {
        if (a.dtype == DType.BOOL && b.dtype == DType.BOOL) throw new IllegalArgumentException("cannot subtract bool tensors");
        return arithmetic(a, b,
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] - y[i]; },
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] - y[i]; });
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return arithmetic(a, b,
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] * y[i]; },
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] * y[i]; });
    }

    /** True division: integers give f32. */
    public static Tensor div(Tensor a, Tensor b) {
        return floating(a, b, (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] / y[i]; });
    }

    public static Tensor pow(Tensor a, Tensor b) {
        return floating(a, b, (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = (float) Math.pow(x[i], y[i]); });
    }

    /** NaN wins, as in numpy. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return arithmetic(a, b,
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = Math.max(x[i], y[i]); },
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = Math.max(x[i], y[i]); });
    }

    public static Tensor minimum(Tensor a, Tensor b) {
        return arithmetic(a, b,
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = Math.min(x[i], y[i]); },
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = Math.min(x[i], y[i]); });
    }

    // ---- comparisons (bool results) ------------------------------------------------------------

    public static Tensor eq(Tensor a, Tensor b) {
        return compare(a, b,
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] == y[i] ? 1 : 0; },
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] == y[i] ? 1 : 0; });
    }

    public static Tensor ne(Tensor a, Tensor b) {
        return compare(a, b,
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] != y[i] ? 1 : 0; },
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] != y[i] ? 1 : 0; });
    }

    public static Tensor lt(Tensor a, Tensor b) {
        return compare(a, b,
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] < y[i] ? 1 : 0; },
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] < y[i] ? 1 : 0; });
    }

    public static Tensor le(Tensor a, Tensor b) {
        return compare(a, b,
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] <= y[i] ? 1 : 0; },
                (x, y, o, n) -> { for (int i = 0; i < n; i++) o[i] = x[i] <= y[i] ? 1 : 0; });
    }

    public static Tensor gt(Tensor a, Tensor b) { return lt(b, a); }

    public static Tensor ge(Tensor a, Tensor b) { return le(b, a); }

    /** {@code condition ? a : b} element by element; all three broadcast together. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        DType t = DType.promote(a.dtype, b.dtype);
        if (t.isFloat()) {
            return Pointwise.floats(t, (in, o, n) -> {
                float[] c = in[0], x = in[1], y = in[2];
                for (int i = 0; i < n; i++) o[i] = c[i] != 0 ? x[i] : y[i];
            }, condition, a, b);
        }
        return Pointwise.longs(t, (in, o, n) -> {
            long[] c = in[0], x = in[1], y = in[2];
            for (int i = 0; i < n; i++) o[i] = c[i] != 0 ? x[i] : y[i];
        }, condition, a, b);
    }

    // ---- unary ---------------------------------------------------------------------------------

    public static Tensor neg(Tensor x) {
        if (x.dtype == DType.BOOL) throw new IllegalArgumentException("cannot negate a bool tensor");
        return sameType(x,
                (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = -a[i]; },
                (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = -a[i]; });
    }

    public static Tensor abs(Tensor x) {
        return sameType(x,
                (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = Math.abs(a[i]); },
                (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = Math.abs(a[i]); });
    }

    /** max(x, 0); NaN stays NaN. */
    public static Tensor relu(Tensor x) {
        return sameType(x,
                (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = Math.max(a[i], 0f); },
                (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = Math.max(a[i], 0L); });
    }

    public static Tensor exp(Tensor x) {
        return math(x, (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = (float) Math.exp(a[i]); });
    }

    public static Tensor log(Tensor x) {
        return math(x, (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = (float) Math.log(a[i]); });
    }

    public static Tensor sqrt(Tensor x) {
        return math(x, (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = (float) Math.sqrt(a[i]); });
    }

    /** 1 / sqrt(x), rounded once. */
    public static Tensor rsqrt(Tensor x) {
        return math(x, (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = (float) (1 / Math.sqrt(a[i])); });
    }

    public static Tensor tanh(Tensor x) {
        return math(x, (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = (float) Math.tanh(a[i]); });
    }

    public static Tensor sigmoid(Tensor x) {
        return math(x, (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = (float) (1 / (1 + Math.exp(-a[i]))); });
    }

    /** x * sigmoid(x), also called swish. */
    public static Tensor silu(Tensor x) {
        return math(x, (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = (float) (a[i] / (1 + Math.exp(-a[i]))); });
    }

    /** log(1 + exp(x)) in the form that neither overflows nor loses the tail: max(x, 0) + log1p(exp(-|x|)). */
    public static Tensor softplus(Tensor x) {
        return math(x, (a, o, n) -> {
            for (int i = 0; i < n; i++) o[i] = (float) (Math.max(a[i], 0.0) + Math.log1p(Math.exp(-Math.abs((double) a[i]))));
        });
    }

    /**
     * Exact GELU, {@code x * Phi(x) = 0.5 x erfc(-x / sqrt 2)}: what Hugging Face {@code transformers}
     * and PyTorch mean by "gelu". See {@link #geluTanh} for the approximation ("gelu_pytorch_tanh").
     */
    public static Tensor gelu(Tensor x) {
        double invSqrt2 = 1 / Math.sqrt(2);
        return math(x, (a, o, n) -> { for (int i = 0; i < n; i++) o[i] = (float) (0.5 * a[i] * Erf.erfc(-a[i] * invSqrt2)); });
    }

    /** GELU's tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static Tensor geluTanh(Tensor x) {
        double k = Math.sqrt(2 / Math.PI);
        return math(x, (a, o, n) -> {
            for (int i = 0; i < n; i++) {
                double v = a[i];
                o[i] = (float) (0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v))));
            }
        });
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private static Tensor arithmetic(Tensor a, Tensor b, F2 f, L2 l) {
        DType t = DType.promote(a.dtype, b.dtype);
        return t.isFloat()
                ? Pointwise.floats(t, (in, o, n) -> f.apply(in[0], in[1], o, n), a, b)
                : Pointwise.longs(t, (in, o, n) -> l.apply(in[0], in[1], o, n), a, b);
    }

    private static Tensor floating(Tensor a, Tensor b, F2 f) {
        return Pointwise.floats(floatType(DType.promote(a.dtype, b.dtype)), (in, o, n) -> f.apply(in[0], in[1], o, n), a, b);
    }

    private static Tensor compare(Tensor a, Tensor b, F2 f, L2 l) {
        return DType.promote(a.dtype, b.dtype).isFloat()
                ? Pointwise.floats(DType.BOOL, (in, o, n) -> f.apply(in[0], in[1], o, n), a, b)
                : Pointwise.longs(DType.BOOL, (in, o, n) -> l.apply(in[0], in[1], o, n), a, b);
    }

    private static Tensor sameType(Tensor x, F1 f, L1 l) {
        return x.dtype.isFloat()
                ? Pointwise.floats(x.dtype, (in, o, n) -> f.apply(in[0], o, n), x)
                : Pointwise.longs(x.dtype, (in, o, n) -> l.apply(in[0], o, n), x);
    }

    private static Tensor math(Tensor x, F1 f) {
        return Pointwise.floats(floatType(x.dtype), (in, o, n) -> f.apply(in[0], o, n), x);
    }

    private static DType floatType(DType t) {
        return t.isFloat() ? t : DType.F32;
    }
}
