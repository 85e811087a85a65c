package org.linlang.runtime.truffle.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.truffle.values.LinMissing;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * The tensor types of a signature, for checking a call's arguments when it runs and binding the
 * signature's dimension names ({@code B}, {@code T}, {@code D}, {@code ..}) to the actual sizes, which the
 * body then reads as ints. Like the checker's unifier it works in two passes: first every name that
 * stands alone is bound by the first argument that has it, then every dimension of every argument is
 * checked, so {@code [heads * dk]} can be checked after {@code heads} and {@code dk} were bound.
 *
 * <p>Dimensions are {@link Free} (the signature's own names, bound here), {@link Known} (ints whose
 * values exist before the call binds anything: int parameters, a block's parameters), literals, or
 * arithmetic of those.
 */
public final class ShapeSpec {
    /** A dimension as written in a signature. */
    public sealed interface Dim {}

    public record Free(int index, String name) implements Dim {}

    public record Known(int index, String name) implements Dim {}

    public record Lit(long value) implements Dim {}

    public record Bin(char op, Dim left, Dim right) implements Dim {}

    /**
     * One parameter. {@code dims == null} means the parameter is not a tensor (nothing to check);
     * {@code rest}: the shape starts with {@code ..}; {@code dtype == null}: the element type is open.
     */
    public record Param(String name, DType dtype, boolean rest, Dim[] dims) {
        public boolean isTensor() { return dims != null; }

        public boolean isScalarTensor() { return dims != null && dims.length == 0 && !rest; }
    }

    /** What a call bound: each free dimension's size, and the leading dimensions {@code ..} stand for. */
    public record Bound(long[] dims, boolean[] bound, long[] rest) {}

    private final String callee;
    private final Param[] params;
    private final String[] freeNames;
    private final String[] knownNames;
    /** The params are a block's states (checked when a method starts or assigns one), not arguments. */
    private final boolean states;

    public ShapeSpec(String callee, List<Param> params, List<String> freeNames, List<String> knownNames) {
        this(callee, params, freeNames, knownNames, false);
    }

    public ShapeSpec(String callee, List<Param> params, List<String> freeNames, List<String> knownNames, boolean states) {
        this.states = states;
        this.callee = callee;
        this.params = params.toArray(Param[]::new);
        this.freeNames = freeNames.toArray(String[]::new);
        this.knownNames = knownNames.toArray(String[]::new);
    }

    public int freeCount() { return freeNames.length; }

    public String freeName(int i) { return freeNames[i]; }

    public int paramCount() { return params.length; }

    public Param param(int i) { return params[i]; }

    /**
     * Binds and checks argument values (a tensor, a number for a 0-d tensor type, or
     * {@link LinMissing} for a parameter left to its default).
     */
    public Bound bind(Object[] values, long[] known) {
        long[][] shapes = new long[params.length][];
        DType[] dtypes = new DType[params.length];
        for (int i = 0; i < params.length; i++) {
            Param p = params[i];
            Object v = values[i];
            // Missing: the default applies later; none: an optional parameter left out.
            if (!p.isTensor() || v == LinMissing.INSTANCE || v == org.linlang.runtime.truffle.values.LinNone.INSTANCE) continue;
            if (v instanceof LinTensor t) {
                shapes[i] = t.tensor().shape();
                dtypes[i] = t.dtype();
            } else if (!(p.isScalarTensor() && (v instanceof Long || v instanceof Double || v instanceof Boolean))) {
                throw new IllegalArgumentException(subject(p) + " must be a tensor " + typeText(p)
                        + ", got " + LinValues.aTypeName(v));
            }
        }
        return bind(shapes, dtypes, known);
    }

    /** Binds and checks shapes ({@code null} where a parameter has no tensor to check). */
    public Bound bind(long[][] shapes, DType[] dtypes, long[] known) {
        long[] dims = new long[freeNames.length];
        boolean[] bound = new boolean[freeNames.length];
        int[] boundBy = new int[freeNames.length];
        long[] rest = null;
        int restBy = -1;
        // Pass 1: names that stand alone, and the rest.
        for (int i = 0; i < params.length; i++) {
            Param p = params[i];
            long[] s = shapes[i];
            if (s == null || !p.isTensor()) continue;
            int n = p.dims.length;
            if (p.rest ? s.length < n : s.length != n) continue; // reported in pass 2
            int offset = s.length - n;
            if (p.rest && rest == null) {
                rest = Arrays.copyOf(s, offset);
                restBy = i;
            }
            for (int k = 0; k < n; k++) {
                if (p.dims[k] instanceof Free f && !bound[f.index]) {
                    dims[f.index] = s[offset + k];
                    bound[f.index] = true;
                    boundBy[f.index] = i;
                } else if (scaledFree(p.dims[k]) instanceof Bin m && m.right() instanceof Free f && !bound[f.index]
                        && s[offset + k] % ((Lit) m.left()).value() == 0) {
                    // [2 * D] binds D to half the size, as the checker does.
                    dims[f.index] = s[offset + k] / ((Lit) m.left()).value();
                    bound[f.index] = true;
                    boundBy[f.index] = i;
                }
            }
        }
        // Pass 2: check everything.
        for (int i = 0; i < params.length; i++) {
            Param p = params[i];
            long[] s = shapes[i];
            if (s == null || !p.isTensor()) continue;
            if (p.dtype != null && dtypes[i] != null && p.dtype != dtypes[i]) {
                throw new IllegalArgumentException(subject(p) + " is " + LinTensor.typeText(dtypes[i], s)
                        + ", but " + declared(p));
            }
            int n = p.dims.length;
            if (p.rest ? s.length < n : s.length != n) {
                throw new IllegalArgumentException(subject(p) + " has shape " + LinTensor.shapeText(s)
                        + " (" + count(s.length) + "), but " + declared(p)
                        + " (" + (p.rest ? "at least " : "") + count(n) + ")");
            }
            int offset = s.length - n;
            if (p.rest && !Arrays.equals(rest, Arrays.copyOf(s, offset))) {
                throw new IllegalArgumentException("argument '" + p.name + "' of " + callee + " has shape " + LinTensor.shapeText(s)
                        + ": its leading dimensions '..' are " + LinTensor.shapeText(Arrays.copyOf(s, offset))
                        + ", but they are " + LinTensor.shapeText(rest) + " in argument '" + params[restBy].name + "'");
            }
            for (int k = 0; k < n; k++) {
                Dim d = p.dims[k];
                long expected;
                try {
                    expected = eval(d, dims, bound, known);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("dimension " + text(d) + " of parameter '" + p.name + "' of " + callee + " cannot be computed: " + e.getMessage());
                }
                if (expected != s[offset + k]) {
                    throw new IllegalArgumentException(subject(p) + " has shape " + LinTensor.shapeText(s)
                            + ", but " + declared(p) + explain(d, dims, bound, boundBy, known, shapes, i));
                }
            }
        }
        return new Bound(dims, bound, rest == null ? new long[0] : rest);
    }

    /** "argument 'x' of rms" or "state 'keys' of Attn.forward". */
    private String subject(Param p) {
        return (states ? "state '" : "argument '") + p.name + "' of " + callee;
    }

    /** "rms takes x: [.., D]" or "it is declared keys: f32[B, P, heads, dk]". */
    private String declared(Param p) {
        return (states ? "it is declared " : callee + " takes ") + p.name + ": " + typeText(p);
    }

    /** {@code c * X} or {@code X * c} (c a nonzero literal, X free) as {@code c * X}; anything else null. */
    private static Bin scaledFree(Dim d) {
        if (!(d instanceof Bin b) || b.op() != '*') return null;
        if (b.left() instanceof Lit l && l.value() != 0 && b.right() instanceof Free) return b;
        if (b.right() instanceof Lit l && l.value() != 0 && b.left() instanceof Free f) return new Bin('*', l, f);
        return null;
    }

    /** The value of a dimension; free names not bound by any argument are an error. */
    public long eval(Dim d, long[] dims, boolean[] bound, long[] known) {
        return switch (d) {
            case Lit l -> l.value;
            case Known k -> known[k.index];
            case Free f -> {
                if (bound != null && !bound[f.index]) {
                    throw new ArithmeticException("'" + f.name + "' is not given by any argument");
                }
                yield dims[f.index];
            }
            case Bin b -> {
                long x = eval(b.left, dims, bound, known), y = eval(b.right, dims, bound, known);
                yield switch (b.op) {
                    case '+' -> Math.addExact(x, y);
                    case '-' -> Math.subtractExact(x, y);
                    case '*' -> Math.multiplyExact(x, y);
                    default -> {
                        if (y == 0) throw new ArithmeticException("division by zero");
                        yield Math.floorDiv(x, y);
                    }
                };
            }
        };
    }

    /** " with D = 4 (from argument 'x' of shape [2, 4])": where the expected sizes came from. */
    private String explain(Dim d, long[] dims, boolean[] bound, int[] boundBy, long[] known, long[][] shapes, int at) {
        List<String> parts = new ArrayList<>();
        collect(d, dims, bound, boundBy, known, shapes, at, parts);
        return parts.isEmpty() ? "" : " with " + String.join(", ", parts);
    }

    private void collect(Dim d, long[] dims, boolean[] bound, int[] boundBy, long[] known, long[][] shapes, int at, List<String> out) {
        switch (d) {
            case Free f -> {
                String s = f.name + " = " + dims[f.index];
                if (bound[f.index] && boundBy[f.index] != at) {
                    int by = boundBy[f.index];
                     s += " (from " + (states ? "state '" : "argument '") + params[by].name + "' of shape " + LinTensor.shapeText(shapes[by]) + ")";
                }
                if (!out.contains(s)) out.add(s);
            }
            case Known k -> {
                String s = k.name + " = " + known[k.index];
                if (!out.contains(s)) out.add(s);
            }
            case Bin b -> {
                collect(b.left, dims, bound, boundBy, known, shapes, at, out);
                collect(b.right, dims, bound, boundBy, known, shapes, at, out);
            }
            case Lit l -> { }
        }
    }

    /** The parameter's type as written: {@code f32[.., D]}. */
    public static String typeText(Param p) {
        List<String> parts = new ArrayList<>();
        if (p.rest) parts.add("..");
        for (Dim d : p.dims) parts.add(text(d));
        String dt = p.dtype == null ? "" : p.dtype.lin();
        if (!p.rest && p.dims.length == 0) return dt.isEmpty() ? "[]" : dt;
        return dt + "[" + String.join(", ", parts) + "]";
    }

    public static String text(Dim d) {
        return switch (d) {
            case Lit l -> Long.toString(l.value);
            case Known k -> k.name;
            case Free f -> f.name;
            case Bin b -> {
                String l = b.left instanceof Bin ? "(" + text(b.left) + ")" : text(b.left);
                String r = b.right instanceof Bin ? "(" + text(b.right) + ")" : text(b.right);
                yield l + " " + b.op + " " + r;
            }
        };
    }

    private static String count(int n) { return n + (n == 1 ? " dimension" : " dimensions"); }
}
