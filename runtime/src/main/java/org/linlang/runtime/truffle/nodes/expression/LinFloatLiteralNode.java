package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/** A float literal. */
@NodeInfo(shortName = "float")
public final class LinFloatLiteralNode extends LinExpressionNode {
    private final double value;

    public LinFloatLiteralNode(double value) {
        this.value = value;
    }

    @Override public double executeDouble(VirtualFrame frame) { return value; }

    @Override public Object executeGeneric(VirtualFrame frame) { return value; }
}
