package org.linlang.runtime.truffle.nodes.expression;

import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Cached;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.nodes.DirectCallNode;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.IndirectCallNode;
import org.linlang.runtime.cpu.CpuEngineException;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.engine.CompiledCalls;
import org.linlang.runtime.truffle.nodes.LinNode;
import org.linlang.runtime.truffle.values.LinBlockClass;
import org.linlang.runtime.truffle.values.LinBoundMethod;
import org.linlang.runtime.truffle.values.LinFunction;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinMissing;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * Calls a function value, a method bound to its instance, or a block instance (its forward method).
 * For up to three distinct functions per call site the binding of arguments to parameters is computed
 * once and the call is direct (inlinable); beyond that it is indirect. Methods receive their instance
 * as argument 0.
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

    @Specialization(guards = "method.function() == cachedFunction", limit = "3")
    protected Object doMethodDirect(LinBoundMethod method, Object[] arguments,
                                    @Cached("method.function()") LinFunction cachedFunction,
                                    @Cached(value = "bind(cachedFunction)", dimensions = 1) int[] binding,
                                    @Cached("create(cachedFunction.callTarget(binding.length))") DirectCallNode callNode) {
        return callNode.call(arrangeWithReceiver(binding, method.receiver(), arguments));
    }

    @Specialization(replaces = "doMethodDirect")
    protected Object doMethodIndirect(LinBoundMethod method, Object[] arguments, @Cached IndirectCallNode callNode) {
        int[] binding = bind(method.function());
        return callNode.call(method.function().callTarget(binding.length), arrangeWithReceiverSlow(binding, method.receiver(), arguments));
    }

    /** Calling a block instance runs its forward method. */
    @Specialization(guards = "instance.blockClass() == cachedClass", limit = "3")
    protected Object doInstanceDirect(LinInstance instance, Object[] arguments,
                                      @Cached("instance.blockClass()") LinBlockClass cachedClass,
                                      @Cached("forwardOf(instance)") LinFunction cachedFunction,
                                      @Cached(value = "bind(cachedFunction)", dimensions = 1) int[] binding,
                                      @Cached("create(cachedFunction.callTarget(binding.length))") DirectCallNode callNode) {
        Object compiled = compiledCall(instance, arguments);
        if (compiled != null) return compiled;
        return callNode.call(arrangeWithReceiver(binding, instance, arguments));
    }

    @Specialization(replaces = "doInstanceDirect")
    protected Object doInstanceIndirect(LinInstance instance, Object[] arguments, @Cached IndirectCallNode callNode) {
        Object compiled = compiledCall(instance, arguments);
        if (compiled != null) return compiled;
        LinFunction forward = forwardOf(instance);
        int[] binding = bind(forward);
        return callNode.call(forward.callTarget(binding.length), arrangeWithReceiverSlow(binding, instance, arguments));
    }

    /** The call run by the engine the context chose ({@code --engine cpu}), or null for the interpreter. */
    private Object compiledCall(LinInstance instance, Object[] arguments) {
        var context = LinLanguage.context(this);
        CompiledCalls engine = context.compiledCalls();
        return engine == null ? null : callOnEngine(engine, instance, arguments, context.insideBlockCall());
    }

    @TruffleBoundary
    private Object callOnEngine(CompiledCalls engine, LinInstance instance, Object[] arguments, boolean insideMethod) {
        try {
            Object r = engine.call(instance, argNames, arguments, insideMethod);
            return r == CompiledCalls.INTERPRET ? null : r;
        } catch (CpuEngineException e) {
            throw new LinRuntimeError(e.getMessage(), this);
        }
    }

    @TruffleBoundary
    protected final LinFunction forwardOf(LinInstance instance) {
        LinFunction forward = instance.blockClass().forward();
        if (forward == null) {
            throw new LinRuntimeError(instance.blockClass().kindWord() + " '" + instance + "' has no forward method, so it cannot be called; call one of its methods", this);
        }
        return forward;
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

    @ExplodeLoop
    private static Object[] arrangeWithReceiver(int[] binding, Object receiver, Object[] arguments) {
        Object[] out = new Object[binding.length + 1];
        out[0] = receiver;
        for (int p = 0; p < binding.length; p++) {
            int from = binding[p];
            out[p + 1] = from < 0 ? LinMissing.INSTANCE : arguments[from];
        }
        return out;
    }

    private static Object[] arrangeWithReceiverSlow(int[] binding, Object receiver, Object[] arguments) {
        Object[] out = new Object[binding.length + 1];
        out[0] = receiver;
        for (int p = 0; p < binding.length; p++) {
            int from = binding[p];
            out[p + 1] = from < 0 ? LinMissing.INSTANCE : arguments[from];
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
