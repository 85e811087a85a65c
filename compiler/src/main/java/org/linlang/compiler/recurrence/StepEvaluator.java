package org.linlang.compiler.recurrence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Ident;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.source.Span;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Type;

/**
 * Runs a recurrence's step symbolically. Statements are taken in order; a {@code let} binds its
 * symbolic value (so it is inlined wherever it is used), an assignment to a state replaces the
 * state's value, and {@code if}/{@code for} merge what their bodies assign. Every value is kept as
 * a function of the states' values before the step (S_{t-1}): {@link #finalValue} is S_t.
 *
 * <p>A second environment runs alongside, in which a state stands for its <em>current</em> value
 * (a new version after each assignment); the output is analysed in it, so that {@code emit q @ S}
 * after the updates reads S_t itself rather than its expansion.
 */
final class StepEvaluator {
    private final Ctx cx;
    private final Algebra alg;
    private final Decl.Recurrence rec;
    private final Map<String, List<Dim>> stateDims = new LinkedHashMap<>();
    private final Map<String, Integer> version = new HashMap<>();

    private Env expanded = new Env();
    private Env current = new Env();
    private Emit emit;

    /** A binding: its value, and for a {@code let}, the expression and the environment it was evaluated in. */
    record Binding(Val val, Expr def, Env defEnv) {}

    /** Names to bindings; copied where the step branches. */
    static final class Env {
        final Map<String, Binding> vars = new LinkedHashMap<>();

        Env copy() {
            Env e = new Env();
            e.vars.putAll(vars);
            return e;
        }

        Binding get(String name) { return vars.get(name); }

        void put(String name, Val v) { vars.put(name, new Binding(v, null, null)); }
    }

    /**
     * The step's {@code emit}: its expression, the environment of current values there, the version
     * of each state at that point, and where it is nested (null at the top of the step).
     */
    record Emit(Stmt.Emit stmt, Env env, Map<String, Integer> versions, String nestedIn) {}

    StepEvaluator(Ctx cx, Decl.Recurrence rec) {
        this.cx = cx;
        this.alg = new Algebra(cx);
        this.rec = rec;
    }

    void run() {
        for (Decl.State st : rec.states()) {
            String name = st.name().name();
            List<Dim> dims = firstShape(name, rec.body());
            if (dims == null) dims = placeholderDims(st.type());
            stateDims.put(name, dims);
            version.put(name, 0);
            Val initial = new Val.Lin(null, List.of(Term.of(name, dims, 0, st.name().span())));
            expanded.put(name, initial);
            current.put(name, initial);
        }
        run(rec.body(), null);
    }

    Set<String> stateNames() { return stateDims.keySet(); }

    List<Dim> dims(String state) { return stateDims.get(state); }

    /** S_t as a function of the states before the step. */
    Val finalValue(String state) { return expanded.get(state).val(); }

    /** How many times the step assigns the state (0: never). */
    int finalVersion(String state) { return version.get(state); }

    Emit emit() { return emit; }

    Algebra algebra() { return alg; }

    // ---- statements ------------------------------------------------------------------------------

    private void run(List<Stmt> body, String nestedIn) {
        for (Stmt s : body) {
            switch (s) {
                case Stmt.Let let -> bind(let.pattern(), let.value());
                case Stmt.Assign a -> assign(a.target(), a.value());
                case Stmt.Emit e -> {
                    if (emit == null) emit = new Emit(e, current.copy(), new HashMap<>(version), nestedIn);
                }
                case Stmt.If i -> runIf(i, nestedIn);
                case Stmt.For f -> runFor(f, nestedIn);
                case Stmt.ExprStmt x -> { }
                case Stmt.Return r -> { }
            }
        }
    }

