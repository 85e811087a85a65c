package org.linlang.runtime.truffle.nodes.local;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/** Reads a local variable (a frame slot), unboxed while the slot holds ints, floats or bools. */
@NodeInfo(shortName = "read")
public abstract class LinReadLocalNode extends LinExpressionNode {
    protected final int slot;

    protected LinReadLocalNode(int slot) {
        this.slot = slot;
    }

    @Specialization(guards = "frame.isLong(slot)")
    protected long readLong(VirtualFrame frame) {
        return frame.getLong(slot);
    }

    @Specialization(guards = "frame.isDouble(slot)")
    protected double readDouble(VirtualFrame frame) {
        return frame.getDouble(slot);
    }

    @Specialization(guards = "frame.isBoolean(slot)")
    protected boolean readBoolean(VirtualFrame frame) {
        return frame.getBoolean(slot);
    }

    @Specialization(replaces = {"readLong", "readDouble", "readBoolean"})
    protected Object readObject(VirtualFrame frame) {
        if (!frame.isObject(slot)) {
            // The slot held a primitive and is read generically from now on: box it once.
            CompilerDirectives.transferToInterpreter();
            Object value = frame.getValue(slot);
            frame.setObject(slot, value);
            return value;
        }
        return frame.getObject(slot);
    }
}
