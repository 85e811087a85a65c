package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.UnexpectedResultException;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinValues;

/** Evaluates conditions and operands that must be bools. */
public final class LinConditions {
    private LinConditions() {}

    /** The bool value of {@code node}; anything else is an error at that node, naming {@code role}. */
    public static boolean evaluate(LinExpressionNode node, VirtualFrame frame, String role) {
        try {
            return node.executeBoolean(frame);
        } catch (UnexpectedResultException e) {
            CompilerDirectives.transferToInterpreterAndInvalidate();
            throw notBool(node, role, e.getResult());
        }
    }

    @TruffleBoundary
    private static LinRuntimeError notBool(LinExpressionNode node, String role, Object value) {
        return new LinRuntimeError(role + " must be a bool, got " + LinValues.typeName(value), node);
    }
}
