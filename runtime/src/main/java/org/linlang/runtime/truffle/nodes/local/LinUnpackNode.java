package org.linlang.runtime.truffle.nodes.local;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTuple;
import org.linlang.runtime.truffle.values.LinValues;

/** Element {@code index} of a tuple (or list) matched by a tuple pattern of {@code arity} parts. */
public final class LinUnpackNode extends LinExpressionNode {
    @Child private LinExpressionNode value;
    private final int index;
    private final int arity;

    public LinUnpackNode(LinExpressionNode value, int index, int arity) {
        this.value = value;
        this.index = index;
        this.arity = arity;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object v = value.executeGeneric(frame);
        Object[] items;
        if (v instanceof LinTuple t) {
            items = t.items();
        } else if (v instanceof LinList l) {
            items = l.items();
        } else {
            CompilerDirectives.transferToInterpreterAndInvalidate();
            throw mismatch(v);
        }
        if (items.length != arity) {
            CompilerDirectives.transferToInterpreterAndInvalidate();
            throw mismatch(v);
        }
        return items[index];
    }

    @TruffleBoundary
    private LinRuntimeError mismatch(Object v) {
        String what = v instanceof LinTuple t ? "a tuple of " + t.size() + (t.size() == 1 ? " value" : " values")
                : v instanceof LinList l ? "a list of " + l.size() + (l.size() == 1 ? " value" : " values")
                : "a value of type " + LinValues.typeName(v);
        return new LinRuntimeError("cannot unpack " + what + " into a pattern of " + arity + " names", this);
    }
}