    private void bind(Stmt.Pattern p, Expr value) {
        if (p instanceof Stmt.NamePattern n) {
            String name = n.name().name();
            Env defExpanded = expanded.copy();
            Env defCurrent = current.copy();
            expanded.vars.put(name, new Binding(eval(value, defExpanded), value, defExpanded));
            current.vars.put(name, new Binding(eval(value, defCurrent), value, defCurrent));
            return;
        }
        var tuple = (Stmt.TuplePattern) p;
        if (value instanceof Expr.TupleLit lit && lit.elements().size() == tuple.parts().size()) {
            for (int i = 0; i < lit.elements().size(); i++) bind(tuple.parts().get(i), lit.elements().get(i));
            return;
        }
        Val ve = eval(value, expanded);
        Val vc = eval(value, current);
        for (Ident name : patternNames(tuple)) {
            String why = "'" + name.name() + "' is unpacked from the tuple `" + cx.text(value) + "` at " + value.span().position();
            expanded.put(name.name(), unpacked(ve, name, why, value));
            current.put(name.name(), unpacked(vc, name, why, value));
        }
    }

    private Val unpacked(Val whole, Ident name, String why, Expr value) {
        return switch (whole) {
            case Val.Free f -> new Val.Free(cx.opaqueName(name, null, why));
            case Val.NonLin nl -> nl;
            case Val.Lin l -> opaque(List.of(l), value, why);
        };
    }

    private void assign(Ident target, Expr value) {
        String name = target.name();
        if (stateDims.containsKey(name)) {
            Val v = eval(value, expanded);
            expanded.put(name, v);
            newVersion(name, target.span());
        } else {
            expanded.put(name, eval(value, expanded));
            current.put(name, eval(value, current));
        }
    }

    private void newVersion(String state, Span at) {
        int n = version.merge(state, 1, Integer::sum);
        current.put(state, new Val.Lin(null, List.of(Term.of(state, stateDims.get(state), n, at))));
    }

    private void runIf(Stmt.If s, String nestedIn) {
        Val cond = eval(s.condition(), expanded);
        Env exp0 = expanded;
        Env cur0 = current;
        String nested = nestedIn != null ? nestedIn : "the if at " + s.span().position();
        expanded = exp0.copy();
        current = cur0.copy();
        run(s.then(), nested);
        Env expThen = expanded;
        Env curThen = current;
        expanded = exp0.copy();
        current = cur0.copy();
        run(s.otherwise(), nested);
        Env expElse = expanded;
        Env curElse = current;
        expanded = exp0;
        current = cur0;
        var assigned = new LinkedHashSet<String>();
        assignedNames(s.then(), assigned);
        assignedNames(s.otherwise(), assigned);
        for (String name : assigned) {
            if (exp0.get(name) == null) continue;
            expanded.put(name, merge(name, expThen.get(name).val(), expElse.get(name).val(), cond, s));
            if (stateDims.containsKey(name)) {
                newVersion(name, s.span());
            } else {
                current.put(name, merge(name, curThen.get(name).val(), curElse.get(name).val(), cond, s));
            }
        }
    }

    private Val merge(String name, Val a, Val b, Val cond, Stmt.If s) {
        if (a == b) return a;
        if (!(cond instanceof Val.Free c)) {
            var states = Val.states(cond);
            return new Val.NonLin(s.condition(), alg.where(s.condition()) + ", the condition of the if at " + s.span().position()
                    + ", depends on " + Val.statesPhrase(states) + " and decides the value of " + name, states);
        }
        if (a instanceof Val.NonLin) return a;
        if (b instanceof Val.NonLin) return b;
        if (a instanceof Val.Free fa && b instanceof Val.Free fb) {
            Expr e = new Expr.If(s.span(), c.expr(), fa.expr(), fb.expr());
            return new Val.Free(cx.shaped(e, Ctx.broadcast(cx.shape(fa.expr()), cx.shape(fb.expr()))));
        }
        return opaque(List.of(a, b), s.condition(), "the value of " + name + " is chosen by the condition " + alg.where(s.condition()));
    }

