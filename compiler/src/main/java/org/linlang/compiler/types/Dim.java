package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The size of one axis: a polynomial with integer coefficients over symbolic dimensions, so that
 * {@code heads * dk} and {@code dk * heads} are equal and reshape counts can be compared exactly.
 */
public final class Dim {
    /** A product of symbols (sorted; repeated for powers). */
    record Mono(List<Sym> factors) implements Comparable<Mono> {
        Mono times(Mono o) {
            var all = new ArrayList<>(factors);
            all.addAll(o.factors);
            Collections.sort(all);
            return new Mono(List.copyOf(all));
        }

        @Override public int compareTo(Mono o) {
            if (factors.size() != o.factors.size()) return Integer.compare(factors.size(), o.factors.size());
            for (int i = 0; i < factors.size(); i++) {
                int c = factors.get(i).compareTo(o.factors.get(i));
                if (c != 0) return c;
            }
            return 0;
        }
    }

    private static final Mono ONE = new Mono(List.of());

    private final TreeMap<Mono, Long> terms;

    private Dim(TreeMap<Mono, Long> terms) {
        terms.values().removeIf(c -> c == 0);
        this.terms = terms;
    }

    public static Dim of(long value) {
        var t = new TreeMap<Mono, Long>();
        t.put(ONE, value);
        return new Dim(t);
    }

    public static Dim of(Sym s) {
        var t = new TreeMap<Mono, Long>();
        t.put(new Mono(List.of(s)), 1L);
        return new Dim(t);
    }

    public boolean isConstant() { return terms.isEmpty() || (terms.size() == 1 && terms.containsKey(ONE)); }

    public long constant() { return terms.getOrDefault(ONE, 0L); }

    /** The symbol when this dimension is exactly one symbol, else null. */
    public Sym asSym() {
        if (terms.size() != 1) return null;
        var e = terms.firstEntry();
        return e.getValue() == 1 && e.getKey().factors.size() == 1 ? e.getKey().factors.getFirst() : null;
    }

    /** {@code c * X}: a symbol with an integer coefficient. */
    public record Scaled(long coefficient, Sym sym) {}

    /** This dimension as {@code c * X} (c ≠ 0), or null. */
    public Scaled asScaledSym() {
        if (terms.size() != 1) return null;
        var e = terms.firstEntry();
        return e.getKey().factors.size() == 1 && e.getValue() != 0 ? new Scaled(e.getValue(), e.getKey().factors.getFirst()) : null;
    }

    /** The coefficients of the terms that have symbols ({@code 2, -1} for {@code 2*P - T + 3}). */
    public List<Long> symbolCoefficients() {
        var out = new ArrayList<Long>();
        terms.forEach((m, c) -> { if (!m.factors.isEmpty()) out.add(c); });
        return out;
    }

    public boolean hasVariables() {
        for (Mono m : terms.keySet()) for (Sym s : m.factors) if (s.variable) return true;
        return false;
    }

    public Dim plus(Dim o) {
        var t = new TreeMap<>(terms);
        o.terms.forEach((m, c) -> t.merge(m, c, Math::addExact));
        return new Dim(t);
    }

    public Dim minus(Dim o) { return plus(o.times(of(-1))); }

    public Dim times(Dim o) {
        var t = new TreeMap<Mono, Long>();
        for (var a : terms.entrySet())
            for (var b : o.terms.entrySet())
                t.merge(a.getKey().times(b.getKey()), Math.multiplyExact(a.getValue(), b.getValue()), Math::addExact);
        return new Dim(t);
    }

    /** Exact division, or null when the quotient is not a polynomial (or o is zero). */
    public Dim dividedBy(Dim o) {
        if (o.terms.isEmpty()) return null;
        if (o.terms.size() == 1) {
            var d = o.terms.firstEntry();
            var t = new TreeMap<Mono, Long>();
            for (var e : terms.entrySet()) {
                if (e.getValue() % d.getValue() != 0) return null;
                List<Sym> rest = new ArrayList<>(e.getKey().factors);
                for (Sym s : d.getKey().factors) if (!rest.remove(s)) return null;
                t.merge(new Mono(List.copyOf(rest)), e.getValue() / d.getValue(), Math::addExact);
            }
            return new Dim(t);
        }
        return equals(o) ? of(1) : null;
    }

    /** Replaces symbols by dimensions (used to instantiate a callee's signature). */
    public Dim substitute(Map<Sym, Dim> binding) {
        Dim out = of(0);
        for (var e : terms.entrySet()) {
            Dim term = of(e.getValue());
            for (Sym s : e.getKey().factors) term = term.times(binding.getOrDefault(s, of(s)));
            out = out.plus(term);
        }
        return out;
    }

    public List<Sym> symbols() {
        var out = new ArrayList<Sym>();
        for (Mono m : terms.keySet()) for (Sym s : m.factors) if (!out.contains(s)) out.add(s);
        return out;
    }

    @Override public boolean equals(Object o) { return o instanceof Dim d && terms.equals(d.terms); }

    @Override public int hashCode() { return terms.hashCode(); }

    @Override public String toString() {
        if (terms.isEmpty()) return "0";
        var out = new StringBuilder();
        // Highest-degree terms first reads naturally: "heads*dk + 1".
        List<Map.Entry<Mono, Long>> entries = new ArrayList<>(terms.descendingMap().entrySet());
        boolean first = true;
        for (var e : entries) {
            long c = e.getValue();
            List<Sym> f = e.getKey().factors;
            if (!first) out.append(c < 0 ? " - " : " + ");
            else if (c < 0) out.append('-');
            long a = Math.abs(c);
            var parts = new ArrayList<String>();
            if (a != 1 || f.isEmpty()) parts.add(Long.toString(a));
            for (Sym s : f) parts.add(s.name);
            out.append(String.join("*", parts));
            first = false;
        }
        return out.toString();
    }
}
