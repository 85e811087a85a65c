package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;

/** {@code return value} from inside a loop or branch (a final {@code return} needs no exception). */
@NodeInfo(shortName = "return")
public final class LinReturnNode extends LinStatementNode {
    @Child private LinExpressionNode value;

    public LinReturnNode(LinExpressionNode value) {
        this.value = value;
    }

    @Override
    public void executeVoid(VirtualFrame frame) {
        throw new LinReturnException(value.executeGeneric(frame));
    }
}