    private void runFor(Stmt.For s, String nestedIn) {
        Env exp0 = expanded;
        Env cur0 = current;
        String where = "the loop at " + s.span().position();
        expanded = exp0.copy();
        current = cur0.copy();
        var loopVar = new Val.Free(cx.opaqueName(s.variable(), List.of(), "the loop variable '" + s.variable().name() + "' of " + where));
        expanded.put(s.variable().name(), loopVar);
        current.put(s.variable().name(), loopVar);
        run(s.body(), nestedIn != null ? nestedIn : where);
        Env expLoop = expanded;
        Env curLoop = current;
        expanded = exp0;
        current = cur0;
        var assigned = new LinkedHashSet<String>();
        assignedNames(s.body(), assigned);
        for (String name : assigned) {
            if (exp0.get(name) == null) continue;
            expanded.put(name, afterLoop(name, expLoop.get(name).val(), s, where));
            if (stateDims.containsKey(name)) newVersion(name, s.span());
            else current.put(name, afterLoop(name, curLoop.get(name).val(), s, where));
        }
    }

    private Val afterLoop(String name, Val once, Stmt.For s, String where) {
        return switch (once) {
            case Val.NonLin nl -> nl;
            case Val.Free f -> new Val.Free(cx.opaqueName(new Ident(name, s.span()), cx.shape(f.expr()),
                    "'" + name + "' is computed by " + where));
            case Val.Lin l -> opaque(List.of(l), null, name + " is updated in " + where
                    + " (the classifier does not unroll loops, so products of steps such as DeltaProduct's are not recognised)");
        };
    }

    private static void assignedNames(List<Stmt> body, Set<String> out) {
        for (Stmt s : body) {
            switch (s) {
                case Stmt.Assign a -> out.add(a.target().name());
                case Stmt.If i -> {
                    assignedNames(i.then(), out);
                    assignedNames(i.otherwise(), out);
                }
                case Stmt.For f -> assignedNames(f.body(), out);
                default -> { }
            }
        }
    }

    private static List<Ident> patternNames(Stmt.Pattern p) {
        var out = new ArrayList<Ident>();
        if (p instanceof Stmt.NamePattern n) out.add(n.name());
        else for (Stmt.Pattern q : ((Stmt.TuplePattern) p).parts()) out.addAll(patternNames(q));
        return out;
    }

    // ---- expressions -----------------------------------------------------------------------------

    /** The symbolic value of {@code e} in {@code env}. */
    Val eval(Expr e, Env env) {
        return switch (e) {
            case Expr.Name n -> {
                Binding b = env.get(n.name());
                if (b == null) yield new Val.Free(n);
                yield stateDims.containsKey(n.name()) ? locatedAt(b.val(), n) : b.val();
            }
            case Expr.IntLit i -> new Val.Free(e);
            case Expr.FloatLit f -> new Val.Free(e);
            case Expr.StringLit s -> new Val.Free(e);
            case Expr.BoolLit b -> new Val.Free(e);
            case Expr.NoneLit n -> new Val.Free(e);
            case Expr.Binary b -> binary(b, env);
            case Expr.Unary u -> unary(u, env);
            case Expr.Call c -> call(c, env);
            case Expr.Member m -> member(m, env);
            case Expr.As a -> as(a, env);
            case Expr.If i -> ifExpr(i, env);
            case Expr.Index ix -> generic(e, env, "indexes the state");
            case Expr.ListLit l -> generic(e, env, "puts a value read from the state in a list");
            case Expr.TupleLit t -> generic(e, env, "puts a value read from the state in a tuple");
            case Expr.For f -> generic(e, env, "builds a list from the state");
            case Expr.Time t -> generic(e, env, "times a block of statements");
        };
    }

