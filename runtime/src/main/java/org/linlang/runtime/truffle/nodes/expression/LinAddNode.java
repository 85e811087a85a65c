package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinBinaryNode;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTuple;

/** {@code a + b}: numbers, string concatenation, list and tuple concatenation. */
@NodeInfo(shortName = "+")
public abstract class LinAddNode extends LinBinaryNode {

    @Specialization
    protected long addLong(long left, long right) {
        try {
            return Math.addExact(left, right);
        } catch (ArithmeticException e) {
            throw overflow("+", left, right);
        }
    }

    @Specialization
    protected double addDouble(double left, double right) {
        return left + right;
    }

    @Specialization
    @TruffleBoundary
    protected String addString(String left, String right) {
        return left.concat(right);
    }

    @Specialization
    protected LinList addList(LinList left, LinList right) {
        return new LinList(concat(left.items(), right.items()));
    }

    @Specialization
    protected LinTuple addTuple(LinTuple left, LinTuple right) {
        return new LinTuple(concat(left.items(), right.items()));
    }

    @Specialization(guards = "isTensorOp(left, right)")
    protected Object tensor(Object left, Object right) {
        return tensorOp(TensorOps.Op.ADD, left, right);
    }

    @Fallback
    protected Object typeError(Object left, Object right) {
        throw operandError("+", left, right);
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] out = new Object[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
