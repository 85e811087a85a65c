package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinFormat;

/** {@code str(x)}: the value as print shows it. */
@NodeInfo(shortName = "str")
public final class LinStrBuiltin extends LinBuiltinNode {
    @Child private LinExpressionNode value;

    public LinStrBuiltin(LinExpressionNode value) {
        this.value = value;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return LinFormat.str(value.executeGeneric(frame));
    }
}
