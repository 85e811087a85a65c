package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinBinaryNode;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code < <= > >=} on numbers (int and float mixed), strings (by code unit), and lists or tuples
 * (lexicographically). A comparison with NaN is false. With a tensor operand, a bool tensor.
 */
@NodeInfo(shortName = "compare")
public abstract class LinCompareNode extends LinBinaryNode {
    public enum Op {
        LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        Op(String symbol) { this.symbol = symbol; }
    }

    protected final Op op;

    protected LinCompareNode(Op op) {
        this.op = op;
    }

    @Specialization
    protected boolean compareLong(long left, long right) {
        return switch (op) {
            case LT -> left < right;
            case LE -> left <= right;
            case GT -> left > right;
            case GE -> left >= right;
        };
    }

    @Specialization
    protected boolean compareDouble(double left, double right) {
        return switch (op) {
            case LT -> left < right;
            case LE -> left <= right;
            case GT -> left > right;
            case GE -> left >= right;
        };
    }

    @Specialization
    protected boolean compareString(String left, String right) {
        return holds(compareStrings(left, right));
    }

    @Specialization(guards = "isTensorOp(left, right)")
    protected Object tensor(Object left, Object right) {
        TensorOps.Op t = switch (op) {
            case LT -> TensorOps.Op.LT;
            case LE -> TensorOps.Op.LE;
            case GT -> TensorOps.Op.GT;
            case GE -> TensorOps.Op.GE;
        };
        return tensorOp(t, left, right);
    }

    @Fallback
    protected boolean compareGeneric(Object left, Object right) {
        Integer order = LinValues.compare(left, right);
        if (order == null) {
            CompilerDirectives.transferToInterpreter();
            if (LinValues.isNumber(left) && LinValues.isNumber(right)) return false; // NaN inside a sequence
            throw operandError(op.symbol, left, right);
        }
        return holds(order);
    }

    @TruffleBoundary
    private static int compareStrings(String left, String right) {
        return left.compareTo(right);
    }

    private boolean holds(int order) {
        return switch (op) {
            case LT -> order < 0;
            case LE -> order <= 0;
            case GT -> order > 0;
            case GE -> order >= 0;
        };
    }
}
