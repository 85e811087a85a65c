package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.NodeInfo;
import com.oracle.truffle.api.nodes.UnexpectedResultException;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinValues;

/** A value stored where an int, bool or string is declared: checked, never converted. */
@NodeInfo(shortName = "check-type")
public final class LinCheckTypeNode extends LinExpressionNode {
    public enum Kind { INT, BOOL, STRING }

    @Child private LinExpressionNode value;
    private final Kind kind;
    private final String declared;

    public LinCheckTypeNode(LinExpressionNode value, Kind kind, String declared) {
        this.value = value;
        this.kind = kind;
        this.declared = declared;
    }

    @Override
    public Object executeGeneric(VirtualFrame frame) {
        Object v = value.executeGeneric(frame);
        boolean ok = switch (kind) {
            case INT -> v instanceof Long || (!declared.equals("int") && isScalarTensor(v, false));
            case BOOL -> v instanceof Boolean || isScalarTensor(v, true);
            case STRING -> v instanceof String;
        };
        if (!ok) {
            CompilerDirectives.transferToInterpreter();
            throw mismatch(v);
        }
        return v;
    }

    /** A 0-d tensor of an integer (or bool) element type, accepted where i32, i64 or bool is declared. */
    private static boolean isScalarTensor(Object v, boolean bool) {
        return v instanceof org.linlang.runtime.truffle.values.LinTensor t && t.rank() == 0
                && (bool ? t.dtype() == org.linlang.runtime.tensor.DType.BOOL : !t.dtype().isFloat() && t.dtype() != org.linlang.runtime.tensor.DType.BOOL);
    }

    @Override
    public long executeLong(VirtualFrame frame) throws UnexpectedResultException {
        if (kind != Kind.INT) return super.executeLong(frame);
        try {
            return value.executeLong(frame);
        } catch (UnexpectedResultException e) {
            CompilerDirectives.transferToInterpreter();
            if (!declared.equals("int") && isScalarTensor(e.getResult(), false)) throw e;
            throw mismatch(e.getResult());
        }
    }

    @Override
    public boolean executeBoolean(VirtualFrame frame) throws UnexpectedResultException {
        if (kind != Kind.BOOL) return super.executeBoolean(frame);
        try {
            return value.executeBoolean(frame);
        } catch (UnexpectedResultException e) {
            CompilerDirectives.transferToInterpreter();
            if (isScalarTensor(e.getResult(), true)) throw e;
            throw mismatch(e.getResult());
        }
    }

    @TruffleBoundary
    private LinRuntimeError mismatch(Object v) {
        return new LinRuntimeError("expected " + (kind == Kind.INT ? "an " : "a ") + declared + ", got "
                + LinValues.typeName(v), this);
    }
}
