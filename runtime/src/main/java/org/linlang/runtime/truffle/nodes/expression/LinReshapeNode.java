package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code x as [B, T, heads, dk]}: a reshape whose dimensions are evaluated when it runs (names are the
 * ints they are bound to), optionally led by {@code ..} (the value's own leading axes: how many is
 * {@code valueExplicitRank} axes fewer than the value has, when the types tell, else -1), optionally
 * with an element type ({@code as bf16[..]}).
 */
@NodeInfo(shortName = "as[]")
public final class LinReshapeNode extends LinExpressionNode {
    @Child private LinExpressionNode value;
    @Children private final LinExpressionNode[] dims;
    private final boolean rest;
    private final int valueExplicitRank;
    private final DType dtype;
    private final String targetText;

    public LinReshapeNode(LinExpressionNode value, LinExpressionNode[] dims, boolean rest, int valueExplicitRank, DType dtype, String targetText) {
        this.value = value;
        this.dims = dims;
        this.rest = rest;
        this.valueExplicitRank = valueExplicitRank;
        this.dtype = dtype;
        this.targetText = targetText;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object v = value.executeGeneric(frame);
        Object[] sizes = new Object[dims.length];
        for (int i = 0; i < dims.length; i++) sizes[i] = dims[i].executeGeneric(frame);
        return reshape(v, sizes);
    }

    @TruffleBoundary
    private Object reshape(Object v, Object[] sizes) {
        if (!(v instanceof LinTensor t)) {
            throw new LinRuntimeError("only tensors can be reshaped; this is " + LinValues.aTypeName(v), this);
        }
        long[] target = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) target[i] = LinTensorIndexNode.bound(sizes[i], dims[i], "a dimension");
        try {
            var r = TensorOps.reshape(t.tensor(), target, rest, valueExplicitRank, targetText);
            return new LinTensor(dtype == null ? r : r.to(dtype));
        } catch (IllegalArgumentException e) {
            throw new LinRuntimeError(e.getMessage(), this);
        }
    }
}
