package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;
import org.linlang.runtime.truffle.values.LinNone;

/**
 * A file's script statements. Its value (what {@code Context.eval} returns) is the value of the last
 * statement when that is an expression, else {@code none}.
 */
@NodeInfo(shortName = "script")
public final class LinScriptBodyNode extends LinExpressionNode {
    @Children private final LinStatementNode[] statements;
    @Child private LinExpressionNode last;

    public LinScriptBodyNode(LinStatementNode[] statements, LinExpressionNode last) {
        this.statements = statements;
        this.last = last;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        for (LinStatementNode statement : statements) {
            statement.executeVoid(frame);
        }
        return last != null ? last.executeGeneric(frame) : LinNone.INSTANCE;
    }
}
