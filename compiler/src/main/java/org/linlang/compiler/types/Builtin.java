package org.linlang.compiler.types;

/**
 * A function every Lin program can call without importing it. Declared once, with its
 * documentation, so that the checker, the REPL's :help and completion read one registry.
 */
public record Builtin(String name, String signature, String doc, Rule rule) {
    /** Whether a named argument is one of those its signature lists (any, when it ends in "…"). */
    public boolean accepts(String argument) {
        if (signature.contains("…")) return true;
        var m = java.util.regex.Pattern.compile("(\\w+) =").matcher(signature);
        while (m.find()) if (m.group(1).equals(argument)) return true;
        return false;
    }

    /** concat and stack: a list literal argument stands for its elements. */
    public boolean takesParts() { return name.equals("concat") || name.equals("stack"); }

    /** The type rule: the call's result type, or Type.ERROR after reporting what is wrong. */
    @FunctionalInterface
    public interface Rule {
        Type check(BuiltinCall call);
    }
}
