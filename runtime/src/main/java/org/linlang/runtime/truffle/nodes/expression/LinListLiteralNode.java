package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTuple;
import org.linlang.runtime.truffle.values.LinValues;

/** {@code [a, b, c]} or, when {@code tuple}, {@code (a, b, c)}. Ints in a list with floats become floats. */
@NodeInfo(shortName = "list")
public final class LinListLiteralNode extends LinExpressionNode {
    @Children private final LinExpressionNode[] elements;
    private final boolean tuple;

    public LinListLiteralNode(LinExpressionNode[] elements, boolean tuple) {
        this.elements = elements;
        this.tuple = tuple;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object[] values = new Object[elements.length];
        for (int i = 0; i < elements.length; i++) {
            values[i] = elements[i].executeGeneric(frame);
        }
        return tuple ? new LinTuple(values) : new LinList(LinValues.promoteMixedNumbers(values));
    }
}
