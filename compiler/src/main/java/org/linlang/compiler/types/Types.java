package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Operations on types that every phase needs: substitution, equality up to open dtypes, joins. */
public final class Types {
    private Types() {}

    public static Type substitute(Type t, Map<Sym, Dim> dims, Map<Sym, Shape> rests) {
        if (t == null) return null;
        return switch (t) {
            case Type.Tensor x -> new Type.Tensor(x.dtype(), x.shape().substitute(dims, rests));
            case Type.Int i -> i.value() == null ? i : new Type.Int(i.value().substitute(dims));
            case Type.Tuple x -> new Type.Tuple(x.parts().stream().map(p -> substitute(p, dims, rests)).toList());
            case Type.ListOf x -> new Type.ListOf(substitute(x.element(), dims, rests));
            case Type.Optional x -> new Type.Optional(substitute(x.inner(), dims, rests));
            case Type.Union x -> new Type.Union(x.alternatives().stream().map(p -> substitute(p, dims, rests)).toList());
            case Type.Instance x -> {
                Map<String, Dim> ints = new HashMap<>();
                x.ints().forEach((k, v) -> ints.put(k, v.substitute(dims)));
                yield new Type.Instance(x.decl(), ints);
            }
            default -> t;
        };
    }

    /** Structural equality, where an open element type matches any element type. */
    public static boolean same(Type a, Type b) {
        if (Type.isLenient(a) || Type.isLenient(b)) return true;
        return switch (a) {
            case Type.Tensor x when b instanceof Type.Tensor y ->
                    (x.dtype() == null || y.dtype() == null || x.dtype() == y.dtype()) && x.shape().equals(y.shape());
            case Type.Int x when b instanceof Type.Int -> true;
            case Type.Tuple x when b instanceof Type.Tuple y -> {
                if (x.parts().size() != y.parts().size()) yield false;
                for (int i = 0; i < x.parts().size(); i++) if (!same(x.parts().get(i), y.parts().get(i))) yield false;
                yield true;
            }
            case Type.ListOf x when b instanceof Type.ListOf y -> same(x.element(), y.element());
            case Type.Optional x when b instanceof Type.Optional y -> same(x.inner(), y.inner());
            case Type.Instance x when b instanceof Type.Instance y -> x.decl() == y.decl() && x.ints().equals(y.ints());
            default -> a.equals(b);
        };
    }

    /**
     * The type both branches of an {@code if} (or all elements of a list) can have: equal types,
     * ints with different values, or different blocks (a {@link Type.Union}); null when none.
     */
    public static Type join(Type a, Type b) {
        if (a instanceof Type.Error || b instanceof Type.Error) return Type.ERROR;
        // A branch that fails (error(...)) takes the other branch's type.
        if (a instanceof Type.Never) return b;
        if (b instanceof Type.Never) return a;
        if (a instanceof Type.Dynamic) return b;
        if (b instanceof Type.Dynamic) return a;
        // none and a value (or an optional one) join as optional: `if c then x else none`.
        if (a instanceof Type.None && b instanceof Type.None) return a;
        if (a instanceof Type.None) return b instanceof Type.Optional ? b : new Type.Optional(b);
        if (b instanceof Type.None) return a instanceof Type.Optional ? a : new Type.Optional(a);
        if (a instanceof Type.Optional x && !(b instanceof Type.Optional)) { Type j = join(x.inner(), b); return j == null ? null : new Type.Optional(j); }
        if (b instanceof Type.Optional y && !(a instanceof Type.Optional)) { Type j = join(a, y.inner()); return j == null ? null : new Type.Optional(j); }
        if (a instanceof Type.Optional x && b instanceof Type.Optional y) { Type j = join(x.inner(), y.inner()); return j == null ? null : new Type.Optional(j); }
        if (a instanceof Type.Int x && b instanceof Type.Int y) return x.equals(y) ? a : Type.INT;
        if (a instanceof Type.Int && b instanceof Type.Float || a instanceof Type.Float && b instanceof Type.Int) return Type.FLOAT;
        if (a instanceof Type.Instance x && b instanceof Type.Instance y && x.decl() == y.decl()) {
            // The same block built with different sizes: a sizes that differ become unknown.
            Map<String, Dim> ints = new java.util.LinkedHashMap<>();
            x.ints().forEach((k, v) -> ints.put(k, v.equals(y.ints().get(k)) ? v : Dim.of(new Sym(k, x.decl().name().span(), false))));
            return new Type.Instance(x.decl(), ints);
        }
        if (isBlockLike(a) && isBlockLike(b)) {
            var alts = new ArrayList<Type>(alternatives(a));
            for (Type t : alternatives(b)) if (alts.stream().noneMatch(u -> same(u, t))) alts.add(t);
            return alts.size() == 1 ? alts.getFirst() : new Type.Union(alts);
        }
        if (a instanceof Type.Tensor x && b instanceof Type.Tensor y && x.shape().equals(y.shape())) {
            return new Type.Tensor(x.dtype() == y.dtype() ? x.dtype() : (x.dtype() == null ? y.dtype() : y.dtype() == null ? x.dtype() : null), x.shape());
        }
        return same(a, b) ? a : null;
    }

    private static boolean isBlockLike(Type t) { return t instanceof Type.Instance || t instanceof Type.Union; }

    private static List<Type> alternatives(Type t) {
        return t instanceof Type.Union u ? u.alternatives() : List.of(t);
    }
}
