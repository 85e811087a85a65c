package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.LoopNode;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.nodes.RepeatingNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;

/**
 * The {@code for x in … { … }} statement. The body runs in a Truffle {@link LoopNode}, so a long loop
 * in a script (which runs only once) is still compiled, by on-stack replacement.
 */
@NodeInfo(shortName = "for")
public final class LinForNode extends LinStatementNode {
    @Child private LinLoopHeaderNode header;
    @Child private LoopNode loop;

    public LinForNode(LinLoopHeaderNode header, LinStatementNode setVariable, LinStatementNode body) {
        this.header = header;
        this.loop = Truffle.getRuntime().createLoopNode(new Body(header.stepSlot(), header.countSlot(), setVariable, body));
    }

    @Override
    public void executeVoid(VirtualFrame frame) {
        header.execute(frame);
        loop.execute(frame);
    }

    private static final class Body extends Node implements RepeatingNode {
        private final int stepSlot;
        private final int countSlot;
        @Child private LinStatementNode setVariable;
        @Child private LinStatementNode body;

        Body(int stepSlot, int countSlot, LinStatementNode setVariable, LinStatementNode body) {
            this.stepSlot = stepSlot;
            this.countSlot = countSlot;
            this.setVariable = setVariable;
            this.body = body;
        }

        @Override
        public boolean executeRepeating(VirtualFrame frame) {
            long k = frame.getLong(stepSlot);
            if (k >= frame.getLong(countSlot)) return false;
            setVariable.executeVoid(frame);
            body.executeVoid(frame);
            frame.setLong(stepSlot, k + 1);
            return true;
        }
    }
}
