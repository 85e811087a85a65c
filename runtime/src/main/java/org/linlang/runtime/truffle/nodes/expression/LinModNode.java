package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinBinaryNode;
import org.linlang.runtime.truffle.ops.TensorOps;

/** {@code a % b}: the remainder has the sign of {@code b}, as in Python ({@code -7 % 3 == 2}). */
@NodeInfo(shortName = "%")
public abstract class LinModNode extends LinBinaryNode {

    @Specialization
    protected long modLong(long left, long right) {
        if (right == 0) {
            CompilerDirectives.transferToInterpreter();
            throw error("modulo by zero");
        }
        return Math.floorMod(left, right);
    }

    @Specialization
    protected double modDouble(double left, double right) {
        if (right == 0.0) {
            CompilerDirectives.transferToInterpreter();
            throw error("modulo by zero");
        }
        double r = left % right;
        if (r != 0.0) {
            if ((right < 0) != (r < 0)) r += right;
        } else {
            r = Math.copySign(0.0, right);
        }
        return r;
    }

    @Specialization(guards = "isTensorOp(left, right)")
    protected Object tensor(Object left, Object right) {
        return tensorOp(TensorOps.Op.MOD, left, right);
    }

    @Fallback
    protected Object typeError(Object left, Object right) {
        throw operandError("%", left, right);
    }
}
