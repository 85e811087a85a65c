package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.profiles.CountingConditionProfile;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinConditions;

/** {@code a and b}: bools only; {@code b} is evaluated only when {@code a} is true. */
@NodeInfo(shortName = "and")
public final class LinAndNode extends LinExpressionNode {
    @Child private LinExpressionNode left;
    @Child private LinExpressionNode right;
    private final CountingConditionProfile profile = CountingConditionProfile.create();

    public LinAndNode(LinExpressionNode left, LinExpressionNode right) {
        this.left = left;
        this.right = right;
    }

    @Override
    public boolean executeBoolean(VirtualFrame frame) {
        if (profile.profile(LinConditions.evaluate(left, frame, "an operand of 'and'"))) {
            return LinConditions.evaluate(right, frame, "an operand of 'and'");
        }
        return false;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return executeBoolean(frame);
    }
}
