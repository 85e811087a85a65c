package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinTensor;

/**
 * Reads a {@code state} member in a method of its block: its current value, or, while it is empty,
 * zeros of its declared shape, where each dimension the method's signature does not bind is 0 (the
 * method bound those from the empty state at entry).
 */
@NodeInfo(shortName = "state")
public final class LinReadStateNode extends LinExpressionNode {
    @Child private LinExpressionNode self;
    @Children private final LinExpressionNode[] sizes;
    private final int slot;
    private final DType dtype;
    private final String name;

    public LinReadStateNode(LinExpressionNode self, int slot, LinExpressionNode[] sizes, DType dtype, String name) {
        this.self = self;
        this.slot = slot;
        this.sizes = sizes;
        this.dtype = dtype;
        this.name = name;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        LinInstance inst = CompilerDirectives.castExact(self.executeGeneric(frame), LinInstance.class);
        Object v = inst.raw(slot);
        if (v != null) return v;
        return zeros(shape(frame));
    }

    @ExplodeLoop
    private long[] shape(VirtualFrame frame) {
        long[] shape = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            Object s = sizes[i].executeGeneric(frame);
            if (!(s instanceof Long l) || l < 0) {
                CompilerDirectives.transferToInterpreter();
                throw new LinRuntimeError("dimension " + i + " of state '" + name + "' is " + s + ", not a size", this);
            }
            shape[i] = l;
        }
        return shape;
    }

    @TruffleBoundary
    private LinTensor zeros(long[] shape) {
        return new LinTensor(Creation.zeros(dtype, shape));
    }
}
