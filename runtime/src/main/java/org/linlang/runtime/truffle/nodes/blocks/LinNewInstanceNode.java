package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinBlockClass;
import org.linlang.runtime.truffle.values.LinInstance;

/** The start of a constructor: an instance with empty slots, which the constructor fills in order. */
@NodeInfo(shortName = "new")
public final class LinNewInstanceNode extends LinExpressionNode {
    private final LinBlockClass blockClass;

    public LinNewInstanceNode(LinBlockClass blockClass) {
        this.blockClass = blockClass;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return new LinInstance(blockClass);
    }
}
