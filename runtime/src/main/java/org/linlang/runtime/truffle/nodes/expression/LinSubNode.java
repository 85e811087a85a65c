package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinBinaryNode;
import org.linlang.runtime.truffle.ops.TensorOps;

/** {@code a - b}. */
@NodeInfo(shortName = "-")
public abstract class LinSubNode extends LinBinaryNode {

    @Specialization
    protected long subLong(long left, long right) {
        try {
            return Math.subtractExact(left, right);
        } catch (ArithmeticException e) {
            throw overflow("-", left, right);
        }
    }

    @Specialization
    protected double subDouble(double left, double right) {
        return left - right;
    }

    @Specialization(guards = "isTensorOp(left, right)")
    protected Object tensor(Object left, Object right) {
        return tensorOp(TensorOps.Op.SUB, left, right);
    }

    @Fallback
    protected Object typeError(Object left, Object right) {
        throw operandError("-", left, right);
    }
}
