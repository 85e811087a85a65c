package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.LoopNode;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.nodes.RepeatingNode;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinValues;

/** {@code for i in a..b: expr} (or {@code for x in xs: expr}): the list of the body's values. */
@NodeInfo(shortName = "for:")
public final class LinComprehensionNode extends LinExpressionNode {
    private static final long MAX_LENGTH = Integer.MAX_VALUE - 16;

    @Child private LinLoopHeaderNode header;
    @Child private LoopNode loop;
    private final int resultSlot;

    public LinComprehensionNode(LinLoopHeaderNode header, LinStatementNode setVariable, LinExpressionNode body, int resultSlot) {
        this.header = header;
        this.resultSlot = resultSlot;
        this.loop = Truffle.getRuntime().createLoopNode(
                new Body(header.stepSlot(), header.countSlot(), resultSlot, setVariable, body));
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        long count = header.execute(frame);
        if (count > MAX_LENGTH) {
            CompilerDirectives.transferToInterpreterAndInvalidate();
            throw new LinRuntimeError("a list of " + count + " elements is too long", this);
        }
        Object[] results = new Object[(int) count];
        frame.setObject(resultSlot, results);
        loop.execute(frame);
        frame.setObject(resultSlot, null);
        return new LinList(LinValues.promoteMixedNumbers(results));
    }

    private static final class Body extends Node implements RepeatingNode {
        private final int stepSlot;
        private final int countSlot;
        private final int resultSlot;
        @Child private LinStatementNode setVariable;
        @Child private LinExpressionNode body;

        Body(int stepSlot, int countSlot, int resultSlot, LinStatementNode setVariable, LinExpressionNode body) {
            this.stepSlot = stepSlot;
            this.countSlot = countSlot;
            this.resultSlot = resultSlot;
            this.setVariable = setVariable;
            this.body = body;
        }

        @Override
        public boolean executeRepeating(VirtualFrame frame) {
            long k = frame.getLong(stepSlot);
            if (k >= frame.getLong(countSlot)) return false;
            setVariable.executeVoid(frame);
            Object value = body.executeGeneric(frame);
            CompilerDirectives.castExact(frame.getObject(resultSlot), Object[].class)[(int) k] = value;
            frame.setLong(stepSlot, k + 1);
            return true;
        }
    }
}
