package org.linlang.runtime.truffle.nodes;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.UnexpectedResultException;
import org.linlang.runtime.truffle.LinTypesGen;

/**
 * A node that produces a value. The typed {@code execute} methods let parents that expect an int,
 * float or bool avoid boxing; they throw {@link UnexpectedResultException} with the value when it has
 * another type.
 */
public abstract class LinExpressionNode extends LinStatementNode {
    public abstract Object executeGeneric(VirtualFrame frame);

    @Override
    public void executeVoid(VirtualFrame frame) {
        executeGeneric(frame);
    }

    public long executeLong(VirtualFrame frame) throws UnexpectedResultException {
        return LinTypesGen.expectLong(executeGeneric(frame));
    }

    public double executeDouble(VirtualFrame frame) throws UnexpectedResultException {
        return LinTypesGen.expectDouble(executeGeneric(frame));
    }

    public boolean executeBoolean(VirtualFrame frame) throws UnexpectedResultException {
        return LinTypesGen.expectBoolean(executeGeneric(frame));
    }
}