    /** A state read as itself (S, not an expression of it) gets the place of this use as its origin. */
    private static Val locatedAt(Val v, Expr.Name use) {
        if (v instanceof Val.Lin l && l.free() == null && l.terms().size() == 1) {
            Term t = l.terms().getFirst();
            if (t.state().equals(use.name()) && t.coeff().isOne() && t.left() instanceof Term.Id && t.right() instanceof Term.Id
                    && t.x() == null && t.w() == null && !t.transposed() && !t.isOpaque()) {
                return new Val.Lin(null, List.of(Term.of(t.state(), t.dims(), t.version(), use.span())));
            }
        }
        return v;
    }

    /** Evaluates the children; free when they all are, else opaque (or the first non-linear child). */
    private Val generic(Expr e, Env env, String opaqueWhat) {
        List<Expr> kids = Exprs.children(e);
        var vals = new ArrayList<Val>();
        for (Expr k : kids) vals.add(eval(k, env));
        Val bad = firstNonLinear(vals);
        if (bad != null) return bad;
        if (allFree(vals)) return new Val.Free(rebuild(e, vals));
        return opaque(vals, e, alg.where(e) + " " + opaqueWhat);
    }

    private Expr rebuild(Expr e, List<Val> freeKids) {
        var exprs = new ArrayList<Expr>();
        for (Val v : freeKids) exprs.add(((Val.Free) v).expr());
        Expr out = Exprs.withChildren(e, exprs);
        return out == e ? e : cx.shaped(out, cx.shape(e));
    }

    private Val binary(Expr.Binary b, Env env) {
        Val l = eval(b.left(), env);
        Val r = eval(b.right(), env);
        Val bad = firstNonLinear(List.of(l, r));
        if (bad != null) return bad;
        if (l instanceof Val.Free && r instanceof Val.Free) return new Val.Free(rebuild(b, List.of(l, r)));
        return switch (b.op()) {
            case ADD, SUB -> add(l, r, b.op() == Expr.BinaryOp.SUB, b);
            case MUL -> mul(l, r, b);
            case DIV -> div(l, r, b);
            case MATMUL -> matmul(l, r, b);
            case POW -> r instanceof Val.Free f && isLiteral(f.expr(), 1) ? l
                    : nonLinear(b, "raises a value that depends on %s to a power", l, r);
            case MOD -> nonLinear(b, "takes a remainder of a value that depends on %s", l, r);
            case AND, OR -> nonLinear(b, "uses a value that depends on %s as a truth value", l, r);
            default -> nonLinear(b, "compares a value that depends on %s", l, r);
        };
    }

    private Val unary(Expr.Unary u, Env env) {
        Val v = eval(u.operand(), env);
        if (v instanceof Val.NonLin) return v;
        if (v instanceof Val.Free) return new Val.Free(rebuild(u, List.of(v)));
        if (u.op() == Expr.UnaryOp.NOT) return nonLinear(u, "uses a value that depends on %s as a truth value", v);
        var l = (Val.Lin) v;
        var terms = new ArrayList<Term>();
        for (Term t : l.terms()) terms.add(t.negated());
        return new Val.Lin(l.free() == null ? null : cx.neg(l.free()), terms);
    }

    private Val add(Val a, Val b, boolean subtract, Expr node) {
        Val.Lin la = asLin(a);
        Val.Lin lb = asLin(b);
        Expr free;
        if (la.free() != null && lb.free() != null) free = cx.binary(subtract ? Expr.BinaryOp.SUB : Expr.BinaryOp.ADD, la.free(), lb.free());
        else if (la.free() != null) free = la.free();
        else if (lb.free() != null) free = subtract ? cx.neg(lb.free()) : lb.free();
        else free = null;
        int rank = cx.rank(node);
        var terms = new ArrayList<Term>();
        for (Term t : la.terms()) terms.add(fitsRank(t, rank, node));
        for (Term t : lb.terms()) terms.add(fitsRank(subtract ? t.negated() : t, rank, node));
        return new Val.Lin(free, terms);
    }

