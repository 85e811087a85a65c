package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.source.Span;

/**
 * Binds a call's fresh dimension variables to its arguments' dimensions, then checks every
 * argument against the instantiated parameter types. Two passes, so that a parameter such as
 * {@code [heads * dk]} can be checked after {@code heads} and {@code dk} were bound by later arguments.
 */
final class Unifier {
    /** A mismatch found while checking, with an optional related location. */
    record Problem(Code code, String message, Span noteAt, String note) {}

    private final Map<Sym, Dim> dims = new HashMap<>();
    private final Map<Sym, Shape> rests = new HashMap<>();
    private final Map<Sym, Span> boundAt = new HashMap<>();
    /** The element type of arguments passed for parameters whose element type is open. */
    private DType openDtype;

    // ---- pass 1: bind variables that stand alone -----------------------------------------------------

    void bind(Type param, Type arg, Span at) {
        if (param instanceof Type.Optional o) {
            // An optional parameter binds its dimensions from a present argument only.
            if (!(arg instanceof Type.None)) bind(o.inner(), arg instanceof Type.Optional a ? a.inner() : arg, at);
            return;
        }
        switch (param) {
            case Type.Tensor p when arg instanceof Type.Tensor a -> {
                bindShape(p.shape(), a.shape(), at);
                if (p.dtype() == null && a.dtype() != null && a.dtype().isFloat()) openDtype = DType.promote(openDtype, a.dtype());
            }
            case Type.Tuple p when arg instanceof Type.Tuple a && p.parts().size() == a.parts().size() -> {
                for (int i = 0; i < p.parts().size(); i++) bind(p.parts().get(i), a.parts().get(i), at);
            }
            case Type.ListOf p when arg instanceof Type.ListOf a -> bind(p.element(), a.element(), at);
            case Type.Int p when arg instanceof Type.Int a && p.value() != null && a.value() != null -> bindDim(p.value(), a.value(), at);
            default -> { }
        }
    }

    private void bindShape(Shape p, Shape a, Span at) {
        int pn = p.rank();
        int an = a.rank();
        if (p.hasRest() && p.rest().variable && !rests.containsKey(p.rest()) && an >= pn) {
            rests.put(p.rest(), new Shape(a.rest(), a.dims().subList(0, an - pn)));
            boundAt.put(p.rest(), at);
        }
        for (int i = 1; i <= Math.min(pn, an); i++) bindDim(p.dim(pn - i), a.dim(an - i), at);
    }

    private void bindDim(Dim p, Dim a, Span at) {
        Sym s = p.asSym();
        if (s != null && s.variable && !dims.containsKey(s)) {
            dims.put(s, a);
            boundAt.put(s, at);
            return;
        }
        // [2 * D] with a size 2*n (or 6): D is the size divided by the coefficient, when that is exact.
        Dim.Scaled scaled = p.asScaledSym();
        if (scaled != null && scaled.sym().variable && !dims.containsKey(scaled.sym())) {
            Dim q = a.dividedBy(Dim.of(scaled.coefficient()));
            if (q != null) {
                dims.put(scaled.sym(), q);
                boundAt.put(scaled.sym(), at);
            }
        }
    }

    // ---- pass 2: check ------------------------------------------------------------------------------

    Problem check(Type param, Type arg, String what) {
        if (Type.isLenient(param) || Type.isLenient(arg)) return null;
        if (param instanceof Type.Optional o) {
            // none, a value, or another optional value.
            if (arg instanceof Type.None) return null;
            return check(o.inner(), arg instanceof Type.Optional a ? a.inner() : arg, what);
        }
        if (arg instanceof Type.Optional a) {
            return new Problem(Code.E064, what + " may be none (it is " + a + ") but must be " + apply(param)
                    + "; use it where it is known to be present, inside 'if … != none'", null, null);
        }
        Type p = apply(param);
        switch (p) {
            case Type.Tensor pt -> {
                if (arg instanceof Type.Int || arg instanceof Type.Float) {
                    return pt.shape().rank() == 0 && !pt.shape().hasRest() ? null
                            : new Problem(Code.E030, what + " must be a tensor " + pt + ", found " + arg, null, null);
                }
                if (!(arg instanceof Type.Tensor at)) {
                    return new Problem(Code.E030, what + " must be a tensor " + pt + ", found " + describe(arg), null, null);
                }
                if (pt.dtype() != null && at.dtype() != null && pt.dtype() != at.dtype()) {
                    return new Problem(Code.E041, what + " must have element type " + pt.dtype().lin() + ", found " + at, null, null);
                }
                return checkShape((Type.Tensor) param, pt.shape(), at.shape(), what);
            }
            case Type.Float f -> {
                return arg instanceof Type.Float || arg instanceof Type.Int || isScalarTensor(arg) ? null
                        : new Problem(Code.E030, what + " must be a float, found " + describe(arg), null, null);
            }
            case Type.Int i -> {
                if (!(arg instanceof Type.Int a)) return new Problem(Code.E030, what + " must be an int, found " + describe(arg), null, null);
                if (i.value() != null && a.value() != null && !i.value().hasVariables() && !i.value().equals(a.value())) {
                    return new Problem(Code.E037, what + " must be " + i.value() + ", found " + a.value(), null, null);
                }
                return null;
            }
            case Type.Tuple pt -> {
                if (!(arg instanceof Type.Tuple at) || at.parts().size() != pt.parts().size()) {
                    return new Problem(Code.E030, what + " must be " + pt + ", found " + describe(arg), null, null);
                }
                for (int k = 0; k < pt.parts().size(); k++) {
                    Problem pr = check(((Type.Tuple) param).parts().get(k), at.parts().get(k), what + " (part " + (k + 1) + ")");
                    if (pr != null) return pr;
                }
                return null;
            }
            case Type.ListOf pl -> {
                if (!(arg instanceof Type.ListOf al)) return new Problem(Code.E030, what + " must be a list, found " + describe(arg), null, null);
                return check(((Type.ListOf) param).element(), al.element(), what + " (element)");
            }
            case Type.Instance pi -> {
                boolean ok = arg instanceof Type.Instance ai && ai.decl() == pi.decl();
                return ok ? null : new Problem(Code.E030, what + " must be a " + pi + ", found " + describe(arg), null, null);
            }
            default -> {
                return Types.same(p, arg) ? null : new Problem(Code.E030, what + " must be " + p + ", found " + describe(arg), null, null);
            }
        }
    }

