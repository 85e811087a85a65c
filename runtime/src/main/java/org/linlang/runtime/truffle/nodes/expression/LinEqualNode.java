package org.linlang.runtime.truffle.nodes.expression;

import org.linlang.runtime.truffle.values.LinNone;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinBinaryNode;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code a == b} (or {@code a != b} when {@code negated}). Numbers compare by value across int and
 * float; lists and tuples element by element; values of different kinds are unequal. With a tensor
 * operand it compares elementwise and gives a bool tensor.
 */
@NodeInfo(shortName = "==")
public abstract class LinEqualNode extends LinBinaryNode {
    protected final boolean negated;

    protected LinEqualNode(boolean negated) {
        this.negated = negated;
    }

    @Specialization
    protected boolean eqLong(long left, long right) {
        return (left == right) != negated;
    }

    @Specialization
    protected boolean eqDouble(double left, double right) {
        return (left == right) != negated;
    }

    @Specialization
    protected boolean eqBoolean(boolean left, boolean right) {
        return (left == right) != negated;
    }

    @Specialization
    @TruffleBoundary
    protected boolean eqString(String left, String right) {
        return left.equals(right) != negated;
    }

    /** {@code x != none}: only none equals none (a tensor compared with none is one value, not elementwise). */
    @Specialization(guards = "isNone(left) || isNone(right)")
    protected boolean eqNone(Object left, Object right) {
        return (left == right) != negated;
    }

    protected static boolean isNone(Object v) {
        return v == LinNone.INSTANCE;
    }

    @Specialization(guards = "isTensorOp(left, right)")
    protected Object tensor(Object left, Object right) {
        return tensorOp(negated ? TensorOps.Op.NE : TensorOps.Op.EQ, left, right);
    }

    @Fallback
    protected boolean eqGeneric(Object left, Object right) {
        return LinValues.equal(left, right) != negated;
    }
}
