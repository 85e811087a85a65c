package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinFormat;

/**
 * {@code error(message)}: stops the program with a Lin runtime error at this call, printed like any
 * other (file:line:col, the source line, a caret, the message). It never returns a value.
 */
@NodeInfo(shortName = "error")
public final class LinErrorBuiltin extends LinBuiltinNode {
    @Child private LinExpressionNode message;

    public LinErrorBuiltin(LinExpressionNode message) {
        this.message = message;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object value = message.executeGeneric(frame);
        throw error(value instanceof String s ? s : LinFormat.str(value));
    }
}
