package org.linlang.runtime.truffle.builtins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.ops.TensorBuiltins;

/**
 * Every builtin function, declared once with its parameters and documentation. The translator
 * turns a call of a builtin into the builtin's node; {@code LinLanguage} wraps a builtin used as a
 * value in a call target.
 */
public final class LinBuiltins {
    private LinBuiltins() {}

    /**
     * One builtin. A variadic builtin takes {@code minArgs} or more positional arguments; the others
     * take exactly {@code params}, by position or by name.
     */
    public record Builtin(String name, List<String> params, boolean variadic, int minArgs, String doc,
                          Function<LinExpressionNode[], LinBuiltinNode> factory) {
        public String signature() {
            return name + "(" + (variadic ? "x, ..." : String.join(", ", params)) + ")";
        }
    }

    private static final Map<String, Builtin> ALL = new LinkedHashMap<>();

    static {
        variadic("print", 0, "Prints its arguments separated by spaces, then a newline. Strings print as they are.",
                LinPrintBuiltin::new);
        fixed("error", "message", "Stops the program with a runtime error at this call that shows the message.",
                a -> new LinErrorBuiltin(a[0]));
        fixed("len", "x", "The number of elements of a list or tuple, or of characters of a string.",
                a -> LinLenBuiltinNodeGen.create(a[0]));
        fixed("str", "x", "The value as a string, as print would show it.", a -> new LinStrBuiltin(a[0]));
        fixed("int", "x", "An int from a float (rounded towards zero), a bool or a string.",
                a -> LinIntBuiltinNodeGen.create(a[0]));
        fixed("float", "x", "A float from an int, a bool or a string.", a -> LinFloatBuiltinNodeGen.create(a[0]));
        fixed("abs", "x", "The absolute value of an int or float.", a -> LinAbsBuiltinNodeGen.create(a[0]));
        variadic("min", 1, "The smallest argument, or the smallest element of one list or tuple argument.",
                a -> new LinMinMaxBuiltin(a, false));
        variadic("max", 1, "The largest argument, or the largest element of one list or tuple argument.",
                a -> new LinMinMaxBuiltin(a, true));
        fixed("exp", "x", "e raised to x.", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.EXP, a[0]));
        fixed("log", "x", "The natural logarithm of x > 0.", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.LOG, a[0]));
        fixed("sqrt", "x", "The square root of x >= 0.", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.SQRT, a[0]));
        fixed("rsqrt", "x", "1 / sqrt(x), for x > 0.", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.RSQRT, a[0]));
        fixed("tanh", "x", "The hyperbolic tangent of x.", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.TANH, a[0]));
        fixed("sigmoid", "x", "1 / (1 + exp(-x)), computed without overflow.",
                a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.SIGMOID, a[0]));
        fixed("silu", "x", "x * sigmoid(x).", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.SILU, a[0]));
        fixed("softplus", "x", "log(1 + exp(x)), computed without overflow.",
                a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.SOFTPLUS, a[0]));
        fixed("relu", "x", "max(x, 0) as a float.", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.RELU, a[0]));
        fixed("elu", "x", "x if x > 0 else exp(x) - 1.", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.ELU, a[0]));
        fixed("sin", "x", "The sine of x (radians).", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.SIN, a[0]));
        fixed("cos", "x", "The cosine of x (radians).", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.COS, a[0]));
        fixed("gelu", "x", "x * Phi(x), with the exact error function.", a -> LinMathBuiltinNodeGen.create(LinMathBuiltin.Fn.GELU, a[0]));
        // The tensor builtins (documented in the compiler's registry, org.linlang.compiler.types.Builtins).
        // Called by name they get their named arguments (LinTensorBuiltinNode); as values, positional ones.
        for (TensorBuiltins.Def def : TensorBuiltins.all().values()) {
            if (ALL.containsKey(def.name())) continue;
            var documented = org.linlang.compiler.types.Builtins.all().get(def.name());
            String doc = documented == null ? def.name() : documented.signature() + ": " + documented.doc() + ".";
            variadic(def.name(), def.minArgs(), doc, a -> LinTensorBuiltinNode.positionalOnly(def, a));
        }
    }

    private static void fixed(String name, String param, String doc, Function<LinExpressionNode[], LinBuiltinNode> factory) {
        ALL.put(name, new Builtin(name, List.of(param), false, 1, doc, factory));
    }

    private static void variadic(String name, int minArgs, String doc, Function<LinExpressionNode[], LinBuiltinNode> factory) {
        ALL.put(name, new Builtin(name, List.of(), true, minArgs, doc, factory));
    }

    /** The builtin of that name, or null. */
    public static Builtin get(String name) {
        return ALL.get(name);
    }

    /** All builtins, in the order above. */
    public static List<Builtin> all() {
        return List.copyOf(ALL.values());
    }
}
