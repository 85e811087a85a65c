package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinBoundMethod;
import org.linlang.runtime.truffle.values.LinFunction;

/** A method of the running block by its plain name ({@code step(x)} inside another method): bound to {@code self}. */
@NodeInfo(shortName = "self.method")
public final class LinBindMethodNode extends LinExpressionNode {
    @Child private LinExpressionNode self;
    private final LinFunction method;

    public LinBindMethodNode(LinExpressionNode self, LinFunction method) {
        this.self = self;
        this.method = method;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return new LinBoundMethod(self.executeGeneric(frame), method);
    }
}
