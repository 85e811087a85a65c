package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Cached;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.DirectCallNode;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.IndirectCallNode;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinNode;
import org.linlang.runtime.truffle.values.LinFunction;
import org.linlang.runtime.truffle.values.LinMissing;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * Calls a function value. For up to three distinct functions per call site the binding of arguments
 * to parameters is computed once and the call is direct (inlinable); beyond that it is indirect.
 */
public abstract class LinDispatchNode extends LinNode {
    @CompilationFinal(dimensions = 1) protected final String[] argNames;
    private final String calleeName;

    protected LinDispatchNode(String[] argNames, String calleeName) {
        this.argNames = argNames;
        this.calleeName = calleeName;
    }

    public abstract Object executeDispatch(Object function, Object[] arguments);

    @Specialization(guards = "function == cachedFunction", limit = "3")
    protected Object doDirect(@SuppressWarnings("unused") LinFunction function, Object[] arguments,
                              @Cached("function") LinFunction cachedFunction,
                              @Cached(value = "bind(cachedFunction)", dimensions = 1) int[] binding,
                              @Cached("create(cachedFunction.callTarget(binding.length))") DirectCallNode callNode) {
        return callNode.call(arrange(binding, arguments));
    }

    @Specialization(replaces = "doDirect")
    protected Object doIndirect(LinFunction function, Object[] arguments, @Cached IndirectCallNode callNode) {
        int[] binding = bind(function);
        return callNode.call(function.callTarget(binding.length), arrangeSlow(binding, arguments));
    }

    @Fallback
    @TruffleBoundary
    protected Object notCallable(Object function, @SuppressWarnings("unused") Object[] arguments) {
        String what = calleeName != null ? "'" + calleeName + "' is " + LinValues.aTypeName(function) + ", not a function"
                : "cannot call a value of type " + LinValues.typeName(function);
        throw new LinRuntimeError(what, this);
    }

    protected final int[] bind(LinFunction function) {
        return function.bind(argNames, this);
    }

    @ExplodeLoop
    private static Object[] arrange(int[] binding, Object[] arguments) {
        Object[] out = new Object[binding.length];
        for (int p = 0; p < binding.length; p++) {
            int from = binding[p];
            out[p] = from < 0 ? LinMissing.INSTANCE : arguments[from];
        }
        return out;
    }

    private static Object[] arrangeSlow(int[] binding, Object[] arguments) {
        Object[] out = new Object[binding.length];
        for (int p = 0; p < binding.length; p++) {
            int from = binding[p];
            out[p] = from < 0 ? LinMissing.INSTANCE : arguments[from];
        }
        return out;
    }
}
