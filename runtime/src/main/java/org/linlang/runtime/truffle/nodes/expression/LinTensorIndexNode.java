package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.ops.Axis;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code x[i, a:b, .., j]} on a tensor: integer indices drop their axis, slices keep it, {@code ..}
 * stands for the axes no item names. The result is a view. (One plain index or slice on a list, tuple
 * or string is {@link LinIndexNode} or {@link LinSliceNode}, which also take tensors.)
 */
@NodeInfo(shortName = "[,]")
public final class LinTensorIndexNode extends LinExpressionNode {
    /** One item: {@code at} set for an index; {@code lo/hi/step} (each optional) for a slice; none for {@code ..}. */
    public static final class Item extends com.oracle.truffle.api.nodes.Node {
        @Child LinExpressionNode at;
        @Child LinExpressionNode lo;
        @Child LinExpressionNode hi;
        @Child LinExpressionNode step;
        final boolean rest;

        private Item(LinExpressionNode at, LinExpressionNode lo, LinExpressionNode hi, LinExpressionNode step, boolean rest) {
            this.at = at;
            this.lo = lo;
            this.hi = hi;
            this.step = step;
            this.rest = rest;
        }

        public static Item index(LinExpressionNode at) { return new Item(at, null, null, null, false); }

        public static Item slice(LinExpressionNode lo, LinExpressionNode hi, LinExpressionNode step) { return new Item(null, lo, hi, step, false); }

        public static Item rest() { return new Item(null, null, null, null, true); }

        Object[] evaluate(VirtualFrame frame) {
            return new Object[] {
                at == null ? null : at.executeGeneric(frame),
                lo == null ? null : lo.executeGeneric(frame),
                hi == null ? null : hi.executeGeneric(frame),
                step == null ? null : step.executeGeneric(frame),
            };
        }
    }

    @Child private LinExpressionNode target;
    @Children private final Item[] items;

    public LinTensorIndexNode(LinExpressionNode target, Item[] items) {
        this.target = target;
        this.items = items;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object value = target.executeGeneric(frame);
        Object[][] parts = new Object[items.length][];
        for (int i = 0; i < items.length; i++) parts[i] = items[i].evaluate(frame);
        return index(value, parts);
    }

    @TruffleBoundary
    private Object index(Object value, Object[][] parts) {
        if (!(value instanceof LinTensor t)) {
            throw new LinRuntimeError("only tensors take several indices or '..'; this is " + LinValues.aTypeName(value), this);
        }
        List<TensorOps.Item> list = new ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            Item it = items[i];
            Object[] p = parts[i];
            if (it.rest) list.add(new TensorOps.Item.Rest());
            else if (it.at != null) list.add(new TensorOps.Item.At(bound(p[0], it.at, "a tensor index")));
            else list.add(new TensorOps.Item.Slice(optional(p[1], it.lo), optional(p[2], it.hi), optional(p[3], it.step)));
        }
        try {
            return new LinTensor(TensorOps.index(t.tensor(), list));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new LinRuntimeError(e.getMessage(), this);
        }
    }

    private static Long optional(Object v, com.oracle.truffle.api.nodes.Node where) {
        return v == null ? null : bound(v, where, "a slice bound");
    }

    static long bound(Object v, com.oracle.truffle.api.nodes.Node where, String what) {
        try {
            return Axis.asLong(v);
        } catch (IllegalArgumentException e) {
            throw new LinRuntimeError(what + " must be an int, got " + LinValues.typeName(v), where);
        }
    }

    /** {@code x[items]} for the list/tuple/string nodes when their target turns out to be a tensor. */
    @TruffleBoundary
    public static Object single(LinTensor t, TensorOps.Item item, com.oracle.truffle.api.nodes.Node where) {
        try {
            return new LinTensor(TensorOps.index(t.tensor(), List.of(item)));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new LinRuntimeError(e.getMessage(), where);
        }
    }
}
