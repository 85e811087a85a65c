package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/** {@code not x}, also elementwise on a bool tensor. */
@NodeChild("operand")
@NodeInfo(shortName = "not")
public abstract class LinNotNode extends LinExpressionNode {

    @Specialization
    protected boolean not(boolean value) {
        return !value;
    }

    @Specialization
    @TruffleBoundary
    protected Object notTensor(LinTensor value) {
        try {
            return TensorOps.unary(TensorOps.Fn.NOT, value);
        } catch (IllegalArgumentException e) {
            throw new LinRuntimeError(e.getMessage(), this);
        }
    }

    @Fallback
    @TruffleBoundary
    protected Object typeError(Object value) {
        throw new LinRuntimeError("operator 'not' needs a bool, got " + LinValues.typeName(value), this);
    }
}
