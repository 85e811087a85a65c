package org.linlang.runtime.truffle.nodes.local;

import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.FrameSlotKind;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinCallSite;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;
import org.linlang.runtime.truffle.ops.ShapeSpec;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * The start of a call of a function or method with tensor parameters: checks the arguments' shapes
 * against the signature and stores the sizes of its dimension names ({@code B}, {@code T}, {@code D})
 * in their frame slots, where the body reads them as ints. A mismatch is an error at the call.
 */
@NodeInfo(shortName = "bind-dims")
public final class LinBindDimsNode extends LinStatementNode {
    private final ShapeSpec spec;
    @Children private final LinExpressionNode[] arguments;
    @Children private final LinExpressionNode[] known;
    @CompilationFinal(dimensions = 1) private final int[] dimSlots;

    /** {@code arguments[i]} reads parameter i of {@code spec}; {@code known[j]} gives known int j; dimension k goes to {@code dimSlots[k]}. */
    public LinBindDimsNode(ShapeSpec spec, LinExpressionNode[] arguments, LinExpressionNode[] known, int[] dimSlots) {
        this.spec = spec;
        this.arguments = arguments;
        this.known = known;
        this.dimSlots = dimSlots;
    }

    @Override
    @ExplodeLoop
    public void executeVoid(VirtualFrame frame) {
        Object[] values = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) values[i] = arguments[i].executeGeneric(frame);
        Object[] knownValues = new Object[known.length];
        for (int i = 0; i < known.length; i++) knownValues[i] = known[i].executeGeneric(frame);
        long[] dims = bind(values, knownValues);
        for (int i = 0; i < dimSlots.length; i++) {
            frame.getFrameDescriptor().setSlotKind(dimSlots[i], FrameSlotKind.Long);
            frame.setLong(dimSlots[i], dims[i]);
        }
    }

    @TruffleBoundary
    private long[] bind(Object[] values, Object[] knownValues) {
        long[] k = new long[knownValues.length];
        for (int i = 0; i < k.length; i++) {
            if (!(knownValues[i] instanceof Long l)) {
                throw new LinRuntimeError("a dimension of this signature is " + LinValues.aTypeName(knownValues[i]) + ", not an int", this);
            }
            k[i] = l;
        }
        try {
            return spec.bind(values, k).dims();
        } catch (IllegalArgumentException e) {
            throw new LinRuntimeError(e.getMessage(), LinCallSite.of(this));
        }
    }
}
