package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.profiles.BranchProfile;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;

/**
 * A function's body: parameter setup and statements, then the value of the final {@code return}
 * ({@code result}). Returns from inside loops and branches arrive as {@link LinReturnException}.
 * A body whose last statement is not a {@code return} has {@code result == null} and reports an
 * error if execution reaches its end.
 */
@NodeInfo(shortName = "body")
public final class LinFunctionBodyNode extends LinExpressionNode {
    @Children private final LinStatementNode[] statements;
    @Child private LinExpressionNode result;
    private final String functionName;
    private final BranchProfile earlyReturn = BranchProfile.create();

    public LinFunctionBodyNode(LinStatementNode[] statements, LinExpressionNode result, String functionName) {
        this.statements = statements;
        this.result = result;
        this.functionName = functionName;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        try {
            for (LinStatementNode statement : statements) {
                statement.executeVoid(frame);
            }
            if (result != null) return result.executeGeneric(frame);
        } catch (LinReturnException e) {
            earlyReturn.enter();
            return e.value();
        }
        throw new LinRuntimeError("function '" + functionName + "' ended without returning a value", this);
    }
}
