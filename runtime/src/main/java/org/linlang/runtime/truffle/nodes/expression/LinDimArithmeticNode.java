package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinValues;

/** Arithmetic of a dimension written in a type ({@code heads * dk}, {@code d / 2}): ints, with integer division. */
@NodeInfo(shortName = "dim")
public final class LinDimArithmeticNode extends LinExpressionNode {
    private final char op;
    @Child private LinExpressionNode left;
    @Child private LinExpressionNode right;

    public LinDimArithmeticNode(char op, LinExpressionNode left, LinExpressionNode right) {
        this.op = op;
        this.left = left;
        this.right = right;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object a = left.executeGeneric(frame);
        Object b = right.executeGeneric(frame);
        if (a instanceof Long x && b instanceof Long y) {
            try {
                return switch (op) {
                    case '+' -> Math.addExact(x, y);
                    case '-' -> Math.subtractExact(x, y);
                    case '*' -> Math.multiplyExact(x, y);
                    default -> {
                        if (y == 0) {
                            CompilerDirectives.transferToInterpreter();
                            throw error("dimension divided by zero");
                        }
                        yield Math.floorDiv((long) x, (long) y);
                    }
                };
            } catch (ArithmeticException e) {
                throw error("dimension overflows 64 bits");
            }
        }
        CompilerDirectives.transferToInterpreter();
        throw error("a dimension must be an int, got " + LinValues.typeName(a instanceof Long ? b : a));
    }

    @TruffleBoundary
    private LinRuntimeError error(String message) {
        return new LinRuntimeError(message, this);
    }
}
