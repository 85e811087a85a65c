package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.nodes.UnexpectedResultException;
import com.oracle.truffle.api.profiles.CountingConditionProfile;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinConditions;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code a and b}: bools, with {@code b} evaluated only when {@code a} is true; or two bool tensors,
 * combined elementwise.
 */
@NodeInfo(shortName = "and")
public final class LinAndNode extends LinExpressionNode {
    private static final String ROLE = "an operand of 'and'";

    @Child private LinExpressionNode left;
    @Child private LinExpressionNode right;
    private final CountingConditionProfile profile = CountingConditionProfile.create();

    public LinAndNode(LinExpressionNode left, LinExpressionNode right) {
        this.left = left;
        this.right = right;
    }

    @Override
    public boolean executeBoolean(VirtualFrame frame) throws UnexpectedResultException {
        boolean value;
        try {
            value = left.executeBoolean(frame);
        } catch (UnexpectedResultException e) {
            CompilerDirectives.transferToInterpreterAndInvalidate();
            Object tensor = e.getResult();
            if (!(tensor instanceof LinTensor)) throw notBool(tensor);
            throw new UnexpectedResultException(tensors(tensor, right.executeGeneric(frame)));
        }
        if (profile.profile(value)) {
                return LinConditions.evaluate(right, frame, ROLE);
            }
            return false;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        try {
            return executeBoolean(frame);
        } catch (UnexpectedResultException e) {
            return e.getResult();
        }
    }

    @TruffleBoundary
    private LinRuntimeError notBool(Object a) {
        return new LinRuntimeError(ROLE + " must be a bool, got " + LinValues.typeName(a), left);
    }

    @TruffleBoundary
    private Object tensors(Object a, Object b) {
        try {
            return TensorOps.binary(TensorOps.Op.AND, a, b);
        } catch (IllegalArgumentException e) {
            throw new LinRuntimeError(e.getMessage(), this);
        }
    }
}
