package org.linlang.runtime.truffle.nodes.controlflow;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.UnexpectedResultException;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinNode;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTuple;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * What a {@code for} iterates over: {@code from..to} (ints, {@code to} excluded) or a list, tuple or
 * string. Evaluates it once, stores the loop's state in hidden frame slots — the step {@code k}
 * (from 0), the number of steps, and {@code from} or the elements — and returns the number of steps.
 */
public final class LinLoopHeaderNode extends LinNode {
    @Child private LinExpressionNode from;
    @Child private LinExpressionNode to;
    private final int stepSlot;
    private final int countSlot;
    private final int sourceSlot;

    public LinLoopHeaderNode(LinExpressionNode from, LinExpressionNode to, int stepSlot, int countSlot, int sourceSlot) {
        this.from = from;
        this.to = to;
        this.stepSlot = stepSlot;
        this.countSlot = countSlot;
        this.sourceSlot = sourceSlot;
    }

    public boolean isRange() { return to != null; }

    public int stepSlot() { return stepSlot; }

    public int countSlot() { return countSlot; }

    public int sourceSlot() { return sourceSlot; }

    public long execute(VirtualFrame frame) {
        long count;
        if (to != null) {
            long lo = bound(from, frame);
            long hi = bound(to, frame);
            count = hi > lo ? rangeLength(lo, hi) : 0;
            frame.setLong(sourceSlot, lo);
        } else {
            Object[] items = elements(from.executeGeneric(frame));
            count = items.length;
            frame.setObject(sourceSlot, items);
        }
        frame.setLong(stepSlot, 0);
        frame.setLong(countSlot, count);
        return count;
    }

    private long rangeLength(long lo, long hi) {
        try {
            return Math.subtractExact(hi, lo);
        } catch (ArithmeticException e) {
            CompilerDirectives.transferToInterpreterAndInvalidate();
            throw new LinRuntimeError("range " + lo + ".." + hi + " is too long", this);
        }
    }

    private static long bound(LinExpressionNode node, VirtualFrame frame) {
        try {
            return node.executeLong(frame);
        } catch (UnexpectedResultException e) {
            CompilerDirectives.transferToInterpreterAndInvalidate();
            throw notInt(node, e.getResult());
        }
    }

    @TruffleBoundary
    private static LinRuntimeError notInt(LinExpressionNode node, Object value) {
        return new LinRuntimeError("range bounds must be ints, got " + LinValues.typeName(value), node);
    }

    private Object[] elements(Object value) {
        if (value instanceof LinList list) return list.items();
        if (value instanceof LinTuple tuple) return tuple.items();
        CompilerDirectives.transferToInterpreterAndInvalidate();
        return slowElements(value);
    }

    @TruffleBoundary
    private Object[] slowElements(Object value) {
        if (value instanceof String s) return s.codePoints().mapToObj(Character::toString).toArray();
        if (value instanceof org.linlang.runtime.truffle.values.LinTensorDict d) return d.names();
        throw new LinRuntimeError("cannot iterate over a value of type " + LinValues.typeName(value)
                + " (a for loop takes a range a..b, a list, a tuple, a string or the tensors of a file)", from);
    }
}
