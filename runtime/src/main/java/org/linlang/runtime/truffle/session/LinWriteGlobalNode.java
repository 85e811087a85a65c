package org.linlang.runtime.truffle.session;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/** {@code let x = …} at the top of a REPL input, or an assignment to such a variable. */
@NodeInfo(shortName = "write global")
public final class LinWriteGlobalNode extends LinExpressionNode {
    private final LinGlobal global;
    @Child private LinExpressionNode value;

    LinWriteGlobalNode(LinGlobal global, LinExpressionNode value) {
        this.global = global;
        this.value = value;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object v = value.executeGeneric(frame);
        global.set(v);
        return v;
    }
}
