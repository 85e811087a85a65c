package org.linlang.runtime.truffle.session;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinStatementNode;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/**
 * Keeps what a definition of a REPL input is (a function, an imported name, …) for later inputs. Runs
 * first in the input's script. A definition the interpreter cannot run is kept as its error, which
 * later uses report, just as uses of it in the same input do.
 */
@NodeInfo(shortName = "define")
public final class LinDefineGlobalNode extends LinStatementNode {
    private final LinGlobal global;
    @Child private LinExpressionNode value;

    LinDefineGlobalNode(LinGlobal global, LinExpressionNode value) {
        this.global = global;
        this.value = value;
    }

    @Override
    public void executeVoid(VirtualFrame frame) {
        try {
            global.set(value.executeGeneric(frame));
        } catch (LinRuntimeError e) {
            global.fail(e.getMessage());
        }
    }
}
