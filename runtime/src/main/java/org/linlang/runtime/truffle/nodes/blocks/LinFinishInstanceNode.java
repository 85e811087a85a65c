package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinBlockClass;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTuple;

/**
 * The end of a constructor: the blocks among the members (and in lists of blocks) learn their name in
 * this one, which gives every parameter its dotted path; the value is the instance.
 */
@NodeInfo(shortName = "finish")
public final class LinFinishInstanceNode extends LinExpressionNode {
    @Child private LinExpressionNode self;

    public LinFinishInstanceNode(LinExpressionNode self) {
        this.self = self;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        LinInstance inst = (LinInstance) self.executeGeneric(frame);
        adoptMembers(inst);
        return inst;
    }

    @TruffleBoundary
    private static void adoptMembers(LinInstance inst) {
        LinBlockClass cls = inst.blockClass();
        for (int i = 0; i < cls.slotCount(); i++) {
            if (cls.slotKind(i) != LinBlockClass.SlotKind.FIELD) continue;
            Object v = inst.raw(i);
            String name = cls.slotName(i);
            if (v instanceof LinInstance child) child.adopt(inst, name);
            Object[] items = v instanceof LinList l ? l.items() : v instanceof LinTuple t ? t.items() : null;
            if (items == null) continue;
            for (int k = 0; k < items.length; k++) {
                if (items[k] instanceof LinInstance child) child.adopt(inst, name + "." + k);
            }
        }
    }
}
