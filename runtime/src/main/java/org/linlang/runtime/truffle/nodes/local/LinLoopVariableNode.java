package org.linlang.runtime.truffle.nodes.local;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.frame.VirtualFrame;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/**
 * The current value of a loop's variable: {@code from + k} for {@code for i in from..to}, or
 * element {@code k} of the sequence for {@code for x in xs}. The loop keeps {@code k}, {@code from}
 * and the sequence in hidden frame slots (see {@code LinLoopHeaderNode}).
 */
public final class LinLoopVariableNode extends LinExpressionNode {
    private final boolean isRange;
    private final int stepSlot;
    private final int sourceSlot;

    public LinLoopVariableNode(boolean isRange, int stepSlot, int sourceSlot) {
        this.isRange = isRange;
        this.stepSlot = stepSlot;
        this.sourceSlot = sourceSlot;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        if (isRange) return frame.getLong(sourceSlot) + frame.getLong(stepSlot);
        Object[] items = CompilerDirectives.castExact(frame.getObject(sourceSlot), Object[].class);
        return items[(int) frame.getLong(stepSlot)];
    }

    @Override
    public long executeLong(VirtualFrame frame) throws com.oracle.truffle.api.nodes.UnexpectedResultException {
        if (isRange) return frame.getLong(sourceSlot) + frame.getLong(stepSlot);
        return super.executeLong(frame);
    }
}
