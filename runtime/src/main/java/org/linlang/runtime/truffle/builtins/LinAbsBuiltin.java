package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/** {@code abs(x)}, also elementwise on a tensor. */
@NodeChild(value = "value", type = LinExpressionNode.class)
@NodeInfo(shortName = "abs")
public abstract class LinAbsBuiltin extends LinBuiltinNode {

    @Specialization
    protected long absLong(long value) {
        try {
            return Math.absExact(value);
        } catch (ArithmeticException e) {
            throw error("integer overflow: abs(" + value + ") does not fit in 64 bits");
        }
    }

    @Specialization
    protected double absDouble(double value) {
        return Math.abs(value);
    }

    @Specialization
    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    protected Object absTensor(org.linlang.runtime.truffle.values.LinTensor value) {
        return org.linlang.runtime.truffle.ops.TensorOps.unary(org.linlang.runtime.truffle.ops.TensorOps.Fn.ABS, value);
    }

    @Fallback
    protected Object typeError(Object value) {
        throw argumentError("abs", "an int or float", value);
    }
}
