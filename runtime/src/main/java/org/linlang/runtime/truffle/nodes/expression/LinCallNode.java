package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/**
 * {@code f(a, b, name = c)}: evaluates the callee, then the arguments left to right, then lets
 * {@link LinDispatchNode} bind them to parameters and call.
 */
@NodeInfo(shortName = "call")
public final class LinCallNode extends LinExpressionNode {
    @Child private LinExpressionNode callee;
    @Children private final LinExpressionNode[] arguments;
    @Child private LinDispatchNode dispatch;

    /** {@code argNames[i]} is the name of argument i, or null when it is positional. */
    public LinCallNode(LinExpressionNode callee, LinExpressionNode[] arguments, String[] argNames, String calleeName) {
        this.callee = callee;
        this.arguments = arguments;
        this.dispatch = LinDispatchNodeGen.create(argNames, calleeName);
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object function = callee.executeGeneric(frame);
        Object[] values = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            values[i] = arguments[i].executeGeneric(frame);
        }
        return dispatch.executeDispatch(function, values);
    }
}
