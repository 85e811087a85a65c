package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.values.LinFormat;
import org.linlang.runtime.truffle.values.LinNone;

/** {@code print(a, b, …)}: the values separated by spaces, then a newline, on standard output. */
@NodeInfo(shortName = "print")
public final class LinPrintBuiltin extends LinBuiltinNode {
    @Children private final LinExpressionNode[] arguments;

    public LinPrintBuiltin(LinExpressionNode[] arguments) {
        this.arguments = arguments;
    }

    @Override
    @ExplodeLoop
    public Object executeGeneric(VirtualFrame frame) {
        Object[] values = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            values[i] = arguments[i].executeGeneric(frame);
        }
        LinLanguage.context(this).printLine(format(values));
        return LinNone.INSTANCE;
    }

    @TruffleBoundary
    private static String format(Object[] values) {
        var line = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) line.append(' ');
            line.append(LinFormat.str(values[i]));
        }
        return line.toString();
    }
}
