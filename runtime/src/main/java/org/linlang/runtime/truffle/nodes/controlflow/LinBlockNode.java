package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinStatementNode;

/** Statements in order: a body of {@code if} or {@code for}, or the parts of a {@code let (a, b) = …}. */
@NodeInfo(shortName = "block")
public final class LinBlockNode extends LinStatementNode {
    @Children private final LinStatementNode[] statements;

    public LinBlockNode(LinStatementNode[] statements) {
        this.statements = statements;
    }

    @Override
    @ExplodeLoop
    public void executeVoid(VirtualFrame frame) {
        for (LinStatementNode statement : statements) {
            statement.executeVoid(frame);
        }
    }
}
