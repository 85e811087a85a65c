package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.profiles.CountingConditionProfile;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinConditions;

/** {@code a or b}: bools only; {@code b} is evaluated only when {@code a} is false. */
@NodeInfo(shortName = "or")
public final class LinOrNode extends LinExpressionNode {
    @Child private LinExpressionNode left;
    @Child private LinExpressionNode right;
    private final CountingConditionProfile profile = CountingConditionProfile.create();

    public LinOrNode(LinExpressionNode left, LinExpressionNode right) {
        this.left = left;
        this.right = right;
    }

    @Override
    public boolean executeBoolean(VirtualFrame frame) {
        if (!profile.profile(LinConditions.evaluate(left, frame, "an operand of 'or'"))) {
            return LinConditions.evaluate(right, frame, "an operand of 'or'");
        }
        return true;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return executeBoolean(frame);
    }
}
