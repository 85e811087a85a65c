package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.source.Span;

/**
 * A callable's parameters and result, with the symbolic dimensions its types mention. Each call
 * instantiates it: the symbols become fresh variables that unification binds to the arguments.
 */
public record Signature(String name, List<Param> params, Type result, List<Sym> symbols) {
    public record Param(String name, Type type, Expr defaultValue, Span span) {
        public boolean required() { return defaultValue == null; }
    }

    public Signature {
        params = List.copyOf(params);
        symbols = List.copyOf(symbols);
    }

    public Param param(String n) {
        for (Param p : params) if (p.name.equals(n)) return p;
        return null;
    }

    /** A copy whose symbols are fresh variables, plus the substitution used. */
    public Instantiation instantiate() {
        Map<Sym, Dim> dims = new HashMap<>();
        Map<Sym, Shape> rests = new HashMap<>();
        for (Sym s : symbols) {
            Sym v = new Sym(s.name, s.origin, true);
            dims.put(s, Dim.of(v));
            rests.put(s, new Shape(v, List.of()));
        }
        var ps = new ArrayList<Param>();
        for (Param p : params) ps.add(new Param(p.name, Types.substitute(p.type, dims, rests), p.defaultValue, p.span));
        return new Instantiation(new Signature(name, ps, Types.substitute(result, dims, rests), List.of()), dims);
    }

    public record Instantiation(Signature signature, Map<Sym, Dim> freshDims) {}

    /** This signature with some symbols replaced (e.g. a block's parameters by an instance's values). */
    public Signature substitute(Map<Sym, Dim> dims) {
        var ps = new ArrayList<Param>();
        for (Param p : params) ps.add(new Param(p.name, Types.substitute(p.type, dims, Map.of()), p.defaultValue, p.span));
        return new Signature(name, ps, Types.substitute(result, dims, Map.of()), symbols);
    }
}
