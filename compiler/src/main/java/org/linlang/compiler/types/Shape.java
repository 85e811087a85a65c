package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tensor shape: explicit dimensions, optionally preceded by a rest {@code ..} of unknown rank.
 * Rests are symbols too: two shapes with the same rest have the same leading dimensions.
 */
public record Shape(Sym rest, List<Dim> dims) {
    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(List<Dim> dims) { return new Shape(null, dims); }

    public static final Shape SCALAR = new Shape(null, List.of());

    public int rank() { return dims.size(); }

    public boolean hasRest() { return rest != null; }

    public Dim dim(int i) { return dims.get(i); }

    public Shape withDims(List<Dim> newDims) { return new Shape(rest, newDims); }

    /** Substitutes dimension symbols, and rest symbols by shapes (which may bring their own rest). */
    public Shape substitute(Map<Sym, Dim> dimBinding, Map<Sym, Shape> restBinding) {
        var out = new ArrayList<Dim>();
        Sym newRest = rest;
        if (rest != null && restBinding.containsKey(rest)) {
            Shape r = restBinding.get(rest);
            newRest = r.rest;
            out.addAll(r.dims);
        }
        for (Dim d : dims) out.add(d.substitute(dimBinding));
        return new Shape(newRest, out);
    }

    /** The product of the explicit dimensions. */
    public Dim count() {
        Dim c = Dim.of(1);
        for (Dim d : dims) c = c.times(d);
        return c;
    }

    @Override public String toString() {
        var parts = new ArrayList<String>();
        if (rest != null) parts.add("..");
        for (Dim d : dims) parts.add(d.toString());
        return "[" + String.join(", ", parts) + "]";
    }
}
