package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinBinaryNode;
import org.linlang.runtime.truffle.ops.TensorOps;

/**
 * {@code a ** b}: an int when both are ints and {@code b >= 0} (exact, or an overflow error), else a
 * float ({@code 2 ** -1 == 0.5}), as in Python.
 */
@NodeInfo(shortName = "**")
public abstract class LinPowNode extends LinBinaryNode {

    @Specialization(guards = "right >= 0")
    protected long powLong(long left, long right) {
        try {
            long result = 1;
            long base = left;
            long exponent = right;
            while (exponent > 0) {
                if ((exponent & 1) != 0) result = Math.multiplyExact(result, base);
                exponent >>= 1;
                if (exponent > 0) base = Math.multiplyExact(base, base);
            }
            return result;
        } catch (ArithmeticException e) {
            throw overflow("**", left, right);
        }
    }

    @Specialization
    protected double powDouble(double left, double right) {
        if (left == 0.0 && right < 0) {
            CompilerDirectives.transferToInterpreter();
            throw error("0 cannot be raised to a negative power");
        }
        if (left < 0 && right != Math.rint(right) && !Double.isInfinite(right)) {
            CompilerDirectives.transferToInterpreter();
            throw error("a negative number raised to a fractional power is not a real number: "
                    + show(left) + " ** " + show(right));
        }
        double result = Math.pow(left, right);
        if (Double.isInfinite(result) && !Double.isInfinite(left) && !Double.isInfinite(right)) {
            CompilerDirectives.transferToInterpreter();
            throw error("float overflow: " + show(left) + " ** " + show(right) + " is too large");
        }
        return result;
    }

    @Specialization(guards = "isTensorOp(left, right)")
    protected Object tensor(Object left, Object right) {
        return tensorOp(TensorOps.Op.POW, left, right);
    }

    @Fallback
    protected Object typeError(Object left, Object right) {
        throw operandError("**", left, right);
    }
}
