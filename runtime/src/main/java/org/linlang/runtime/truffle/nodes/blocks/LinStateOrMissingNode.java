package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinMissing;

/** A state's current value for binding a method's state dimensions; {@link LinMissing} while it is empty (nothing to check). */
@NodeInfo(shortName = "state?")
public final class LinStateOrMissingNode extends LinExpressionNode {
    @Child private LinExpressionNode self;
    private final int slot;

    public LinStateOrMissingNode(LinExpressionNode self, int slot) {
        this.self = self;
        this.slot = slot;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object v = CompilerDirectives.castExact(self.executeGeneric(frame), LinInstance.class).raw(slot);
        return v == null ? LinMissing.INSTANCE : v;
    }
}
