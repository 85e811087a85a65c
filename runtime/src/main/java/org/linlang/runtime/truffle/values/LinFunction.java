package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.dsl.Cached;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import com.oracle.truffle.api.nodes.IndirectCallNode;
import com.oracle.truffle.api.nodes.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.LinRuntimeError;

/**
 * A function value: a top-level {@code fn} or a builtin. Knows its parameters, so that calls can be
 * bound (named arguments, defaults) once per call site and function.
 *
 * <p>Callees receive their arguments in parameter order; a parameter the caller left out receives
 * {@link LinMissing#INSTANCE} and the callee evaluates its default. Variadic builtins receive the
 * arguments as given.
 */
@ExportLibrary(InteropLibrary.class)
public final class LinFunction implements TruffleObject {
    private final String name;
    private final String[] paramNames;
    private final boolean[] hasDefault;
    private final boolean variadic;
    private final int minArgs;
    private final boolean builtin;
    /** User functions: set once, after every function of the module exists (they may call each other). */
    private CallTarget callTarget;
    /** Builtins: one call target per number of arguments, made on first use. */
    private final IntFunction<CallTarget> builtinTargetFactory;
    private final ConcurrentHashMap<Integer, CallTarget> builtinTargets;

    private LinFunction(String name, String[] paramNames, boolean[] hasDefault, boolean variadic, int minArgs,
                        boolean builtin, IntFunction<CallTarget> builtinTargetFactory) {
        this.name = name;
        this.paramNames = paramNames;
        this.hasDefault = hasDefault;
        this.variadic = variadic;
        this.minArgs = minArgs;
        this.builtin = builtin;
        this.builtinTargetFactory = builtinTargetFactory;
        this.builtinTargets = builtin ? new ConcurrentHashMap<>() : null;
    }

    /** A user function; its call target is set later with {@link #setCallTarget}. */
    public static LinFunction user(String name, String[] paramNames, boolean[] hasDefault) {
        return new LinFunction(name, paramNames, hasDefault, false, 0, false, null);
    }

    /** A builtin with fixed parameters, or a variadic one taking at least {@code minArgs}. */
    public static LinFunction builtin(String name, String[] paramNames, boolean variadic, int minArgs,
                                      IntFunction<CallTarget> targetForArity) {
        return new LinFunction(name, paramNames, new boolean[paramNames.length], variadic, minArgs, true, targetForArity);
    }

    public String name() { return name; }

    public boolean isBuiltin() { return builtin; }

    public void setCallTarget(CallTarget target) {
        if (this.callTarget != null) throw new IllegalStateException("call target of " + name + " set twice");
        this.callTarget = target;
    }

    /** The call target that receives {@code arity} bound arguments. */
    public CallTarget callTarget(int arity) {
        if (!builtin) return callTarget;
        return lookupBuiltinTarget(arity);
    }

    @TruffleBoundary
    private CallTarget lookupBuiltinTarget(int arity) {
        return builtinTargets.computeIfAbsent(arity, builtinTargetFactory::apply);
    }

    /**
     * Binds a call's arguments to parameters. {@code argNames[i]} is the name of argument i, or null
     * when it is positional. Returns, per parameter, the index of the argument that fills it, or -1
     * when the parameter keeps its default. Errors are reported at {@code location} (the call).
     */
    @TruffleBoundary
    public int[] bind(String[] argNames, Node location) {
        int count = argNames.length;
        if (variadic) {
            for (String n : argNames) {
                if (n != null) throw new LinRuntimeError(name + "() does not take named arguments", location);
            }
            if (count < minArgs) {
                throw new LinRuntimeError(name + "() needs at least " + plural(minArgs, "argument") + ", got " + count, location);
            }
            int[] identity = new int[count];
            for (int i = 0; i < count; i++) identity[i] = i;
            return identity;
        }
        int params = paramNames.length;
        int[] binding = new int[params];
        java.util.Arrays.fill(binding, -1);
        int positional = 0;
        boolean sawNamed = false;
        for (int i = 0; i < count; i++) {
            String argName = argNames[i];
            if (argName == null) {
                if (sawNamed) {
                    throw new LinRuntimeError("positional argument after named arguments in call to " + name + "()", location);
                }
                if (positional >= params) {
                    int required = 0;
                    for (boolean d : hasDefault) if (!d) required++;
                    String takes = required == params ? Integer.toString(params) : required + " to " + params;
                    throw new LinRuntimeError(name + "() takes " + takes + (params == 1 && required == 1 ? " argument" : " arguments")
                            + " but " + countPositional(argNames) + (countPositional(argNames) == 1 ? " was" : " were") + " given", location);
                }
                binding[positional++] = i;
            } else {
                sawNamed = true;
                int p = indexOf(argName);
                if (p < 0) throw new LinRuntimeError(name + "() has no parameter named '" + argName + "'", location);
                if (binding[p] >= 0) throw new LinRuntimeError("argument '" + argName + "' of " + name + "() is given twice", location);
                binding[p] = i;
            }
        }
        List<String> missing = new ArrayList<>();
        for (int p = 0; p < params; p++) {
            if (binding[p] < 0 && !hasDefault[p]) missing.add("'" + paramNames[p] + "'");
        }
        if (!missing.isEmpty()) {
            String list = missing.size() == 1 ? missing.get(0)
                    : String.join(", ", missing.subList(0, missing.size() - 1)) + " and " + missing.getLast();
            throw new LinRuntimeError("missing " + (missing.size() == 1 ? "argument " : "arguments ") + list
                    + " in call to " + name + "()", location);
        }
        return binding;
    }

    private static int countPositional(String[] names) {
        int n = 0;
        for (String s : names) if (s == null) n++;
        return n;
    }

    private int indexOf(String param) {
        for (int i = 0; i < paramNames.length; i++) if (paramNames[i].equals(param)) return i;
        return -1;
    }

    private static String plural(int n, String word) { return n + " " + word + (n == 1 ? "" : "s"); }

    @Override public String toString() { return (builtin ? "<builtin fn " : "<fn ") + name + ">"; }

    // ---- interop: embedders can call Lin functions with positional arguments ----------------------

    @ExportMessage boolean isExecutable() { return true; }

    @ExportMessage
    Object execute(Object[] arguments, @Cached IndirectCallNode callNode) {
        Object[] bound = bindForHost(arguments);
        return callNode.call(callTarget(bound.length), bound);
    }

    @TruffleBoundary
    private Object[] bindForHost(Object[] arguments) {
        int[] binding = bind(new String[arguments.length], null);
        Object[] out = new Object[binding.length];
        for (int p = 0; p < binding.length; p++) {
            out[p] = binding[p] < 0 ? LinMissing.INSTANCE : LinValues.fromHost(arguments[binding[p]]);
        }
        return out;
    }

    /** Calls a method with its instance and positional host arguments (interop's invokeMember). */
    @TruffleBoundary
    public Object callMethod(Object receiver, Object[] arguments) {
        Object[] bound = bindForHost(arguments);
        Object[] withReceiver = new Object[bound.length + 1];
        withReceiver[0] = receiver;
        System.arraycopy(bound, 0, withReceiver, 1, bound.length);
        return callTarget(bound.length).call(withReceiver);
    }

    @ExportMessage boolean hasLanguage() { return true; }

    @ExportMessage Class<? extends com.oracle.truffle.api.TruffleLanguage<?>> getLanguage() { return LinLanguage.class; }

    @ExportMessage Object toDisplayString(@SuppressWarnings("unused") boolean allowSideEffects) { return toString(); }
}
