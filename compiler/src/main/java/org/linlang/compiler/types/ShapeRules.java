package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.diag.Code;

/** The shape rules of tensor expressions: broadcasting, {@code @}, reductions and reshapes. */
final class ShapeRules {
    private ShapeRules() {}

    /** A shape, or why there is none. */
    record Result(Shape shape, Code code, String message) {
        static Result ok(Shape s) { return new Result(s, null, null); }

        static Result error(Code c, String m) { return new Result(null, c, m); }

        boolean failed() { return shape == null; }
    }

    private static final Dim ONE = Dim.of(1);

    /** numpy broadcasting, right-aligned; dims must be equal or literally 1. */
    static Result broadcast(Shape a, Shape b) {
        if (a.hasRest() && b.hasRest() && a.rest() != b.rest()) {
            return Result.error(Code.E031, "cannot broadcast " + a + " with " + b + ": their leading dimensions may differ");
        }
        Sym rest = a.hasRest() ? a.rest() : b.rest();
        // A shape without rest may not reach past the explicit tail of one with a rest.
        if (a.hasRest() != b.hasRest()) {
            Shape withRest = a.hasRest() ? a : b;
            Shape without = a.hasRest() ? b : a;
            if (without.rank() > withRest.rank()) {
                return Result.error(Code.E031, "cannot broadcast " + a + " with " + b
                        + ": the leading dimensions '..' are unknown here");
            }
        }
        int n = Math.max(a.rank(), b.rank());
        var out = new ArrayList<Dim>();
        for (int i = n; i >= 1; i--) {
            Dim x = i <= a.rank() ? a.dim(a.rank() - i) : null;
            Dim y = i <= b.rank() ? b.dim(b.rank() - i) : null;
            if (x == null) out.add(y);
            else if (y == null) out.add(x);
            else if (x.equals(y)) out.add(x);
            else if (x.equals(ONE)) out.add(y);
            else if (y.equals(ONE)) out.add(x);
            else {
                return Result.error(Code.E031, "cannot broadcast " + a + " with " + b + ": dimension " + x + " differs from " + y);
            }
        }
        return Result.ok(new Shape(rest, out));
    }

    /** numpy's @: vectors are promoted and the added axis removed; batch dimensions broadcast. */
    static Result matmul(Shape a, Shape b) {
        if (a.rank() == 0 || b.rank() == 0) {
            Shape s = a.rank() == 0 ? a : b;
            return Result.error(Code.E033, "@ needs operands with at least one dimension, found " + s
                    + (s.hasRest() ? " (its trailing dimensions are unknown)" : "") + "; use * to scale");
        }
        boolean aVec = a.rank() == 1 && !a.hasRest();
        boolean bVec = b.rank() == 1 && !b.hasRest();
        Dim aInner = a.dim(a.rank() - 1);
        Dim bInner = bVec ? b.dim(0) : b.rank() >= 2 ? b.dim(b.rank() - 2) : null;
        if (bInner == null) {
            return Result.error(Code.E033, "@ needs a right operand with at least two dimensions or exactly one, found " + b);
        }
        if (!aInner.equals(bInner)) {
            return Result.error(Code.E032, "cannot multiply " + a + " @ " + b + ": inner dimensions " + aInner + " and " + bInner + " differ");
        }
        if (aVec && bVec) return Result.ok(Shape.SCALAR);
        if (bVec) return Result.ok(new Shape(a.rest(), a.dims().subList(0, a.rank() - 1)));
        Dim bOuter = b.dim(b.rank() - 1);
        if (aVec) {
            var dims = new ArrayList<>(b.dims().subList(0, b.rank() - 2));
            dims.add(bOuter);
            return Result.ok(new Shape(b.rest(), dims));
        }
        if (a.rank() == 1 || b.rank() == 1) {
            // [.., K] @ [K, N]: rows of unknown leading dimensions times a matrix.
            if (a.rank() == 1 && b.rank() == 2 && !b.hasRest()) return Result.ok(new Shape(a.rest(), List.of(bOuter)));
            return Result.error(Code.E033, "cannot multiply " + a + " @ " + b + ": with unknown leading dimensions '..', "
                    + "write at least two explicit dimensions on the batched side");
        }
        Dim aOuter = a.dim(a.rank() - 2);
        Result batch = broadcast(new Shape(a.rest(), a.dims().subList(0, a.rank() - 2)),
                new Shape(b.rest(), b.dims().subList(0, b.rank() - 2)));
        if (batch.failed()) {
            return Result.error(Code.E031, "cannot multiply " + a + " @ " + b + ": batch dimensions do not broadcast");
        }
        var dims = new ArrayList<>(batch.shape().dims());
        dims.add(aOuter);
        dims.add(bOuter);
        return Result.ok(new Shape(batch.shape().rest(), dims));
    }

    /** Proves that a reshape keeps the element count, comparing symbolic products. */
    static Result reshape(Shape from, Shape to) {
        if (from.hasRest() != to.hasRest() || (from.hasRest() && from.rest() != to.rest())) {
            return Result.error(Code.E034, "cannot reshape " + from + " as " + to
                    + (from.hasRest() ? ": '..' must stand for the same leading dimensions on both sides"
                    : ": the target has '..' but the value's shape is fully known"));
        }
        Dim a = from.count();
        Dim b = to.count();
        if (!a.equals(b)) {
            return Result.error(Code.E034, "cannot reshape " + from + " as " + to + ": " + a + " elements "
                    + (a.isConstant() && b.isConstant() ? "is not " : "is not provably ") + b);
        }
        return Result.ok(to);
    }

    /** Removes (or sets to 1) the given axis. */
    static Shape reduce(Shape s, int axis, boolean keep) {
        var dims = new ArrayList<>(s.dims());
        if (keep) dims.set(axis, ONE); else dims.remove(axis);
        return new Shape(s.rest(), dims);
    }

    /** Positions of axes whose size is exactly {@code d}. */
    static List<Integer> axesOf(Shape s, Dim d) {
        var out = new ArrayList<Integer>();
        for (int i = 0; i < s.rank(); i++) if (s.dim(i).equals(d)) out.add(i);
        return out;
    }
}
