package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTuple;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code min(a, b, …)} and {@code max(a, b, …)}, or of the elements of one list or tuple. Numbers,
 * strings, lists and tuples compare as with {@code <}; among equal values the first wins. Of one
 * tensor, its largest (smallest) element as a 0-d tensor; {@code max(x, axis = …)} is the reduction
 * of {@code TensorBuiltins}.
 */
@NodeInfo(shortName = "min/max")
public final class LinMinMaxBuiltin extends LinBuiltinNode {
    @Children private final LinExpressionNode[] arguments;
    private final boolean max;

    public LinMinMaxBuiltin(LinExpressionNode[] arguments, boolean max) {
        this.arguments = arguments;
        this.max = max;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object[] values = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            values[i] = arguments[i].executeGeneric(frame);
        }
        if (values.length == 2 && values[0] instanceof Long a && values[1] instanceof Long b) {
            return max ? (b > a ? b : a) : (b < a ? b : a);
        }
        if (values.length == 2 && values[0] instanceof Double a && values[1] instanceof Double b
                && !Double.isNaN(a) && !Double.isNaN(b)) {
            return max ? (b > a ? b : a) : (b < a ? b : a);
        }
        return pick(values);
    }

    @TruffleBoundary
    private Object pick(Object[] values) {
        String name = max ? "max" : "min";
        Object[] candidates = values;
        if (values.length == 1 && values[0] instanceof org.linlang.runtime.truffle.values.LinTensor t) {
            if (t.tensor().numel() == 0) throw error(name + "() of an empty tensor " + t.typeText());
            return new org.linlang.runtime.truffle.values.LinTensor(max ? org.linlang.runtime.tensor.Reductions.max(t.tensor())
                    : org.linlang.runtime.tensor.Reductions.min(t.tensor()));
        }
        if (values.length == 1) {
            if (values[0] instanceof LinList l) candidates = l.items();
            else if (values[0] instanceof LinTuple t) candidates = t.items();
            else throw argumentError(name, "several values or one list or tuple", values[0]);
            if (candidates.length == 0) throw error(name + "() of an empty " + LinValues.typeName(values[0]));
        }
        Object best = candidates[0];
        for (int i = 1; i < candidates.length; i++) {
            Integer order = LinValues.compare(candidates[i], best);
            if (order == null) {
                if (LinValues.isNumber(candidates[i]) && LinValues.isNumber(best)) continue; // NaN: keep, as Python does
                throw error(name + "() cannot compare " + LinValues.typeName(candidates[i]) + " with "
                        + LinValues.typeName(best));
            }
            if (max ? order > 0 : order < 0) best = candidates[i];
        }
        return best;
    }
}
