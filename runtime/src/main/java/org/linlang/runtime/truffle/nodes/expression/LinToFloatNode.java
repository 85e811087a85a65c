package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * A value stored where a float is declared ({@code let x: float = 1}, a {@code float} parameter or
 * result): an int becomes a float, a float stays, anything else is an error.
 */
@NodeChild("value")
@NodeInfo(shortName = "to-float")
public abstract class LinToFloatNode extends LinExpressionNode {
    private final String declared;

    protected LinToFloatNode(String declared) {
        this.declared = declared;
    }

    @Specialization
    protected double fromLong(long value) {
        return value;
    }

    @Specialization
    protected double fromDouble(double value) {
        return value;
    }

    @Fallback
    @TruffleBoundary
    protected Object typeError(Object value) {
        throw new LinRuntimeError("expected a " + declared + ", got " + LinValues.typeName(value), this);
    }
}
