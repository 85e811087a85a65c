package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.source.Span;

/** Checks calls: argument binding (positional, named, defaults) and unification with the callee's signature. */
final class Calls {
    private Calls() {}

    /** An argument bound to a parameter. */
    record Bound(Type type, Span span) {}

    static Type call(Checker ch, Expr.Call c, Type callee, Scope scope) {
        var positional = new ArrayList<Type>();
        var positionalExprs = new ArrayList<Expr>();
        var named = new LinkedHashMap<String, Type>();
        var namedExprs = new LinkedHashMap<String, Expr>();
        boolean sawNamed = false;
        List<Expr.Arg> args = c.args();
        if (callee instanceof Type.BuiltinRef b && b.builtin().takesParts() && args.size() >= 1
                && args.getFirst().name() == null && args.getFirst().value() instanceof Expr.ListLit list) {
            // concat([a, b], axis = 1): the parts may differ in size, so they are checked one by one.
            var spread = new ArrayList<Expr.Arg>();
            for (Expr e : list.elements()) spread.add(new Expr.Arg(e.span(), null, e));
            spread.addAll(args.subList(1, args.size()));
            args = spread;
        }
        for (Expr.Arg a : args) {
            // dtype = bf16: an element type's name, not a variable to look up.
            boolean dtypeName = callee instanceof Type.BuiltinRef && a.name() != null && a.name().name().equals("dtype")
                    && a.value() instanceof Expr.Name n && DType.parse(n.name()) != null && scope.lookup(n.name()) == null;
            Type t = dtypeName ? Type.STRING : ch.expr(a.value(), scope);
            if (a.name() == null) {
                if (sawNamed) {
                    ch.error(Code.E023, a.span(), "positional argument after named ones; name it or move it before them");
                    continue;
                }
                positional.add(t);
                positionalExprs.add(a.value());
            } else {
                sawNamed = true;
                if (named.containsKey(a.name().name())) {
                    ch.error(Code.E022, a.name().span(), "argument '" + a.name() + "' is given twice");
                    continue;
                }
                named.put(a.name().name(), t);
                namedExprs.put(a.name().name(), a.value());
            }
        }
        return switch (callee) {
            case Type.BuiltinRef b -> {
                for (int i = 0; i < positional.size(); i++) {
                    if (positional.get(i) instanceof Type.Optional o) yield ch.optionalUse(positionalExprs.get(i), o);
                }
                for (String n : named.keySet()) {
                    if (named.get(n) instanceof Type.Optional o) yield ch.optionalUse(namedExprs.get(n), o);
                }
                for (String n : named.keySet()) {
                    if (!b.builtin().accepts(n)) {
                        yield ch.error(Code.E021, argNameSpan(c, n), b.builtin().name() + " has no parameter '" + n + "' (it is " + b.builtin().signature() + ")");
                    }
                }
                yield b.builtin().rule().check(new BuiltinCall(ch, scope, c, positional, positionalExprs, named, namedExprs));
            }
            case Type.FnRef f -> {
                Signature s = ch.fnSignature(f.decl());
                yield s == null ? Type.ERROR : apply(ch, c, s, positional, positionalExprs, named, namedExprs, "function '" + f.decl().name() + "'");
            }
            case Type.BlockRef b -> construct(ch, c, b.decl(), positional, positionalExprs, named, namedExprs);
            case Type.Instance inst -> {
                Signature s = ch.methodSignature(inst, "forward");
                if (s == null) {
                    if (ch.blockInfo(inst.decl()) == null) yield Type.ERROR;
                    yield ch.error(Code.E060, c.callee().span(), inst.decl().kindWord() + " '" + inst + "' has no forward method, so it cannot be called; call one of its methods");
                }
                yield apply(ch, c, s, positional, positionalExprs, named, namedExprs, "'" + inst + "'");
            }
            case Type.MethodRef m -> {
                Signature s = ch.methodSignature(m.self(), m.method().name().name());
                yield s == null ? Type.ERROR : apply(ch, c, s, positional, positionalExprs, named, namedExprs, "method '" + m + "'");
            }
            case Type.RecurrenceRef r -> Recurrences.call(ch, c, r.decl(), positional, positionalExprs, named, namedExprs);
            case Type.Union u -> {
                Type joined = null;
                for (Type alt : u.alternatives()) {
                    Type t = call(ch, c, alt, scope);
                    if (t instanceof Type.Error) yield t;
                    if (joined == null) joined = t;
                    else {
                        Type j = Types.join(joined, t);
                        if (j == null) {
                            yield ch.error(Code.E039, c.span(), "the alternatives of this call return different types: " + joined + " and " + t);
                        }
                        joined = j;
                    }
                }
                yield joined;
            }
            case Type.Error e -> e;
            case Type.Dynamic d -> d;
            case Type.Never n -> n;
            default -> ch.error(Code.E025, c.callee().span(), Unifier.describe(callee) + " cannot be called");
        };
    }

