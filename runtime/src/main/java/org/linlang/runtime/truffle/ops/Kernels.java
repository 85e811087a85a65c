package org.linlang.runtime.truffle.ops;

import java.util.function.DoubleUnaryOperator;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Shapes;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.values.LinTensor;

/**
 * Elementwise operations the tensor library does not have, written on its public API (Java arrays in
 * C order): the remainder, logic on bool tensors, and functions computed in double (elu, sin, cos).
 * They are rare in models, so simple loops are enough.
 */
final class Kernels {
    private Kernels() {}

    /** {@code a % b} with the sign of {@code b}, as in Python; integers exactly. */
    static Tensor floorMod(Tensor a, Tensor b) {
        long[] shape = Shapes.broadcastShapes(a.shape(), b.shape());
        DType t = DType.promote(a.dtype(), b.dtype());
        if (t == DType.BOOL) throw new IllegalArgumentException("'%' does not apply to bool tensors");
        if (!t.isFloat()) {
            long[] x = a.broadcastTo(shape).toLongArray(), y = b.broadcastTo(shape).toLongArray();
            long[] out = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                if (y[i] == 0) throw new IllegalArgumentException("modulo by zero");
                out[i] = Math.floorMod(x[i], y[i]);
            }
            return Creation.of(t, out, shape);
        }
        double[] x = a.broadcastTo(shape).toDoubleArray(), y = b.broadcastTo(shape).toDoubleArray();
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double r = x[i] % y[i];
            if (r != 0 && (y[i] < 0) != (r < 0)) r += y[i];
            out[i] = r;
        }
        return Creation.of(t, out, shape);
    }

    static Tensor logical(boolean and, Tensor a, Tensor b) {
        if (a.dtype() != DType.BOOL || b.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("'" + (and ? "and" : "or") + "' needs bool tensors, got "
                    + LinTensor.typeText(a.dtype(), a.shape()) + " and " + LinTensor.typeText(b.dtype(), b.shape()));
        }
        long[] shape = Shapes.broadcastShapes(a.shape(), b.shape());
        long[] x = a.broadcastTo(shape).toLongArray(), y = b.broadcastTo(shape).toLongArray();
        boolean[] out = new boolean[x.length];
        for (int i = 0; i < x.length; i++) out[i] = and ? x[i] != 0 && y[i] != 0 : x[i] != 0 || y[i] != 0;
        return Creation.of(out, shape);
    }

    static Tensor not(Tensor a) {
        long[] x = a.toLongArray();
        boolean[] out = new boolean[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] == 0;
        return Creation.of(out, a.shape());
    }

    /** A function of each element computed in double; integers give f32. */
    static Tensor map(Tensor a, DoubleUnaryOperator f) {
        double[] x = a.toDoubleArray();
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = f.applyAsDouble(x[i]);
        return Creation.of(a.dtype().isFloat() ? a.dtype() : DType.F32, out, a.shape());
    }
}
