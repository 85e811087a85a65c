package org.linlang.compiler.types;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.linlang.compiler.ast.Decl;

/** The types the checker infers. Printed as Lin writes them. */
public sealed interface Type {

    /** 64-bit integer; {@code value} is its size when known at compile time (a constant or a symbol). */
    record Int(Dim value) implements Type {
        @Override public String toString() { return "int"; }
    }

    record Float() implements Type {
        @Override public String toString() { return "float"; }
    }

    record Bool() implements Type {
        @Override public String toString() { return "bool"; }
    }

    record Str() implements Type {
        @Override public String toString() { return "string"; }
    }

    /** What a statement-like call (print) returns. */
    record Unit() implements Type {
        @Override public String toString() { return "()"; }
    }

    /** A tensor; a null dtype is an open element type (any float, fixed by the caller). */
    record Tensor(DType dtype, Shape shape) implements Type {
        @Override public String toString() {
            if (dtype != null && shape.rank() == 0 && !shape.hasRest()) return dtype.lin();
            return (dtype == null ? "" : dtype.lin()) + shape;
        }
    }

    record Tuple(List<Type> parts) implements Type {
        public Tuple { parts = List.copyOf(parts); }

        @Override public String toString() {
            return "(" + parts.stream().map(Object::toString).collect(Collectors.joining(", ")) + ")";
        }
    }

    /** A list; the element of a list of different blocks is a {@link Union}. */
    record ListOf(Type element) implements Type {
        @Override public String toString() { return "list[" + element + "]"; }
    }

    /** The alternatives of a heterogeneous list of blocks (a hybrid layer pattern). */
    record Union(List<Type> alternatives) implements Type {
        public Union { alternatives = List.copyOf(alternatives); }

        @Override public String toString() {
            return alternatives.stream().map(Object::toString).collect(Collectors.joining(" | "));
        }
    }

    /** A block or model instance with its int parameters bound to dimensions. */
    record Instance(Decl.Block decl, Map<String, Dim> ints) implements Type {
        public Instance { ints = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ints)); }

        /** {@code Linear(d, heads*dk)}: the block and the sizes it was built with. */
        @Override public String toString() {
            if (ints.isEmpty()) return decl.name().name();
            return decl.name().name() + "(" + ints.values().stream().map(Object::toString).collect(Collectors.joining(", ")) + ")";
        }
    }

    /** The type of {@code none}: the value of an optional parameter that was left out. */
    record None() implements Type {
        @Override public String toString() { return "none"; }
    }

    /** A parameter declared {@code = none}: a value of {@code inner}, or none. Printed {@code [B, T, H]?}. */
    record Optional(Type inner) implements Type {
        @Override public String toString() { return inner + "?"; }
    }

    /** A value whose type is only known at run time (what {@code load} returns). */
    record Dynamic() implements Type {
        @Override public String toString() { return "dynamic"; }
    }

    /**
     * The type of an expression that never produces a value ({@code error(...)}): it joins with any
     * type in the branches of an {@code if} and is accepted wherever a value is expected.
     */
    record Never() implements Type {
        @Override public String toString() { return "never"; }
    }

    /** The type of an expression that already failed to check: accepted everywhere, to avoid cascades. */
    record Error() implements Type {
        @Override public String toString() { return "<error>"; }
    }

    /** Things that can be called: definitions, builtins, methods of an instance, imported modules' members. */
    record FnRef(Decl.Fn decl) implements Type {
        @Override public String toString() { return "fn " + decl.name(); }
    }

    record RecurrenceRef(Decl.Recurrence decl) implements Type {
        @Override public String toString() { return "recurrence " + decl.name(); }
    }

    record BlockRef(Decl.Block decl) implements Type {
        @Override public String toString() { return decl.kindWord() + " " + decl.name(); }
    }

    record MethodRef(Instance self, Decl.Method method) implements Type {
        @Override public String toString() { return self + "." + method.name(); }
    }

    record BuiltinRef(Builtin builtin) implements Type {
        @Override public String toString() { return "builtin " + builtin.name(); }
    }

    record ModuleRef(String path, Map<String, Type> members) implements Type {
        @Override public String toString() { return "module " + path; }
    }

    Type INT = new Int(null);
    Type FLOAT = new Float();
    Type BOOL = new Bool();
    Type STRING = new Str();
    Type UNIT = new Unit();
    Type ERROR = new Error();
    Type DYNAMIC = new Dynamic();
    Type NONE = new None();
    Type NEVER = new Never();

    static boolean isNumeric(Type t) { return t instanceof Int || t instanceof Float || t instanceof Tensor; }

    /** Types that accept anything without further errors (never: no value ever arrives to mismatch). */
    static boolean isLenient(Type t) { return t instanceof Error || t instanceof Dynamic || t instanceof Never; }
}