    private Term fitsRank(Term t, int rank, Expr node) {
        if (t.isOpaque() || t.rank() == rank) return t;
        return t.opaque(alg.where(node) + " broadcasts a value read from the state to a larger shape", node.span());
    }

    private Val mul(Val a, Val b, Expr.Binary node) {
        if (a instanceof Val.Lin && b instanceof Val.Lin) {
            return nonLinear(node, "multiplies two values that depend on %s", a, b);
        }
        boolean linLeft = a instanceof Val.Lin;
        Val.Lin l = (Val.Lin) (linLeft ? a : b);
        Expr f = ((Val.Free) (linLeft ? b : a)).expr();
        return scaled(l, Factors.of(f, cx), node, l.free() == null ? null : linLeft ? cx.mul(l.free(), f) : cx.mul(f, l.free()));
    }

    private Val div(Val a, Val b, Expr.Binary node) {
        if (b instanceof Val.Lin) return nonLinear(node, "divides by a value that depends on %s", b);
        var l = (Val.Lin) a;
        Expr f = ((Val.Free) b).expr();
        return scaled(l, Factors.of(f, cx).inverse(), node, l.free() == null ? null : cx.div(l.free(), f));
    }

    private Val scaled(Val.Lin l, Factors f, Expr node, Expr free) {
        List<Dim> shape = cx.shape(node);
        var terms = new ArrayList<Term>();
        for (Term t : l.terms()) terms.add(alg.scale(t, f, shape, node));
        return new Val.Lin(free, terms);
    }

    private Val matmul(Val a, Val b, Expr.Binary node) {
        if (a instanceof Val.Lin && b instanceof Val.Lin) {
            return nonLinear(node, "multiplies two values that depend on %s", a, b);
        }
        var terms = new ArrayList<Term>();
        if (a instanceof Val.Free f) {
            var l = (Val.Lin) b;
            Factors ff = Factors.of(f.expr(), cx);
            for (Term t : l.terms()) terms.add(alg.matmulLeft(ff, cx.rank(f.expr()), t, node));
            return new Val.Lin(l.free() == null ? null : cx.matmul(f.expr(), l.free()), terms);
        }
        var l = (Val.Lin) a;
        Expr f = ((Val.Free) b).expr();
        Factors ff = Factors.of(f, cx);
        for (Term t : l.terms()) terms.add(alg.matmulRight(t, ff, cx.rank(f), node));
        return new Val.Lin(l.free() == null ? null : cx.matmul(l.free(), f), terms);
    }

    private Val call(Expr.Call c, Env env) {
        var vals = new ArrayList<Val>();
        for (Expr.Arg a : c.args()) vals.add(eval(a.value(), env));
        Val bad = firstNonLinear(vals);
        if (bad != null) return bad;
        if (allFree(vals)) {
            var kids = new ArrayList<Val>();
            kids.add(new Val.Free(c.callee()));
            kids.addAll(vals);
            return new Val.Free(rebuild(c, kids));
        }
        String builtin = cx.builtinName(c.callee());
        if (builtin == null) {
            String name = c.callee() instanceof Expr.Name n ? "'" + n.name() + "'" : "`" + cx.text(c.callee()) + "`";
            return opaque(vals, c, alg.where(c) + " passes a value that depends on " + phrase(vals.toArray(Val[]::new))
                    + " to " + name + ", which the classifier does not look into");
        }
        boolean positional = c.args().stream().allMatch(a -> a.name() == null);
        switch (builtin) {
            case "outer" -> {
                if (vals.size() != 2 || !positional) break;
                return outer(vals.get(0), vals.get(1), c);
            }
            case "transpose" -> {
                if (vals.size() != 1 || !(vals.getFirst() instanceof Val.Lin l)) break;
                return transposed(l, c);
            }
            case "float" -> {
                if (vals.size() == 1) return vals.getFirst();
            }
            case "zeros_like", "ones_like", "len", "shape", "str", "print" -> {
                return new Val.Free(c);
            }
            case "where" -> {
                if (!vals.isEmpty() && !(vals.getFirst() instanceof Val.Free)) {
                    return nonLinear(c, "uses a value that depends on %s as the condition of where", vals.getFirst());
                }
                return opaque(vals, c, alg.where(c) + " selects elementwise between values with where");
            }
            case "sum", "mean", "cumsum", "concat", "stack", "shift", "take" -> {
                return opaque(vals, c, alg.where(c) + " reduces or rearranges " + phrase(vals.toArray(Val[]::new)) + " with " + builtin);
            }
            default -> { }
        }
        if (builtin.equals("outer") || builtin.equals("transpose")) {
            return opaque(vals, c, alg.where(c) + " uses " + builtin + " in a form the classifier does not follow");
        }
        return nonLinear(c, "applies " + builtin + " to a value that depends on %s", vals.toArray(Val[]::new));
    }

