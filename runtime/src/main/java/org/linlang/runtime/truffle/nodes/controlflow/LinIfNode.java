package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.profiles.CountingConditionProfile;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;

/** The {@code if cond { … } else { … }} statement. */
@NodeInfo(shortName = "if")
public final class LinIfNode extends LinStatementNode {
    @Child private LinExpressionNode condition;
    @Child private LinStatementNode thenPart;
    @Child private LinStatementNode elsePart;
    private final CountingConditionProfile profile = CountingConditionProfile.create();

    public LinIfNode(LinExpressionNode condition, LinStatementNode thenPart, LinStatementNode elsePart) {
        this.condition = condition;
        this.thenPart = thenPart;
        this.elsePart = elsePart;
    }

    @Override
    public void executeVoid(VirtualFrame frame) {
        if (profile.profile(LinConditions.evaluate(condition, frame, "the condition of 'if'"))) {
            thenPart.executeVoid(frame);
        } else if (elsePart != null) {
            elsePart.executeVoid(frame);
        }
    }
}
