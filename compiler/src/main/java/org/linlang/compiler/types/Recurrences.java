package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.diag.Code;

/**
 * Calling a recurrence maps its one-step body over the arguments' leading dimensions
 * ({@code [B, T, H]}: batch, time, heads): each argument is the leading dimensions followed by its
 * per-step shape, and so is the output. Axis 1 is time; states have the leading dimensions without it.
 */
final class Recurrences {
    private Recurrences() {}

    static Type call(Checker ch, Expr.Call c, Decl.Recurrence r, List<Type> positional, List<Expr> positionalExprs,
                     Map<String, Type> named, Map<String, Expr> namedExprs) {
        Checker.RecurrenceInfo info = ch.recurrenceInfo(r);
        if (info == null) return Type.ERROR;
        Type initial = named.remove("initial_state");
        Expr initialExpr = namedExprs.remove("initial_state");
        Type finalFlag = named.remove("output_final_state");
        Expr finalExpr = namedExprs.remove("output_final_state");
        String what = "recurrence '" + r.name() + "'";
        Map<String, Calls.Bound> bound = Calls.bind(ch, c, info.step(), positional, positionalExprs, named, namedExprs, what);
        if (bound == null) return Type.ERROR;

        Signature.Instantiation instantiation = info.step().instantiate();
        Signature step = instantiation.signature();
        Shape lead = null;
        Expr leadFrom = null;
        DType dtype = null;
        var u = new Unifier();
        var perStep = new java.util.LinkedHashMap<String, Type>();
        for (Signature.Param p : step.params()) {
            Calls.Bound b = bound.get(p.name());
            if (b == null) continue;
            if (Type.isLenient(b.type())) return b.type();
            // An optional per-step input (g: f32 = none): none is passed to every step as it is;
            // a present or optional tensor is mapped over the leading dimensions like the others.
            boolean optional = p.type() instanceof Type.Optional;
            Type paramType = p.type() instanceof Type.Optional o ? o.inner() : p.type();
            if (optional && b.type() instanceof Type.None) continue;
            Type argType = optional && b.type() instanceof Type.Optional o ? o.inner() : b.type();
            if (!(argType instanceof Type.Tensor a) || !(paramType instanceof Type.Tensor pt)) {
                perStep.put(p.name(), b.type());
                continue;
            }
            int k = pt.shape().rank();
            if (a.shape().rank() < k || pt.shape().hasRest()) {
                return ch.error(Code.E036, b.span(), "argument '" + p.name() + "' is " + a + ", but one step of " + what + " takes " + pt
                        + ", so the argument needs leading [batch, time, …] dimensions before it");
            }
            Shape argLead = new Shape(a.shape().rest(), a.shape().dims().subList(0, a.shape().rank() - k));
            Shape tail = Shape.of(a.shape().dims().subList(a.shape().rank() - k, a.shape().rank()));
            if (lead == null) {
                lead = argLead;
                leadFrom = exprOf(c, b);
                dtype = a.dtype();
            } else if (!lead.equals(argLead)) {
                var diag = new org.linlang.compiler.diag.Diagnostic(org.linlang.compiler.diag.Severity.ERROR, Code.E037, b.span(),
                        "argument '" + p.name() + "' has leading dimensions " + argLead + " but an earlier argument has " + lead,
                        List.of(new org.linlang.compiler.diag.Diagnostic.Note(leadFrom.span(), "leading dimensions " + lead + " here")));
                ch.diags().add(diag);
                return Type.ERROR;
            }
            Type stepType = new Type.Tensor(a.dtype(), tail);
            perStep.put(p.name(), b.type() instanceof Type.Optional ? new Type.Optional(stepType) : stepType);
        }
        if (lead == null) {
            return ch.error(Code.E036, c.span(), what + " needs at least one tensor argument with [batch, time, …] dimensions");
        }
        if (lead.rank() < 2 && !lead.hasRest()) {
            return ch.error(Code.E036, leadFrom.span(), "a recurrence runs over axis 1 (time), so its arguments need at least [batch, time] before the per-step shape; found leading " + lead);
        }
        for (Signature.Param p : step.params()) if (perStep.containsKey(p.name())) u.bind(p.type(), perStep.get(p.name()), bound.get(p.name()).span());
        for (Signature.Param p : step.params()) {
            if (!perStep.containsKey(p.name())) continue;
            Unifier.Problem pr = u.check(p.type(), perStep.get(p.name()), "one step of argument '" + p.name() + "'");
            if (pr != null) {
                ch.report(pr, bound.get(p.name()).span());
                return Type.ERROR;
            }
        }
        Type out = u.apply(step.result());
        Type result = withLead(out, lead, dtype);

        // States: leading dims without time.
        var stateLead = new ArrayList<>(lead.dims());
        if (!lead.hasRest()) stateLead.remove(1);
        Shape sLead = new Shape(lead.hasRest() ? lead.rest() : null, stateLead);
        var states = new ArrayList<Type>();
        for (Type st : info.states().values()) {
            Type inst = u.apply(Types.substitute(st, instantiation.freshDims(), Map.of()));
            states.add(withLead(inst, sLead, DType.F32));
        }
        Type stateType = states.size() == 1 ? states.getFirst() : new Type.Tuple(states);
        if (initial != null) {
            Unifier.Problem pr = new Unifier().check(stateType, initial, "initial_state");
            if (pr != null) ch.report(pr, initialExpr.span());
        }
        if (finalExpr != null) {
            if (!(finalFlag instanceof Type.Bool) || !(finalExpr instanceof Expr.BoolLit flag)) {
                return ch.error(Code.E048, finalExpr.span(), "output_final_state must be written true or false: it decides the call's type");
            }
            if (flag.value()) return new Type.Tuple(List.of(result, stateType));
        }
        return result;
    }

    private static Expr exprOf(Expr.Call c, Calls.Bound b) {
        for (Expr.Arg a : c.args()) if (a.value().span().equals(b.span())) return a.value();
        return c;
    }

    private static Type withLead(Type t, Shape lead, DType dtype) {
        if (t instanceof Type.Tensor x) {
            var dims = new ArrayList<>(lead.dims());
            dims.addAll(x.shape().dims());
            return new Type.Tensor(x.dtype() != null ? x.dtype() : dtype, new Shape(lead.rest(), dims));
        }
        if (t instanceof Type.Float || t instanceof Type.Int) return new Type.Tensor(dtype, lead);
        return t;
    }
}