    private Val outer(Val a, Val b, Expr.Call c) {
        if (a instanceof Val.Lin && b instanceof Val.Lin) {
            return nonLinear(c, "multiplies two values that depend on %s", a, b);
        }
        var terms = new ArrayList<Term>();
        if (a instanceof Val.Free fa) {
            var l = (Val.Lin) b;
            Factors f = Factors.of(fa.expr(), cx);
            for (Term t : l.terms()) terms.add(alg.outerLeft(f, t, c));
            return new Val.Lin(l.free() == null ? null : outerExpr(fa.expr(), l.free()), terms);
        }
        var l = (Val.Lin) a;
        Expr fb = ((Val.Free) b).expr();
        Factors f = Factors.of(fb, cx);
        for (Term t : l.terms()) terms.add(alg.outerRight(t, f, c));
        return new Val.Lin(l.free() == null ? null : outerExpr(l.free(), fb), terms);
    }

    private Expr outerExpr(Expr a, Expr b) {
        List<Dim> sa = cx.shape(a);
        List<Dim> sb = cx.shape(b);
        List<Dim> shape = sa == null || sb == null || sa.isEmpty() || sb.isEmpty() ? null : List.of(sa.getLast(), sb.getLast());
        return cx.call("outer", shape, a, b);
    }

    private Val transposed(Val.Lin l, Expr node) {
        var terms = new ArrayList<Term>();
        for (Term t : l.terms()) terms.add(alg.transpose(t, node));
        Expr free = null;
        if (l.free() != null) {
            List<Dim> s = cx.shape(l.free());
            List<Dim> flipped = s == null || s.size() < 2 ? s : List.of(s.get(1), s.get(0));
            free = cx.call("transpose", flipped, l.free());
        }
        return new Val.Lin(free, terms);
    }

    private Val member(Expr.Member m, Env env) {
        String name = m.member().name();
        if (name.equals("shape") || name.equals("dtype")) return new Val.Free(m);
        Val v = eval(m.target(), env);
        if (v instanceof Val.NonLin) return v;
        if (v instanceof Val.Free) return new Val.Free(rebuild(m, List.of(v)));
        if (name.equals("T")) return transposed((Val.Lin) v, m);
        return opaque(List.of(v), m, alg.where(m) + " reads the member '" + name + "' of the state");
    }

    private Val as(Expr.As a, Env env) {
        Val v = eval(a.value(), env);
        if (v instanceof Val.NonLin) return v;
        if (v instanceof Val.Free) return new Val.Free(rebuild(a, List.of(v)));
        if (a.type() instanceof TypeExpr.Named n && List.of("f32", "f16", "bf16", "float").contains(n.name().name())) {
            return v; // a conversion between float types keeps the value (up to rounding)
        }
        return opaque(List.of(v), a, alg.where(a) + " reshapes or converts the state");
    }

