package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.profiles.BranchProfile;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinPendingParam;

/**
 * A member of the block whose method (or constructor) is running, by its plain name: slot
 * {@code slot} of {@code self}. A tensor parameter read for the first time is generated here.
 */
@NodeInfo(shortName = "self.")
public final class LinReadFieldNode extends LinExpressionNode {
    @Child private LinExpressionNode self;
    private final int slot;
    private final String name;
    private final BranchProfile pending = BranchProfile.create();

    public LinReadFieldNode(LinExpressionNode self, int slot, String name) {
        this.self = self;
        this.slot = slot;
        this.name = name;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        LinInstance inst = CompilerDirectives.castExact(self.executeGeneric(frame), LinInstance.class);
        Object v = inst.raw(slot);
        if (v instanceof LinPendingParam) {
            pending.enter();
            return inst.materialize(slot);
        }
        if (v == null) {
            CompilerDirectives.transferToInterpreter();
            throw new LinRuntimeError("'" + name + "' is used before it is defined: members are built in order", this);
        }
        return v;
    }
}
