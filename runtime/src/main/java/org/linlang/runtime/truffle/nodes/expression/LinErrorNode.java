package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/**
 * Stands for code the interpreter cannot run — a construct it does not support yet (tensors, blocks,
 * recurrences, imports) or a name that does not resolve. Reports its message when executed, so the
 * statements before it still run, and nothing is ever skipped silently.
 */
@NodeInfo(shortName = "error")
public final class LinErrorNode extends LinExpressionNode {
    private final String message;

    public LinErrorNode(String message) {
        this.message = message;
    }

    public String message() { return message; }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        CompilerDirectives.transferToInterpreter();
        throw new LinRuntimeError(message, this);
    }
}