    private Problem checkShape(Type.Tensor declared, Shape p, Shape a, String what) {
        int pn = p.rank();
        int an = a.rank();
        boolean rankOk = p.hasRest() ? (an >= pn || a.hasRest()) && !(a.hasRest() && !sameRest(p, a) && an < pn)
                : !a.hasRest() && an == pn;
        if (p.hasRest() && a.hasRest() && an < pn) rankOk = false;
        if (!rankOk) {
            return new Problem(Code.E036, what + " must have shape " + show(declared.shape()) + ", found " + a
                    + " (" + rankWords(a) + " where " + rankWords(p) + " are needed)", null, null);
        }
        if (p.hasRest() && a.hasRest() && an == pn && !sameRest(p, a)) {
            // Both have unknown leading dimensions that are not known to be the same.
            return new Problem(Code.E036, what + " must have shape " + show(declared.shape()) + ", found " + a
                    + " whose leading dimensions may differ", null, null);
        }
        int dn = declared.shape().rank();
        for (int i = 1; i <= Math.min(pn, an); i++) {
            Dim pd = p.dim(pn - i);
            Dim ad = a.dim(an - i);
            if (pd.hasVariables() && !pd.equals(ad)) {
                // Pass 1 bound every name it could; one still open here cannot be read off this argument.
                return new Problem(Code.E037, what + " must have shape " + show(declared.shape()) + ", found " + a
                        + ": dimension " + (an - i + 1) + " is " + ad + ", which is not of the form " + pd, null, null);
            }
            if (!pd.equals(ad) && !pd.hasVariables()) {
                // The parameter as written, aligned from the end ('..' may have been replaced by dimensions).
                Dim original = i <= dn ? declared.shape().dim(dn - i) : pd;
                Sym s = original.asSym();
                if (s != null && s.variable && boundAt.containsKey(s)) {
                    Span first = boundAt.get(s);
                    return new Problem(Code.E037, "dimension '" + s.name + "' is " + ad + " here, but " + pd + " at " + first.position(),
                            first, "'" + s.name + "' is " + pd + " here");
                }
                String named = original.equals(pd) ? pd.toString() : original + " = " + pd;
                return new Problem(Code.E037, what + " must have shape " + show(declared.shape()) + ", found " + a
                        + ": dimension " + (an - i + 1) + " is " + ad + " but " + named + " is expected", null, null);
            }
        }
        return null;
    }

    private boolean sameRest(Shape p, Shape a) {
        return p.rest() == a.rest() || (p.rest() != null && a.rest() != null && rests.containsKey(p.rest())
                && rests.get(p.rest()).rest() == a.rest());
    }

    private static String rankWords(Shape s) {
        String n = s.rank() + (s.rank() == 1 ? " dimension" : " dimensions");
        return s.hasRest() ? "at least " + n : n;
    }

    /** A declared shape with its variables shown by name. */
    private static String show(Shape s) { return s.toString(); }

    Type apply(Type t) { return Types.substitute(t, dims, rests); }

    /** A result with its open element types filled from the arguments' (f32 in, f32 out). */
    Type applyResult(Type t) { return withDtype(apply(t), openDtype); }

    private static Type withDtype(Type t, DType d) {
        if (d == null) return t;
        return switch (t) {
            case Type.Tensor x when x.dtype() == null -> new Type.Tensor(d, x.shape());
            case Type.Tuple x -> new Type.Tuple(x.parts().stream().map(p -> withDtype(p, d)).toList());
            case Type.Optional x -> new Type.Optional(withDtype(x.inner(), d));
            default -> t;
        };
    }

    static boolean isScalarTensor(Type t) {
        return t instanceof Type.Tensor x && x.shape().rank() == 0 && !x.shape().hasRest();
    }

    static String describe(Type t) {
        return switch (t) {
            case Type.Tensor x -> "a tensor " + x;
            case Type.Instance x -> "a " + x.decl().kindWord() + " " + x;
            case Type.ListOf x -> "a list " + x;
            case Type.Tuple x -> "a tuple " + x;
            case Type.Str x -> "a string";
            case Type.Int x -> "an int";
            case Type.Float x -> "a float";
            case Type.Bool x -> "a bool";
            case Type.None x -> "none";
            case Type.Optional x -> "an optional " + x;
            default -> t.toString();
        };
    }

    /** Variables bound so far (for tests and for the summary of a call). */
    List<Sym> boundVariables() { return new ArrayList<>(dims.keySet()); }
}
