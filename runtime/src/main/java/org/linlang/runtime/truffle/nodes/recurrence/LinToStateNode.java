package org.linlang.runtime.truffle.nodes.recurrence;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import java.util.Arrays;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * A value assigned to a recurrence state ({@code S = …}): states keep their shape and are stored in
 * f32 whatever the inputs are; a number fills the state.
 */
@NodeInfo(shortName = "to-state")
public final class LinToStateNode extends LinExpressionNode {
    @Child private LinExpressionNode value;
    private final int stateSlot;
    private final String name;

    public LinToStateNode(LinExpressionNode value, int stateSlot, String name) {
        this.value = value;
        this.stateSlot = stateSlot;
        this.name = name;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object v = value.executeGeneric(frame);
        Object current = frame.getObject(stateSlot);
        if (v instanceof LinTensor t && t.dtype() == DType.F32 && current instanceof LinTensor c && sameShape(t, c)) return v;
        return convert(v, current);
    }

    @TruffleBoundary
    private static boolean sameShape(LinTensor a, LinTensor b) {
        return Arrays.equals(a.tensor().shape(), b.tensor().shape());
    }

    @TruffleBoundary
    private Object convert(Object v, Object current) {
        long[] shape = ((LinTensor) current).tensor().shape();
        return switch (v) {
            case LinTensor t -> {
                if (!Arrays.equals(t.tensor().shape(), shape)) {
                    throw new LinRuntimeError("state '" + name + "' is " + LinTensor.shapeText(shape) + " but this assigns " + t.typeText(), this);
                }
                yield new LinTensor(t.tensor().to(DType.F32));
            }
            case Long l -> new LinTensor(Creation.full(l, DType.F32, shape));
            case Double d -> new LinTensor(Creation.full(d, DType.F32, shape));
            default -> throw new LinRuntimeError("state '" + name + "' is a tensor, but this assigns " + LinValues.aTypeName(v), this);
        };
    }
}
