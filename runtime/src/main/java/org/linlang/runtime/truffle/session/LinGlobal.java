package org.linlang.runtime.truffle.session;

import org.linlang.compiler.ast.TypeExpr;

/**
 * One binding of a session: a {@code let} of a REPL input, or a definition ({@code fn}, block,
 * recurrence, imported name). Every {@code let} makes a new binding, so code that captured an older
 * one keeps seeing it, exactly as the checker typed it; assignments change the current one.
 */
public final class LinGlobal {
    public enum Kind { VARIABLE, DEFINITION }

    private final String name;
    private final Kind kind;
    private final TypeExpr declared;
    /** Null until the input that binds it has run that far. */
    private Object value;
    /** For a definition the interpreter cannot run: the message every use of it reports. */
    private String error;

    LinGlobal(String name, Kind kind, TypeExpr declared) {
        this.name = name;
        this.kind = kind;
        this.declared = declared;
    }

    public String name() { return name; }

    public Kind kind() { return kind; }

    /** The type written in {@code let x: T = …}, which later assignments are converted to; or null. */
    public TypeExpr declared() { return declared; }

    public Object value() { return value; }

    public String error() { return error; }

    void set(Object v) {
        this.value = v;
        this.error = null;
    }

    void fail(String message) { this.error = message; }

    /** Why reading this binding gives no value. */
    String unavailable() {
        if (error != null) return error;
        return "'" + name + "' has no value: the input that defines it stopped with an error before setting it";
    }
}
