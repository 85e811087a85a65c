package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import java.util.Locale;
import java.util.regex.Pattern;

/** {@code float(x)}: ints and bools convert; strings hold a decimal number, {@code inf} or {@code nan}. */
@NodeChild(value = "value", type = LinExpressionNode.class)
@NodeInfo(shortName = "float")
public abstract class LinFloatBuiltin extends LinBuiltinNode {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    @Specialization
    protected double fromLong(long value) {
        return value;
    }

    @Specialization
    protected double fromDouble(double value) {
        return value;
    }

    @Specialization
    protected double fromBoolean(boolean value) {
        return value ? 1.0 : 0.0;
    }

    @Specialization
    @TruffleBoundary
    protected double fromString(String value) {
        String s = value.strip().replace("_", "");
        String lower = s.toLowerCase(Locale.ROOT);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        double sign = lower.startsWith("-") ? -1.0 : 1.0;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) return sign * Double.POSITIVE_INFINITY;
        if (unsigned.equals("nan")) return Double.NaN;
        if (!DECIMAL.matcher(s).matches()) throw error("float() cannot read \"" + value + "\" as a number");
        return Double.parseDouble(s);
    }

    @Specialization
    @TruffleBoundary
    protected double fromTensor(org.linlang.runtime.truffle.values.LinTensor tensor) {
        if (tensor.rank() != 0) throw error("float() needs a number or a tensor without dimensions, got " + tensor.typeText());
        return tensor.tensor().item();
    }

    @Fallback
    protected Object typeError(Object value) {
        throw argumentError("float", "an int, float, bool or string", value);
    }
}
