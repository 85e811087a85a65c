package org.linlang.runtime.truffle.nodes.recurrence;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;

/** {@code emit e}: the step's output, stored where the recurrence's loop picks it up after the step. */
@NodeInfo(shortName = "emit")
public final class LinEmitNode extends LinStatementNode {
    @Child private LinExpressionNode value;
    private final int slot;

    public LinEmitNode(LinExpressionNode value, int slot) {
        this.value = value;
        this.slot = slot;
    }

    @Override
    public void executeVoid(VirtualFrame frame) {
        frame.setObject(slot, value.executeGeneric(frame));
    }
}
