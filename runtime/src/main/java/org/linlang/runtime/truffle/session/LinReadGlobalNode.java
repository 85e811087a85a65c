package org.linlang.runtime.truffle.session;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/** Reads a session binding: a {@code let} of an earlier REPL input (or a top-level one of this input). */
@NodeInfo(shortName = "global")
public final class LinReadGlobalNode extends LinExpressionNode {
    private final LinGlobal global;

    LinReadGlobalNode(LinGlobal global) {
        this.global = global;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object v = global.value();
        if (v == null) {
            CompilerDirectives.transferToInterpreter();
            throw new LinRuntimeError(global.unavailable(), this);
        }
        return v;
    }
}
