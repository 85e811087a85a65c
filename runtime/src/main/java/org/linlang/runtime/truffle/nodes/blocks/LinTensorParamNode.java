package org.linlang.runtime.truffle.nodes.blocks;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import java.util.Arrays;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinPendingParam;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * A tensor parameter of a block being built ({@code A_log: f32[heads]}): its shape from the block's
 * parameters; its {@code = init} converted to the declared element type and checked against the
 * shape, or without one a {@link LinPendingParam} that becomes random numbers when first read.
 */
@NodeInfo(shortName = "tensor-param")
public final class LinTensorParamNode extends LinExpressionNode {
    @Children private final LinExpressionNode[] dims;
    @Child private LinExpressionNode init;
    private final DType dtype;
    private final String name;
    private final String declared;

    public LinTensorParamNode(LinExpressionNode[] dims, LinExpressionNode init, DType dtype, String name, String declared) {
        this.dims = dims;
        this.init = init;
        this.dtype = dtype;
        this.name = name;
        this.declared = declared;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object[] sizes = new Object[dims.length];
        for (int i = 0; i < dims.length; i++) sizes[i] = dims[i].executeGeneric(frame);
        Object value = init == null ? null : init.executeGeneric(frame);
        return make(sizes, value);
    }

    @TruffleBoundary
    private Object make(Object[] sizes, Object value) {
        long[] shape = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            if (!(sizes[i] instanceof Long d) || d < 0) {
                throw new LinRuntimeError("dimension " + (i + 1) + " of '" + name + ": " + declared + "' is " + LinValues.typeName(sizes[i])
                        + (sizes[i] instanceof Long ? " " + sizes[i] : "") + ", not a size", this);
            }
            shape[i] = d;
        }
        if (value == null) return new LinPendingParam(shape, dtype);
        LinTensor t = switch (value) {
            case LinTensor x -> x;
            case Long l -> new LinTensor(Creation.full(l, dtype, shape));
            case Double d -> new LinTensor(Creation.full(d, dtype, shape));
            default -> throw new LinRuntimeError("the initial value of '" + name + "' must be a tensor " + declared + ", got " + LinValues.aTypeName(value), init);
        };
        if (!Arrays.equals(t.tensor().shape(), shape)) {
            throw new LinRuntimeError("the initial value of '" + name + "' has shape " + LinTensor.shapeText(t.tensor().shape())
                    + ", but it is declared " + declared + " = " + LinTensor.typeText(dtype, shape), init);
        }
        return t.dtype() == dtype ? t : new LinTensor(t.tensor().to(dtype));
    }
}
