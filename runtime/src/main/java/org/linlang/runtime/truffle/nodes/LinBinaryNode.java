package org.linlang.runtime.truffle.nodes;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.TypeSystemReference;
import org.linlang.runtime.truffle.LinNumericTypes;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinFormat;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * An operator with two operands, evaluated left to right. Ints widen to floats when mixed; when either
 * operand is a tensor the operator applies elementwise ({@link TensorOps}).
 */
@NodeChild("left")
@NodeChild("right")
@TypeSystemReference(LinNumericTypes.class)
public abstract class LinBinaryNode extends LinExpressionNode {

    /** "operator + does not apply to string and int". */
    @TruffleBoundary
    protected final LinRuntimeError operandError(String operator, Object left, Object right) {
        String hint = "";
        if (operator.equals("+") && (left instanceof String ^ right instanceof String)) {
            hint = " (convert with str() first)";
        }
        return new LinRuntimeError("operator " + operator + " does not apply to "
                + LinValues.typeName(left) + " and " + LinValues.typeName(right) + hint, this);
    }

    /** "integer overflow: 9223372036854775807 + 1 does not fit in 64 bits". */
    @TruffleBoundary
    protected final LinRuntimeError overflow(String operator, long left, long right) {
        return new LinRuntimeError("integer overflow: " + left + " " + operator + " " + right
                + " does not fit in 64 bits", this);
    }

    /** Whether this is a tensor operation: either operand is a tensor. */
    protected static boolean isTensorOp(Object left, Object right) {
        return left instanceof LinTensor || right instanceof LinTensor;
    }

    /** The operator applied to tensors (and weak scalars), or a runtime error here. */
    @TruffleBoundary
    protected final Object tensorOp(TensorOps.Op op, Object left, Object right) {
        try {
            return TensorOps.binary(op, left, right);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new LinRuntimeError(e.getMessage(), this);
        }
    }

    @TruffleBoundary
    protected final LinRuntimeError error(String message) {
        return new LinRuntimeError(message, this);
    }

    @TruffleBoundary
    protected static String show(double value) {
        return LinFormat.formatFloat(value);
    }
}
