package org.linlang.runtime.truffle.nodes.local;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.profiles.CountingConditionProfile;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinMissing;

/**
 * The value of parameter {@code index}: the argument the caller passed or, when it left the argument
 * out, the parameter's default, evaluated here in the callee (earlier parameters are visible).
 */
public final class LinReadArgumentNode extends LinExpressionNode {
    private final int index;
    @Child private LinExpressionNode defaultValue;
    private final CountingConditionProfile missing = CountingConditionProfile.create();

    public LinReadArgumentNode(int index, LinExpressionNode defaultValue) {
        this.index = index;
        this.defaultValue = defaultValue;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object value = frame.getArguments()[index];
        if (defaultValue != null && missing.profile(value == LinMissing.INSTANCE)) {
            return defaultValue.executeGeneric(frame);
        }
        return value;
    }
}
