package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/** A value fixed when the program is translated: a string literal, or a function named in the code. */
@NodeInfo(shortName = "const")
public final class LinConstantNode extends LinExpressionNode {
    private final Object value;

    public LinConstantNode(Object value) {
        this.value = value;
    }

    @Override public Object executeGeneric(VirtualFrame frame) { return value; }
}
