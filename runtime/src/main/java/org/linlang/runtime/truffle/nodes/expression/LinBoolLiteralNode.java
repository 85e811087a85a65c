package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/** {@code true} or {@code false}. */
@NodeInfo(shortName = "bool")
public final class LinBoolLiteralNode extends LinExpressionNode {
    private final boolean value;

    public LinBoolLiteralNode(boolean value) {
        this.value = value;
    }

    @Override public boolean executeBoolean(VirtualFrame frame) { return value; }

    @Override public Object executeGeneric(VirtualFrame frame) { return value; }
}
