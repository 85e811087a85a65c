package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import java.util.ArrayList;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinTuple;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code xs[lo:hi:step]} on a list, tuple or string, each bound optional, with Python's meaning
 * (negative bounds count from the end, out-of-range bounds are clamped, a negative step goes backwards),
 * or on a tensor along its first axis (a view; the step must be positive).
 */
@NodeInfo(shortName = "[:]")
public final class LinSliceNode extends LinExpressionNode {
    @Child private LinExpressionNode target;
    @Child private LinExpressionNode lo;
    @Child private LinExpressionNode hi;
    @Child private LinExpressionNode step;

    public LinSliceNode(LinExpressionNode target, LinExpressionNode lo, LinExpressionNode hi, LinExpressionNode step) {
        this.target = target;
        this.lo = lo;
        this.hi = hi;
        this.step = step;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object value = target.executeGeneric(frame);
        Object loValue = lo == null ? null : lo.executeGeneric(frame);
        Object hiValue = hi == null ? null : hi.executeGeneric(frame);
        Object stepValue = step == null ? null : step.executeGeneric(frame);
        return slice(value, loValue, hiValue, stepValue);
    }

    @TruffleBoundary
    private Object slice(Object value, Object loValue, Object hiValue, Object stepValue) {
        if (value instanceof LinTensor t) {
            Long l = loValue == null ? null : bound(loValue, lo);
            Long h = hiValue == null ? null : bound(hiValue, hi);
            Long s = stepValue == null ? null : bound(stepValue, step);
            return LinTensorIndexNode.single(t, new TensorOps.Item.Slice(l, h, s), this);
        }
        Object[] items;
        if (value instanceof LinList l) items = l.items();
        else if (value instanceof LinTuple t) items = t.items();
        else if (value instanceof String s) items = s.codePoints().mapToObj(Character::toString).toArray();
        else throw new LinRuntimeError("cannot slice a value of type " + LinValues.typeName(value), this);
        long n = items.length;
        long stride = stepValue == null ? 1 : bound(stepValue, step);
        if (stride == 0) throw new LinRuntimeError("slice step cannot be zero", step);
        long start;
        long stop;
        if (stride > 0) {
            start = loValue == null ? 0 : clamp(bound(loValue, lo), n, 0, n);
            stop = hiValue == null ? n : clamp(bound(hiValue, hi), n, 0, n);
        } else {
            start = loValue == null ? n - 1 : clamp(bound(loValue, lo), n, -1, n - 1);
            stop = hiValue == null ? -1 : clamp(bound(hiValue, hi), n, -1, n - 1);
        }
        var out = new ArrayList<Object>();
        for (long i = start; stride > 0 ? i < stop : i > stop; i += stride) out.add(items[(int) i]);
        if (value instanceof String) {
            var sb = new StringBuilder();
            for (Object o : out) sb.append((String) o);
            return sb.toString();
        }
        Object[] result = out.toArray();
        return value instanceof LinTuple ? new LinTuple(result) : new LinList(result);
    }

    private static long clamp(long index, long n, long min, long max) {
        long i = index < 0 ? index + n : index;
        return Math.max(min, Math.min(max, i));
    }

    private static long bound(Object value, LinExpressionNode where) {
        if (value instanceof Long l) return l;
        if (value instanceof LinTensor t && t.rank() == 0 && !t.dtype().isFloat()) return t.tensor().getLong();
        throw new LinRuntimeError("slice bounds must be ints, got " + LinValues.typeName(value), where);
    }
}