    private Val ifExpr(Expr.If i, Env env) {
        Val cond = eval(i.condition(), env);
        if (cond instanceof Val.NonLin) return cond;
        if (cond instanceof Val.Lin) {
            return nonLinear(i.condition(), "is the condition of an if … then … else and depends on %s", cond);
        }
        return generic(i, env, "chooses between values with if … then … else");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** A non-linear value: {@code what} says what the node does, %s standing for the states the values depend on. */
    private Val nonLinear(Expr node, String what, Val... vals) {
        var states = Val.states(vals);
        return new Val.NonLin(node, alg.where(node) + " " + what.replace("%s", Val.statesPhrase(states)), states);
    }

    /** A linear value that the algebra cannot describe: one opaque term per state it depends on. */
    Val opaque(List<Val> vals, Expr node, String why) {
        var terms = new ArrayList<Term>();
        var seen = new LinkedHashSet<String>();
        for (Val v : vals) {
            if (!(v instanceof Val.Lin l)) continue;
            for (Term t : l.terms()) {
                if (seen.add(t.state() + "#" + t.version())) {
                    Span at = node != null ? node.span() : t.origin();
                    terms.add(Term.of(t.state(), t.dims(), t.version(), at).opaque(why, at));
                }
            }
        }
        return new Val.Lin(null, terms);
    }

    private static String phrase(Val... vals) {
        return Val.statesPhrase(Val.states(vals));
    }

    private static Val firstNonLinear(List<Val> vals) {
        for (Val v : vals) if (v instanceof Val.NonLin) return v;
        return null;
    }

    private static boolean allFree(List<Val> vals) {
        for (Val v : vals) if (!(v instanceof Val.Free)) return false;
        return true;
    }

    private static Val.Lin asLin(Val v) {
        return v instanceof Val.Free f ? new Val.Lin(f.expr(), List.of()) : (Val.Lin) v;
    }

    static boolean isLiteral(Expr e, double value) {
        return e instanceof Expr.IntLit i && i.value() == value || e instanceof Expr.FloatLit f && f.value() == value;
    }

    /** The shape of the first use of a state by name in the step, as the checker typed it. */
    private List<Dim> firstShape(String state, List<Stmt> body) {
        for (Stmt s : body) {
            for (Expr e : exprsOf(s)) {
                List<Dim> d = findName(state, e);
                if (d != null) return d;
            }
            List<Dim> inner = switch (s) {
                case Stmt.If i -> {
                    List<Dim> t = firstShape(state, i.then());
                    yield t != null ? t : firstShape(state, i.otherwise());
                }
                case Stmt.For f -> firstShape(state, f.body());
                default -> null;
            };
            if (inner != null) return inner;
        }
        return null;
    }

    private List<Dim> findName(String state, Expr e) {
        if (e instanceof Expr.Name n && n.name().equals(state) && cx.program().typeOf(n) instanceof Type.Tensor t) {
            return t.shape().dims();
        }
        for (Expr c : Exprs.children(e)) {
            List<Dim> d = findName(state, c);
            if (d != null) return d;
        }
        return null;
    }

    private static List<Expr> exprsOf(Stmt s) {
        return switch (s) {
            case Stmt.Let l -> List.of(l.value());
            case Stmt.Assign a -> List.of(a.value());
            case Stmt.Emit e -> List.of(e.value());
            case Stmt.ExprStmt x -> List.of(x.expr());
            case Stmt.If i -> List.of(i.condition());
            case Stmt.For f -> f.to() == null ? List.of(f.from()) : List.of(f.from(), f.to());
            case Stmt.Return r -> r.value() == null ? List.of() : List.of(r.value());
        };
    }

    private static List<Dim> placeholderDims(TypeExpr t) {
        int rank = t instanceof TypeExpr.Tensor x ? x.dims().size() : 2;
        var out = new ArrayList<Dim>();
        for (int i = 0; i < rank; i++) out.add(Dim.of(0));
        return out;
    }
}
