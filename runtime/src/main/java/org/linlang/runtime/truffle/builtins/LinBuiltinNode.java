package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.frame.FrameInstance;
import com.oracle.truffle.api.nodes.Node;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinFormat;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * A builtin function's node. A call of a builtin by its name becomes this node directly, at the call's
 * place in the tree; a builtin used as a value is wrapped in its own root ({@link LinBuiltinRootNode}).
 */
public abstract class LinBuiltinNode extends LinExpressionNode {

    /** "sqrt() needs a float, got string". */
    @TruffleBoundary
    protected final LinRuntimeError argumentError(String builtin, String expected, Object value) {
        return new LinRuntimeError(builtin + "() needs " + expected + ", got " + LinValues.typeName(value), location());
    }

    @TruffleBoundary
    protected final LinRuntimeError error(String message) {
        return new LinRuntimeError(message, location());
    }

    /**
     * Where errors of this builtin are reported: the call, which is this node when the builtin was
     * called by name, or the calling node when it runs in its own root (called as a value).
     */
    private Node location() {
        if (getEncapsulatingSourceSection() != null) return this;
        Node caller = Truffle.getRuntime().iterateFrames(FrameInstance::getCallNode);
        return caller != null ? caller : this;
    }

    @TruffleBoundary
    protected static String show(double value) {
        return LinFormat.formatFloat(value);
    }
}
