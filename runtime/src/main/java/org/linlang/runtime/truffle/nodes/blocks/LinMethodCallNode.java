package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.profiles.BranchProfile;
import org.linlang.runtime.truffle.LinContext;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinInstance;

/**
 * The body of a block method. A plain instance (not a session) is pure: a call from outside every
 * block method (the script, the REPL, the Java API) starts with empty states, for the instance and
 * its sub-blocks, and empties them again when it ends. Calls from inside methods, and every call of a
 * session, keep them.
 */
@NodeInfo(shortName = "method")
public final class LinMethodCallNode extends LinExpressionNode {
    @Child private LinExpressionNode body;
    private final BranchProfile outermost = BranchProfile.create();

    public LinMethodCallNode(LinExpressionNode body) {
        this.body = body;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        LinInstance self = (LinInstance) frame.getArguments()[0];
        LinContext context = LinLanguage.context(this);
        boolean fresh = context.enterBlockCall() == 0 && !self.isSession();
        try {
            if (fresh) {
                outermost.enter();
                self.resetStates();
            }
            return body.executeGeneric(frame);
        } finally {
            context.exitBlockCall();
            if (fresh) self.resetStates();
        }
    }
}
