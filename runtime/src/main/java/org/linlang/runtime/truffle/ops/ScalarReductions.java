package org.linlang.runtime.truffle.ops;

import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/** {@code sum mean max min} of several values or of the elements of a list: numbers, or tensors elementwise. */
final class ScalarReductions {
    private ScalarReductions() {}

    static Object reduce(String kind, Object[] values) {
        if (values.length == 0) {
            if (kind.equals("sum")) return 0L;
            throw new IllegalArgumentException(kind + "() of an empty list");
        }
        switch (kind) {
            case "sum", "mean" -> {
                Object total = values[0];
                for (int i = 1; i < values.length; i++) total = add(total, values[i]);
                if (kind.equals("sum")) return total;
                return divide(total, values.length);
            }
            default -> {
                boolean max = kind.equals("max");
                Object best = values[0];
                for (int i = 1; i < values.length; i++) {
                    Object v = values[i];
                    if (TensorOps.involvesTensor(best, v)) {
                        throw new IllegalArgumentException(kind + "() of several tensors: use " + (max ? "maximum" : "minimum") + "(a, b)");
                    }
                    Integer order = LinValues.compare(v, best);
                    if (order == null) {
                        if (LinValues.isNumber(v) && LinValues.isNumber(best)) continue; // NaN: keep, as Python does
                        throw new IllegalArgumentException(kind + "() cannot compare " + LinValues.typeName(v) + " with " + LinValues.typeName(best));
                    }
                    if (max ? order > 0 : order < 0) best = v;
                }
                return best;
            }
        }
    }

    private static Object add(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            try {
                return Math.addExact(x, y);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("integer overflow: " + x + " + " + y + " does not fit in 64 bits");
            }
        }
        if (LinValues.isNumber(a) && LinValues.isNumber(b)) return LinValues.toDouble(a) + LinValues.toDouble(b);
        if (TensorOps.involvesTensor(a, b)) return TensorOps.binary(TensorOps.Op.ADD, a, b);
        throw new IllegalArgumentException("sum() cannot add " + LinValues.typeName(a) + " and " + LinValues.typeName(b));
    }

    private static Object divide(Object total, int n) {
        if (LinValues.isNumber(total)) return LinValues.toDouble(total) / n;
        if (total instanceof LinTensor) return TensorOps.binary(TensorOps.Op.DIV, total, (double) n);
        throw new IllegalArgumentException("mean() needs numbers or tensors, got " + LinValues.typeName(total));
    }
}