    /** Binds arguments to parameters, reporting arity and naming mistakes; null if any. */
    static Map<String, Bound> bind(Checker ch, Expr.Call c, Signature s, List<Type> positional, List<Expr> positionalExprs,
                                   Map<String, Type> named, Map<String, Expr> namedExprs, String what) {
        Map<String, Bound> out = new HashMap<>();
        boolean ok = true;
        if (positional.size() > s.params().size()) {
            ch.error(Code.E020, positionalExprs.get(s.params().size()).span(), what + " takes " + count(s.params().size(), "argument")
                    + " but " + positional.size() + " were given");
            ok = false;
        }
        for (int i = 0; i < Math.min(positional.size(), s.params().size()); i++) {
            out.put(s.params().get(i).name(), new Bound(positional.get(i), positionalExprs.get(i).span()));
        }
        for (var e : named.entrySet()) {
            Signature.Param p = s.param(e.getKey());
            Span at = argNameSpan(c, e.getKey());
            if (p == null) {
                ch.error(Code.E021, at, what + " has no parameter '" + e.getKey() + "'"
                        + Checker.suggestion(e.getKey(), s.params().stream().map(Signature.Param::name).toList()));
                ok = false;
            } else if (out.containsKey(e.getKey())) {
                ch.error(Code.E022, at, "argument '" + e.getKey() + "' is given twice: by position and by name");
                ok = false;
            } else {
                out.put(e.getKey(), new Bound(e.getValue(), namedExprs.get(e.getKey()).span()));
            }
        }
        var missing = new ArrayList<String>();
        for (Signature.Param p : s.params()) if (p.required() && !out.containsKey(p.name())) missing.add("'" + p.name() + "'");
        if (!missing.isEmpty() && ok) {
            ch.error(Code.E024, c.span(), what + " is missing " + (missing.size() == 1 ? "argument " : "arguments ") + String.join(", ", missing));
            ok = false;
        }
        return ok ? out : null;
    }

    private static Span argNameSpan(Expr.Call c, String name) {
        for (Expr.Arg a : c.args()) if (a.name() != null && a.name().name().equals(name)) return a.name().span();
        return c.span();
    }

    static String count(int n, String noun) { return n + " " + noun + (n == 1 ? "" : "s"); }

    private static Type apply(Checker ch, Expr.Call c, Signature s, List<Type> positional, List<Expr> positionalExprs,
                              Map<String, Type> named, Map<String, Expr> namedExprs, String what) {
        Map<String, Bound> bound = bind(ch, c, s, positional, positionalExprs, named, namedExprs, what);
        if (bound == null) return Type.ERROR;
        // An argument that already failed (or is only known at run time) makes the result unknown too,
        // rather than a half-instantiated type that would cause a second, misleading error.
        for (Bound b : bound.values()) if (Type.isLenient(b.type())) return b.type();
        Signature inst = s.instantiate().signature();
        var u = new Unifier();
        for (Signature.Param p : inst.params()) {
            Bound b = bound.get(p.name());
            if (b != null) u.bind(p.type(), b.type(), b.span());
            else if (p.type() instanceof Type.Int && p.defaultValue() != null) {
                // An int parameter left at its default sizes tensors with that value: G = 1.
                u.bind(p.type(), ch.typeOf(p.defaultValue()), c.span());
            }
        }
        boolean ok = true;
        for (Signature.Param p : inst.params()) {
            Bound b = bound.get(p.name());
            if (b == null) continue;
            Unifier.Problem pr = u.check(p.type(), b.type(), "argument '" + p.name() + "'");
            if (pr != null) {
                ch.report(pr, b.span());
                ok = false;
            }
        }
        return ok ? u.applyResult(inst.result()) : Type.ERROR;
    }

    /** {@code Linear(d, 4 * d)}: an instance whose int parameters are the arguments' values. */
    private static Type construct(Checker ch, Expr.Call c, Decl.Block b, List<Type> positional, List<Expr> positionalExprs,
                                  Map<String, Type> named, Map<String, Expr> namedExprs) {
        Signature s = ch.blockSignature(b);
        if (s == null) return Type.ERROR; // built inside its own signature; nothing to check against yet
        String what = b.kindWord() + " '" + b.name() + "'";
        Map<String, Bound> bound = bind(ch, c, s, positional, positionalExprs, named, namedExprs, what);
        if (bound == null) return Type.ERROR;
        Map<String, Dim> ints = new LinkedHashMap<>();
        boolean ok = true;
        for (Signature.Param p : s.params()) {
            Bound arg = bound.get(p.name());
            Type given = arg != null ? arg.type() : p.defaultValue() != null ? ch.typeOf(p.defaultValue()) : null;
            if (arg != null) {
                Unifier.Problem pr = new Unifier().check(p.type() instanceof Type.Int ? Type.INT : p.type(), arg.type(), "argument '" + p.name() + "'");
                if (pr != null) { ch.report(pr, arg.span()); ok = false; }
            }
            if (p.type() instanceof Type.Int) {
                Dim v = given instanceof Type.Int gi ? gi.value() : null;
                ints.put(p.name(), v != null ? v : Dim.of(new Sym(p.name(), p.span(), false)));
            }
        }
        return ok ? new Type.Instance(b, ints) : Type.ERROR;
    }
}
