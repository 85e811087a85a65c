package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.linlang.runtime.truffle.LinContext;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.ops.Axis;
import org.linlang.runtime.truffle.ops.BuiltinCall;
import org.linlang.runtime.truffle.ops.TensorBuiltins;

/**
 * A call of a tensor builtin ({@code sum(x, axis = D)}, {@code zeros([B, T])}, {@code concat(a, b, axis = 1)}, …):
 * evaluates the positional and named arguments in order, then runs the builtin's implementation.
 * How each axis argument designates its axis was decided from the checker's types ({@link Axis}).
 */
@NodeInfo(shortName = "builtin")
public final class LinTensorBuiltinNode extends LinBuiltinNode {
    private final TensorBuiltins.Def builtin;
    @Children private final LinExpressionNode[] positional;
    @Children private final LinExpressionNode[] named;
    @CompilationFinal(dimensions = 1) private final String[] names;
    private final Map<String, Axis> axes;

    public LinTensorBuiltinNode(TensorBuiltins.Def builtin, LinExpressionNode[] positional, LinExpressionNode[] named,
                                String[] names, Map<String, Axis> axes) {
        this.builtin = builtin;
        this.positional = positional;
        this.named = named;
        this.names = names;
        this.axes = axes;
    }

    /** The builtin used as a value ({@code let f = sum}): positional arguments only. */
    public static LinTensorBuiltinNode positionalOnly(TensorBuiltins.Def builtin, LinExpressionNode[] args) {
        return new LinTensorBuiltinNode(builtin, args, new LinExpressionNode[0], new String[0], Map.of());
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object[] args = new Object[positional.length];
        for (int i = 0; i < positional.length; i++) args[i] = positional[i].executeGeneric(frame);
        Object[] values = new Object[named.length];
        for (int i = 0; i < named.length; i++) values[i] = named[i].executeGeneric(frame);
        return call(args, values, LinLanguage.context(this));
    }

    @TruffleBoundary
    private Object call(Object[] args, Object[] values, LinContext context) {
        if (args.length < builtin.minArgs() || args.length > builtin.maxArgs()) {
            String takes = builtin.minArgs() == builtin.maxArgs() ? Integer.toString(builtin.minArgs())
                    : builtin.maxArgs() == Integer.MAX_VALUE ? "at least " + builtin.minArgs() : builtin.minArgs() + " to " + builtin.maxArgs();
            throw error(builtin.name() + "() takes " + takes + " positional argument" + (takes.equals("1") ? "" : "s") + " but " + args.length
                    + (args.length == 1 ? " was" : " were") + " given");
        }
        Map<String, Object> byName = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) byName.put(names[i], values[i]);
        try {
            return builtin.impl().apply(new BuiltinCall(builtin.name(), args, byName, axes, context, this));
        } catch (IllegalArgumentException | IndexOutOfBoundsException | ArithmeticException e) {
            throw error(e.getMessage());
        }
    }
}
