package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.profiles.CountingConditionProfile;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinConditions;

/** {@code if c then a else b}. */
@NodeInfo(shortName = "if-then-else")
public final class LinIfExpressionNode extends LinExpressionNode {
    @Child private LinExpressionNode condition;
    @Child private LinExpressionNode thenValue;
    @Child private LinExpressionNode elseValue;
    private final CountingConditionProfile profile = CountingConditionProfile.create();

    public LinIfExpressionNode(LinExpressionNode condition, LinExpressionNode thenValue, LinExpressionNode elseValue) {
        this.condition = condition;
        this.thenValue = thenValue;
        this.elseValue = elseValue;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        if (profile.profile(LinConditions.evaluate(condition, frame, "the condition of 'if'"))) {
            return thenValue.executeGeneric(frame);
        }
        return elseValue.executeGeneric(frame);
    }
}
