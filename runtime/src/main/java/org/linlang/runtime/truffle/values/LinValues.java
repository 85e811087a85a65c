package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.UnsupportedMessageException;

/** Slow-path operations on any Lin value: type names for messages, equality, ordering. */
public final class LinValues {
    private LinValues() {}

    /** The Lin name of a value's type, as error messages say it. */
    @TruffleBoundary
    public static String typeName(Object value) {
        return switch (value) {
            case Long l -> "int";
            case Double d -> "float";
            case Boolean b -> "bool";
            case String s -> "string";
            case LinList l -> "list";
            case LinTuple t -> "tuple";
            case LinFunction f -> "function";
            case LinNone n -> "none";
            case LinTensor t -> "tensor " + t.typeText();
            case LinInstance i -> i.blockClass().kindWord() + " " + i;
            case LinBoundMethod m -> "method";
            case LinTensorDict d -> "tensor dictionary";
            case LinModuleValue m -> "module";
            case null -> "null";
            default -> value.getClass().getSimpleName();
        };
    }

    /** "an int", "a float": the type name with its article. */
    @TruffleBoundary
    public static String aTypeName(Object value) {
        String name = typeName(value);
        return ("aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }

    /** {@code ==}: numbers by value (1 == 1.0), sequences element by element, values of different kinds differ. */
    @TruffleBoundary
    public static boolean equal(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) return x.longValue() == y.longValue();
        if (isNumber(a) && isNumber(b)) return toDouble(a) == toDouble(b);
        if (a instanceof LinList x && b instanceof LinList y) return equalItems(x.items(), y.items());
        if (a instanceof LinTuple x && b instanceof LinTuple y) return equalItems(x.items(), y.items());
        if (a instanceof Boolean || a instanceof String) return a.equals(b);
        return a == b;
    }

    private static boolean equalItems(Object[] a, Object[] b) {
        if (a.length != b.length) return false;
        for (int i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
        return true;
    }

    /**
     * Ordering for {@code < <= > >=}, min and max: numbers, strings, and lists or tuples of those
     * (lexicographically). Returns null when the two values cannot be ordered.
     */
    @TruffleBoundary
    public static Integer compare(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) return Long.compare(x, y);
        if (isNumber(a) && isNumber(b)) {
            double x = toDouble(a);
            double y = toDouble(b);
            if (Double.isNaN(x) || Double.isNaN(y)) return null;
            return Double.compare(x == 0.0 ? 0.0 : x, y == 0.0 ? 0.0 : y);
        }
        if (a instanceof String x && b instanceof String y) return Integer.signum(x.compareTo(y));
        if (a instanceof LinList x && b instanceof LinList y) return compareItems(x.items(), y.items());
        if (a instanceof LinTuple x && b instanceof LinTuple y) return compareItems(x.items(), y.items());
        return null;
    }

    private static Integer compareItems(Object[] a, Object[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (equal(a[i], b[i])) continue;
            return compare(a[i], b[i]);
        }
        return Integer.compare(a.length, b.length);
    }

    /**
     * Lists have one element type, and ints mixed with floats make a list of floats ({@code [1, 2.5]}
     * is {@code [1.0, 2.5]}): converts the ints of {@code items} in place when floats are among them.
     */
    public static Object[] promoteMixedNumbers(Object[] items) {
        boolean sawLong = false;
        boolean sawDouble = false;
        for (Object item : items) {
            sawLong |= item instanceof Long;
            sawDouble |= item instanceof Double;
        }
        if (sawLong && sawDouble) {
            for (int i = 0; i < items.length; i++) {
                if (items[i] instanceof Long l) items[i] = (double) l;
            }
        }
        return items;
    }

    public static boolean isNumber(Object v) { return v instanceof Long || v instanceof Double; }

    public static double toDouble(Object v) { return v instanceof Long l ? (double) l : (Double) v; }

    /** Converts a value passed in by an embedder (boxed Java primitives, strings, polyglot values). */
    @TruffleBoundary
    public static Object fromHost(Object v) {
        switch (v) {
            case Long l -> { return l; }
            case Double d -> { return d; }
            case Integer i -> { return (long) i; }
            case Short s -> { return (long) s; }
            case Byte b -> { return (long) b; }
            case Float f -> { return (double) f; }
            case Boolean b -> { return b; }
            case String s -> { return s; }
            case LinList l -> { return l; }
            case LinTuple t -> { return t; }
            case LinFunction f -> { return f; }
            case LinNone n -> { return n; }
            case LinTensor t -> { return t; }
            case LinInstance i -> { return i; }
            case LinBoundMethod m -> { return m; }
            case LinTensorDict d -> { return d; }
            case LinModuleValue m -> { return m; }
            case org.linlang.runtime.tensor.Tensor t -> { return new LinTensor(t); }
            default -> { }
        }
        com.oracle.truffle.api.TruffleLanguage.Env env = org.linlang.runtime.truffle.LinLanguage.context(null).env();
        if (env.isHostObject(v) && env.asHostObject(v) instanceof org.linlang.runtime.tensor.Tensor t) return new LinTensor(t);
        InteropLibrary interop = InteropLibrary.getUncached(v);
        try {
            if (interop.isNull(v)) return LinNone.INSTANCE;
            if (interop.isBoolean(v)) return interop.asBoolean(v);
            if (interop.fitsInLong(v)) return interop.asLong(v);
            if (interop.fitsInDouble(v)) return interop.asDouble(v);
            if (interop.isString(v)) return interop.asString(v);
            if (interop.hasArrayElements(v)) {
                long n = interop.getArraySize(v);
                Object[] items = new Object[(int) n];
                for (int i = 0; i < n; i++) items[i] = fromHost(interop.readArrayElement(v, i));
                return new LinList(items);
            }
        } catch (UnsupportedMessageException | com.oracle.truffle.api.interop.InvalidArrayIndexException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("Lin cannot use a value of type " + v.getClass().getName());
    }
}
