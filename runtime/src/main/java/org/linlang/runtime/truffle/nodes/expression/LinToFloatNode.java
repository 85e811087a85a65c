package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * A value stored where a float is declared ({@code let x: float = 1}, a {@code float} parameter or
 * result): an int becomes a float, a float stays, a tensor without dimensions is its value for
 * {@code float} and stays a tensor for an element type ({@code g: f32}); anything else is an error.
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

    /**
     * A 0-d tensor: for {@code float} its value; for an element type ({@code f32}, {@code bf16}) the
     * tensor itself, which is a scalar of that type.
     */
    @Specialization
    @TruffleBoundary
    protected Object fromTensor(LinTensor value) {
        if (value.rank() != 0) {
            throw new LinRuntimeError("expected " + (declared.equals("float") ? "a float" : "a scalar " + declared) + ", got " + LinValues.typeName(value), this);
        }
        if (declared.equals("float")) return value.tensor().item();
        return value;
    }

    @Fallback
    @TruffleBoundary
    protected Object typeError(Object value) {
        throw new LinRuntimeError("expected a " + declared + ", got " + LinValues.typeName(value), this);
    }
}
