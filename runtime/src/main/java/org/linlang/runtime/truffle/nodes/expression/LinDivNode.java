package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinBinaryNode;
import org.linlang.runtime.truffle.ops.TensorOps;

/** {@code a / b}: always a float, also for two ints ({@code 7 / 2 == 3.5}), as in Python. */
@NodeInfo(shortName = "/")
public abstract class LinDivNode extends LinBinaryNode {

    @Specialization
    protected double divLong(long left, long right) {
        if (right == 0) {
            CompilerDirectives.transferToInterpreter();
            throw error("division by zero");
        }
        return (double) left / (double) right;
    }

    @Specialization
    protected double divDouble(double left, double right) {
        if (right == 0.0) {
            CompilerDirectives.transferToInterpreter();
            throw error("division by zero");
        }
        return left / right;
    }

    @Specialization(guards = "isTensorOp(left, right)")
    protected Object tensor(Object left, Object right) {
        return tensorOp(TensorOps.Op.DIV, left, right);
    }

    @Fallback
    protected Object typeError(Object left, Object right) {
        throw operandError("/", left, right);
    }
}
