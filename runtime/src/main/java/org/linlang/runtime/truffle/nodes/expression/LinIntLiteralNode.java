package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/** An int literal. */
@NodeInfo(shortName = "int")
public final class LinIntLiteralNode extends LinExpressionNode {
    private final long value;

    public LinIntLiteralNode(long value) {
        this.value = value;
    }

    @Override public long executeLong(VirtualFrame frame) { return value; }

    @Override public Object executeGeneric(VirtualFrame frame) { return value; }
}
