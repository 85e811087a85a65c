package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;
import org.linlang.runtime.truffle.ops.ShapeSpec;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code keys = value} in a method: checks the value against the state's declared type, where the
 * dimensions the method does not bind (a cache's length) may have any size, converts it to the state's
 * element type and stores it in the instance.
 */
@NodeInfo(shortName = "state=")
public final class LinWriteStateNode extends LinStatementNode {
    @Child private LinExpressionNode self;
    @Child private LinExpressionNode value;
    @Children private final LinExpressionNode[] known;
    private final ShapeSpec spec;
    private final int slot;
    private final DType dtype;

    public LinWriteStateNode(LinExpressionNode self, int slot, LinExpressionNode value, ShapeSpec spec, LinExpressionNode[] known, DType dtype) {
        this.self = self;
        this.slot = slot;
        this.value = value;
        this.spec = spec;
        this.known = known;
        this.dtype = dtype;
    }

    @Override
    public void executeVoid(VirtualFrame frame) {
        Object v = value.executeGeneric(frame);
        long[] k = knownValues(frame);
        LinInstance inst = CompilerDirectives.castExact(self.executeGeneric(frame), LinInstance.class);
        inst.set(slot, checked(v, k));
    }

    @ExplodeLoop
    private long[] knownValues(VirtualFrame frame) {
        long[] out = new long[known.length];
        for (int i = 0; i < known.length; i++) {
            Object o = known[i].executeGeneric(frame);
            if (!(o instanceof Long l)) {
                CompilerDirectives.transferToInterpreter();
                throw new LinRuntimeError("a dimension of state '" + spec.param(0).name() + "' is " + LinValues.aTypeName(o) + ", not an int", this);
            }
            out[i] = l;
        }
        return out;
    }

    @TruffleBoundary
    private LinTensor checked(Object v, long[] k) {
        if (!(v instanceof LinTensor t)) {
            throw new LinRuntimeError("state '" + spec.param(0).name() + "' is a tensor " + ShapeSpec.typeText(spec.param(0))
                    + ", but this assigns " + LinValues.aTypeName(v), this);
        }
        LinTensor converted = t.dtype() == dtype ? t : new LinTensor(t.tensor().to(dtype));
        try {
            spec.bind(new Object[] {converted}, k);
        } catch (IllegalArgumentException e) {
            throw new LinRuntimeError(e.getMessage(), this);
        }
        return converted;
    }
}
