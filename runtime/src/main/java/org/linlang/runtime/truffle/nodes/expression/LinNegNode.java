package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.dsl.TypeSystemReference;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinNumericTypes;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/** {@code -x}, also of a tensor. */
@NodeChild("operand")
@NodeInfo(shortName = "neg")
@TypeSystemReference(LinNumericTypes.class)
public abstract class LinNegNode extends LinExpressionNode {

    @Specialization
    protected long negLong(long value) {
        try {
            return Math.negateExact(value);
        } catch (ArithmeticException e) {
            throw error("integer overflow: -(" + value + ") does not fit in 64 bits");
        }
    }

    @Specialization
    protected double negDouble(double value) {
        return -value;
    }

    @Specialization
    protected Object negTensor(LinTensor value) {
        return tensor(value);
    }

    @TruffleBoundary
    private Object tensor(LinTensor value) {
        try {
            return TensorOps.unary(TensorOps.Fn.NEG, value);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    @Fallback
    protected Object typeError(Object value) {
        throw error("operator - does not apply to " + LinValues.typeName(value));
    }

    @TruffleBoundary
    private LinRuntimeError error(String message) {
        return new LinRuntimeError(message, this);
    }
}
