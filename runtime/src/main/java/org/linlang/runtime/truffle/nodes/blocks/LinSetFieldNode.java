package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;
import org.linlang.runtime.truffle.values.LinInstance;

/** Stores a parameter or member of the instance being built. */
@NodeInfo(shortName = "self.=")
public final class LinSetFieldNode extends LinStatementNode {
    @Child private LinExpressionNode self;
    @Child private LinExpressionNode value;
    private final int slot;

    public LinSetFieldNode(LinExpressionNode self, int slot, LinExpressionNode value) {
        this.self = self;
        this.slot = slot;
        this.value = value;
    }

    @Override
    public void executeVoid(VirtualFrame frame) {
        Object v = value.executeGeneric(frame);
        CompilerDirectives.castExact(self.executeGeneric(frame), LinInstance.class).set(slot, v);
    }
}
