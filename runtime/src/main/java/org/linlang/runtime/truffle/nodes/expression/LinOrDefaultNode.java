package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.profiles.CountingConditionProfile;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinMissing;

/**
 * A parameter's value, or its default when the caller left it out. Used where defaults must see more
 * than the parameters before them: the dimension names bound by the call ({@code scale: float = K ** -0.5}).
 */
@NodeInfo(shortName = "or-default")
public final class LinOrDefaultNode extends LinExpressionNode {
    @Child private LinExpressionNode value;
    @Child private LinExpressionNode defaultValue;
    private final CountingConditionProfile missing = CountingConditionProfile.create();

    public LinOrDefaultNode(LinExpressionNode value, LinExpressionNode defaultValue) {
        this.value = value;
        this.defaultValue = defaultValue;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object v = value.executeGeneric(frame);
        if (missing.profile(v == LinMissing.INSTANCE)) return defaultValue.executeGeneric(frame);
        return v;
    }
}
