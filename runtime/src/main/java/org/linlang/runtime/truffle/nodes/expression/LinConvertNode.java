package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/** {@code x as bf16}: converts a tensor's element type (a number becomes a 0-d tensor of that type). */
@NodeInfo(shortName = "as")
public final class LinConvertNode extends LinExpressionNode {
    @Child private LinExpressionNode value;
    private final DType dtype;

    public LinConvertNode(LinExpressionNode value, DType dtype) {
        this.value = value;
        this.dtype = dtype;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        return convert(value.executeGeneric(frame));
    }

    @TruffleBoundary
    private Object convert(Object v) {
        return switch (v) {
            case LinTensor t -> t.dtype() == dtype ? t : new LinTensor(t.tensor().to(dtype));
            case Long l -> new LinTensor(Creation.of(dtype, new long[] {l}));
            case Double d -> new LinTensor(Creation.scalar(d, dtype));
            case Boolean b -> new LinTensor(Creation.of(new boolean[] {b}).to(dtype));
            default -> throw new LinRuntimeError("cannot convert " + LinValues.aTypeName(v) + " to " + dtype.lin(), this);
        };
    }
}
