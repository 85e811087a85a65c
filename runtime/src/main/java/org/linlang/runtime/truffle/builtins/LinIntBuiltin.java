package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;

/** {@code int(x)}: floats are rounded towards zero; strings must hold a decimal integer. */
@NodeChild(value = "value", type = LinExpressionNode.class)
@NodeInfo(shortName = "int")
public abstract class LinIntBuiltin extends LinBuiltinNode {
    // 2^63 as a double; doubles in [-2^63, 2^63) convert exactly after truncation.
    private static final double LIMIT = 9.223372036854775807E18;

    @Specialization
    protected long fromLong(long value) {
        return value;
    }

    @Specialization
    protected long fromDouble(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value) || value >= LIMIT || value < -LIMIT) {
            CompilerDirectives.transferToInterpreter();
            throw error("cannot convert " + show(value) + " to an int"
                    + (Double.isNaN(value) || Double.isInfinite(value) ? "" : ": it does not fit in 64 bits"));
        }
        return (long) value;
    }

    @Specialization
    protected long fromBoolean(boolean value) {
        return value ? 1 : 0;
    }

    @Specialization
    @TruffleBoundary
    protected long fromString(String value) {
        String s = value.strip().replace("_", "");
        try {
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            if (s.matches("[+-]?[0-9]+")) throw error("int(\"" + value + "\") does not fit in 64 bits");
            throw error("int() cannot read \"" + value + "\" as an integer");
        }
    }

    @Specialization
    @TruffleBoundary
    protected Object fromTensor(org.linlang.runtime.truffle.values.LinTensor tensor) {
        if (tensor.rank() != 0) throw error("int() needs a number or a tensor without dimensions, got " + tensor.typeText());
        if (tensor.dtype().isFloat()) return fromDouble(tensor.tensor().item());
        return tensor.tensor().getLong();
    }

    @Fallback
    protected Object typeError(Object value) {
        throw argumentError("int", "a float, int, bool or string", value);
    }
}
