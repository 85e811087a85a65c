package org.linlang.runtime.api;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code .lin} file loaded by {@link Lin#load}: its definitions as they were when it was loaded
 * (a later file that defines the same names does not change them), and the value its script ended
 * with.
 */
public final class Program {
    private final Path file;
    private final Map<String, LinValue> definitions;
    private final List<String> functions;
    private final LinValue result;

    Program(Path file, Map<String, LinValue> definitions, List<String> functions, LinValue result) {
        this.file = file;
        this.definitions = Collections.unmodifiableMap(definitions);
        this.functions = List.copyOf(functions);
        this.result = result;
    }

    public Path file() { return file; }

    /** The names of its definitions that have a value (functions, and blocks once the interpreter runs them), in file order. */
    public Set<String> names() { return definitions.keySet(); }

    /** The names of its {@code fn} definitions, in file order. */
    public List<String> functions() { return functions; }

    /** A definition by name. */
    public LinValue get(String name) {
        LinValue v = definitions.get(name);
        if (v == null) {
            throw new IllegalArgumentException(file + " defines no '" + name + "'" + (definitions.isEmpty() ? "" : "; it defines " + String.join(", ", definitions.keySet())));
        }
        return v;
    }

    /**
     * Calls one of its functions with positional arguments: numbers, strings, booleans, Java arrays
     * ({@code float[]} is a vector), {@code MemorySegment}s of f32, tensors ({@link Lin#tensor}) or
     * {@link LinValue}s. Throws {@link LinException} when the call fails.
     */
    public LinValue call(String function, Object... args) {
        return get(function).call(args);
    }

    /** The value of the file's last statement when it is an expression, else none. */
    public LinValue result() { return result; }

    @Override public String toString() { return "Program[" + file + ": " + String.join(", ", definitions.keySet()) + "]"; }
}
