package org.linlang.compiler.types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Ident;
import org.linlang.compiler.ast.Import;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.resolve.ModuleLoader;
import org.linlang.compiler.source.Span;

/**
 * Resolves names and checks types with symbolic shapes, for a module and everything it imports.
 * Definitions are checked once each, generically: dimension names in signatures are rigid symbols;
 * calls instantiate them ({@link Signature#instantiate}) and unify them with the arguments.
 */
public final class Checker {
    private final Diagnostics diags;
    private final ModuleLoader loader;
    private final Scope builtins;

    private final Map<Module, Scope> moduleScopes = new IdentityHashMap<>();
    private final Map<Decl, Module> declModule = new IdentityHashMap<>();
    private final Map<Decl.Fn, Signature> fnSignatures = new IdentityHashMap<>();
    private final Map<Decl.Recurrence, RecurrenceInfo> recurrences = new IdentityHashMap<>();
    private final Map<Decl.Block, BlockInfo> blocks = new IdentityHashMap<>();
    private final Map<Decl.Block, Signature> blockSignatures = new IdentityHashMap<>();
    private final Set<Decl> inProgress = new HashSet<>();
    /** Expression statements whose value is never (an error(...) call): they end their path like a return. */
    private final Set<Stmt> diverging = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Decl.Block> signaturesInProgress = new HashSet<>();
    private final Set<Decl> bodiesChecked = new HashSet<>();
    private final Map<Expr, Type> exprTypes = new IdentityHashMap<>();
    private Cycles cycles = new Cycles();
    private Map<String, Type> scriptLets = new LinkedHashMap<>();
    private final Set<Module> modulesChecked = new HashSet<>();
    private Decl current;

    public Checker(Diagnostics diags, ModuleLoader loader) {
        this.diags = diags;
        this.loader = loader;
        this.builtins = Builtins.scope();
    }

    Diagnostics diags() { return diags; }

    Type typeOf(Expr e) { return exprTypes.getOrDefault(e, Type.ERROR); }

    /** What a recurrence step takes and produces, with its states. */
    public record RecurrenceInfo(Signature step, Map<String, Type> states, Type output) {}

    /** A block's members as checked generically, in terms of its parameters' symbols. */
    public record BlockInfo(Map<String, Sym> intParams, Map<String, Type> members, Map<String, Signature> methods,
                            Type.Instance self, Map<String, StateInfo> states) {}

    /**
     * A block's {@code state} member: its type in terms of the block's parameters and of its own
     * dimension names ({@code dims}: {@code B}, {@code P}), which each method binds from its signature
     * (same name) or, for the others, from the state's current value.
     */
    public record StateInfo(Decl.StateMember decl, Type type, List<Sym> dims) {}

    /** A block state as one method sees it: its type there, and which of its dimensions may change. */
    private record StateUse(StateInfo info, Type declared, List<Sym> free) {}

    private final Map<Scope.Binding, StateUse> stateUses = new IdentityHashMap<>();

    // ---- entry ----------------------------------------------------------------------------------------

    public Program check(Module main) {
        Scope scope = moduleScope(main);
        checkLoadedModules();
        checkScript(main, scope);
        cycles.report(diags);
        return new Program(main, new ArrayList<>(moduleScopes.keySet()), exprTypes, scriptLets, this);
    }

    private void checkLoadedModules() {
        for (Module m : new ArrayList<>(moduleScopes.keySet())) {
            if (modulesChecked.add(m)) for (Decl d : m.decls()) checkDecl(d);
        }
    }

    /**
     * Checks one REPL input in the context of the earlier ones. Its definitions and lets are added to
     * {@code session} only when it has no errors, so a mistake never leaves half a definition behind.
     * A later definition of a name replaces the earlier one for later inputs.
     */
    public Program checkInput(Module input, Scope session) {
        cycles = new Cycles();
        scriptLets = new LinkedHashMap<>();
        int errorsBefore = diags.errorCount();
        Scope scope = session.child();
        moduleScopes.put(input, scope);
        modulesChecked.add(input);
        for (Import imp : input.imports()) importInto(scope, imp, input);
        for (Decl d : input.decls()) {
            declModule.put(d, input);
            Scope.Binding previous = scope.local(d.name().name());
            if (previous != null && previous.kind() == Scope.Kind.GLOBAL && previous.declared() != null
                    && previous.declared().source() == d.span().source()) {
                diags.add(new Diagnostic(org.linlang.compiler.diag.Severity.ERROR, Code.E013, d.name().span(),
                        "'" + d.name() + "' is already defined", List.of(new Diagnostic.Note(previous.declared(), "first defined here"))));
                continue;
            }
            scope.define(d.name().name(), refOf(d), Scope.Kind.GLOBAL, d.name().span());
        }
        checkLoadedModules();
        for (Decl d : input.decls()) checkDecl(d);
        checkScript(input, scope);
        cycles.report(diags);
        if (diags.errorCount() == errorsBefore) scope.localBindings().values().forEach(session::define);
        return new Program(input, new ArrayList<>(moduleScopes.keySet()), exprTypes, scriptLets, this);
    }

    /** A fresh scope for a REPL session: the builtins, and nothing else yet. */
    public Scope newSessionScope() { return builtins.child(); }

    /** The type of one expression in a session's scope, for the REPL's :type. Nothing is defined. */
    public Type typeOfExpression(Expr e, Scope session) {
        return expr(e, session.child());
    }

    /** Checks more script statements in a scope kept between REPL inputs. */
    public Scope checkScript(Module module, Scope scope) {
        var body = new Body(BodyKind.SCRIPT, null);
        current = null;
        statements(module.script(), scope, body);
        for (Stmt s : module.script()) {
            if (s instanceof Stmt.Let let) recordLets(let.pattern(), scope);
        }
        return scope;
    }

    private void recordLets(Stmt.Pattern p, Scope scope) {
        switch (p) {
            case Stmt.NamePattern n -> {
                Scope.Binding b = scope.lookup(n.name().name());
                if (b != null) scriptLets.put(n.name().name(), b.type());
            }
            case Stmt.TuplePattern t -> t.parts().forEach(q -> recordLets(q, scope));
        }
    }

    // ---- modules and names ----------------------------------------------------------------------------

    /** The names a module sees: builtins, then its imports, then its own definitions. */
    public Scope moduleScope(Module m) {
        Scope existing = moduleScopes.get(m);
        if (existing != null) return existing;
        Scope scope = builtins.child();
        moduleScopes.put(m, scope);
        Scope own = ownDefinitions(m);
        for (Import imp : m.imports()) importInto(scope, imp, m);
        for (Map.Entry<String, Scope.Binding> e : own.localBindings().entrySet()) {
            Scope.Binding imported = scope.local(e.getKey());
            if (imported != null) {
                diags.add(new Diagnostic(org.linlang.compiler.diag.Severity.ERROR, Code.E013, e.getValue().declared(),
                        "'" + e.getKey() + "' is defined here and also imported",
                        List.of(new Diagnostic.Note(imported.declared(), "imported here"))));
            }
            scope.define(e.getValue());
        }
        return scope;
    }

    private final Map<Module, Scope> ownScopes = new IdentityHashMap<>();

    /** A module's own definitions, without imports (so that modules may import each other). */
    private Scope ownDefinitions(Module m) {
        Scope existing = ownScopes.get(m);
        if (existing != null) return existing;
        Scope own = new Scope(null);
        ownScopes.put(m, own);
        for (Decl d : m.decls()) {
            declModule.put(d, m);
            Scope.Binding previous = own.local(d.name().name());
            if (previous != null) {
                diags.add(new Diagnostic(org.linlang.compiler.diag.Severity.ERROR, Code.E013, d.name().span(),
                        "'" + d.name() + "' is already defined",
                        List.of(new Diagnostic.Note(previous.declared(), "first defined here"))));
                continue;
            }
            if (builtins.lookup(d.name().name()) != null) {
                // Shadowing a builtin is allowed: a library may define a better softmax.
            }
            own.define(d.name().name(), refOf(d), Scope.Kind.GLOBAL, d.name().span());
        }
        return own;
    }

    private static Type refOf(Decl d) {
        return switch (d) {
            case Decl.Fn f -> new Type.FnRef(f);
            case Decl.Recurrence r -> new Type.RecurrenceRef(r);
            case Decl.Block b -> new Type.BlockRef(b);
        };
    }

    private void importInto(Scope scope, Import imp, Module from) {
        Module target = loader.load(imp, from.source());
        if (target == null) {
            // Bind the names anyway, so that their uses do not cascade into "unknown name".
            if (imp.items() != null) for (Import.Item it : imp.items()) scope.define(it.boundName().name(), Type.ERROR, Scope.Kind.GLOBAL, it.boundName().span());
            else if (!imp.star()) scope.define(imp.path().getLast().name(), Type.ERROR, Scope.Kind.GLOBAL, imp.span());
            return;
        }
        moduleScope(target);
        Scope own = ownDefinitions(target);
        if (imp.star()) {
            own.localBindings().forEach((k, b) -> scope.define(k, b.type(), Scope.Kind.GLOBAL, imp.span()));
        } else if (imp.items() != null) {
            for (Import.Item it : imp.items()) {
                Scope.Binding b = own.local(it.name().name());
                if (b == null) {
                    diags.error(Code.E012, it.name().span(), "module '" + imp.dottedPath() + "' has no definition '" + it.name() + "'"
                            + suggestion(it.name().name(), new ArrayList<>(own.localBindings().keySet())));
                    scope.define(it.boundName().name(), Type.ERROR, Scope.Kind.GLOBAL, it.boundName().span());
                    continue;
                }
                Scope.Binding clash = scope.local(it.boundName().name());
                if (clash != null && clash.kind() == Scope.Kind.GLOBAL && !Types.same(clash.type(), b.type())) {
                    diags.add(new Diagnostic(org.linlang.compiler.diag.Severity.ERROR, Code.E013, it.boundName().span(),
                            "'" + it.boundName() + "' is imported twice", List.of(new Diagnostic.Note(clash.declared(), "first imported here"))));
                }
                scope.define(it.boundName().name(), b.type(), Scope.Kind.GLOBAL, it.boundName().span());
            }
        } else {
            Map<String, Type> members = new LinkedHashMap<>();
            own.localBindings().forEach((k, b) -> members.put(k, b.type()));
            scope.define(imp.path().getLast().name(), new Type.ModuleRef(imp.dottedPath(), members), Scope.Kind.GLOBAL, imp.span());
        }
    }

    static String suggestion(String name, List<String> candidates) {
        if (name.length() < 2) return ""; // every one-letter name is one edit from every other
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(name, c);
            if (d < bestDistance) { bestDistance = d; best = c; }
        }
        return best != null && bestDistance <= Math.max(1, name.length() / 3) && !best.equals(name) ? "; did you mean '" + best + "'?" : "";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }

    private Scope scopeOf(Decl d) {
        Module m = declModule.get(d);
        return m == null ? builtins : moduleScope(m);
    }

    // ---- definitions ----------------------------------------------------------------------------------

    private void checkDecl(Decl d) {
        switch (d) {
            case Decl.Fn f -> { fnSignature(f); checkFnBody(f); }
            case Decl.Recurrence r -> recurrenceInfo(r);
            case Decl.Block b -> blockInfo(b);
        }
    }

    /** Resolves parameter types; dimension names not otherwise bound become the signature's symbols. */
    private final class SignatureScope {
        final Scope scope;
        final List<Sym> symbols = new ArrayList<>();
        Sym rest;

        SignatureScope(Scope parent) { scope = parent.child(); }

        Sym dimension(Ident name) {
            Sym s = new Sym(name.name(), name.span(), false);
            symbols.add(s);
            scope.define(name.name(), new Type.Int(Dim.of(s)), Scope.Kind.DIM, name.span());
            return s;
        }

        Sym rest(Span at) {
            if (rest == null) {
                rest = new Sym("..", at, false);
                symbols.add(rest);
            }
            return rest;
        }
    }

    private List<Signature.Param> params(List<Param> params, SignatureScope sig, boolean untypedIsDynamic) {
        var out = new ArrayList<Signature.Param>();
        Set<String> seen = new HashSet<>();
        // An int parameter can size tensors of the same signature, before or after it: fn f(x: [n], n: int).
        Map<String, Sym> intParams = new HashMap<>();
        for (Param p : params) {
            if (p.type() instanceof TypeExpr.Named n && n.name().name().equals("int") && !intParams.containsKey(p.name().name())) {
                Sym s = new Sym(p.name().name(), p.name().span(), false);
                intParams.put(p.name().name(), s);
                sig.symbols.add(s);
                sig.scope.define(p.name().name(), new Type.Int(Dim.of(s)), Scope.Kind.DIM, p.name().span());
            }
        }
        for (Param p : params) {
            if (!seen.add(p.name().name())) {
                diags.error(Code.E014, p.name().span(), "parameter '" + p.name() + "' is declared twice");
            }
            Type t = p.type() == null ? (untypedIsDynamic ? Type.DYNAMIC : Type.ERROR) : resolveType(p.type(), sig.scope, sig);
            if (t instanceof Type.Int && intParams.containsKey(p.name().name())) t = new Type.Int(Dim.of(intParams.get(p.name().name())));
            // `gate: [B, T, H] = none` makes the parameter optional: [B, T, H]? inside the body.
            if (p.defaultValue() instanceof Expr.NoneLit && p.type() != null && !Type.isLenient(t)) t = new Type.Optional(t);
            if (p.defaultValue() != null) {
                Type dt = expr(p.defaultValue(), scopeForDefaults(sig.scope));
                Unifier u = new Unifier();
                Unifier.Problem pr = u.check(t instanceof Type.Int ? Type.INT : t, dt, "the default of '" + p.name() + "'");
                if (pr != null) report(pr, p.defaultValue().span());
            }
            sig.scope.define(p.name().name(), t, Scope.Kind.VALUE, p.name().span());
            out.add(new Signature.Param(p.name().name(), t, p.defaultValue(), p.span()));
        }
        return out;
    }

    private Scope scopeForDefaults(Scope s) { return s; }

    Signature fnSignature(Decl.Fn f) {
        Signature existing = fnSignatures.get(f);
        if (existing != null) return existing;
        if (!inProgress.add(f)) return null; // needed while inferring its own result: a cycle, reported later
        Decl saved = current;
        current = f;
        try {
            var sig = new SignatureScope(scopeOf(f));
            List<Signature.Param> ps = params(f.params(), sig, true);
            Type result = f.result() == null ? null : resolveType(f.result(), sig.scope, sig);
            if (result == null) {
                // Infer the result from the body.
                var body = new Body(BodyKind.FN, null);
                checkReturningBody(f.body(), bodyScope(sig), body, f.name());
                bodiesChecked.add(f);
                result = body.joinedReturn == null ? Type.UNIT : body.joinedReturn;
            }
            var s = new Signature(f.name().name(), ps, result, sig.symbols);
            fnSignatures.put(f, s);
            return s;
        } finally {
            inProgress.remove(f);
            current = saved;
        }
    }

    private Scope bodyScope(SignatureScope sig) { return sig.scope.child(); }

    private void checkFnBody(Decl.Fn f) {
        if (!bodiesChecked.add(f)) return;
        Signature s = fnSignature(f);
        if (s == null) return;
        Decl saved = current;
        current = f;
        try {
            var sig = new SignatureScope(scopeOf(f));
            // Re-resolve to get a scope with the same symbols: cheaper to rebuild than to keep scopes around.
            rebind(sig, f.params(), s);
            var body = new Body(BodyKind.FN, s.result());
            checkReturningBody(f.body(), sig.scope.child(), body, f.name());
        } finally {
            current = saved;
        }
    }

    /** Defines a signature's dimension symbols and parameters in a scope, for checking the body. */
    private void rebind(SignatureScope sig, List<Param> params, Signature s) {
        for (Sym sym : s.symbols()) {
            if (!sym.name.equals("..")) sig.scope.define(sym.name, new Type.Int(Dim.of(sym)), Scope.Kind.DIM, sym.origin);
        }
        for (int i = 0; i < s.params().size(); i++) {
            Signature.Param p = s.params().get(i);
            sig.scope.define(p.name(), p.type(), Scope.Kind.VALUE, params.get(i).name().span());
        }
    }

    private void checkReturningBody(List<Stmt> stmts, Scope scope, Body body, Ident name) {
        boolean returns = statements(stmts, scope, body);
        if (!returns && !stmts.isEmpty() || stmts.isEmpty()) {
            if (!returns) {
                Span at = stmts.isEmpty() ? name.span() : stmts.getLast().span();
                diags.error(Code.E056, at, "'" + name + "' can finish without returning a value");
            }
        }
    }

    RecurrenceInfo recurrenceInfo(Decl.Recurrence r) {
        RecurrenceInfo existing = recurrences.get(r);
        if (existing != null) return existing;
        if (!inProgress.add(r)) return null;
        Decl saved = current;
        current = r;
        try {
            var sig = new SignatureScope(scopeOf(r));
            List<Signature.Param> ps = params(r.params(), sig, false);
            for (int i = 0; i < ps.size(); i++) {
                if (r.params().get(i).type() == null) {
                    diags.error(Code.E030, r.params().get(i).name().span(), "recurrence input '" + ps.get(i).name()
                            + "' needs a type: its shape for one step, e.g. [K], or f32 for a scalar");
                }
                Expr dflt = r.params().get(i).defaultValue();
                if (ps.get(i).type() instanceof Type.Tensor && dflt != null) {
                    diags.error(Code.E030, dflt.span(), "recurrence input '" + ps.get(i).name()
                            + "' is given per step, so its only possible default is 'none' (an optional input)");
                }
            }
            Type output = resolveType(r.output(), sig.scope, sig);
            Map<String, Type> states = new LinkedHashMap<>();
            Scope body = sig.scope.child();
            for (Decl.State st : r.states()) {
                Type t = resolveType(st.type(), sig.scope, sig);
                if (!(t instanceof Type.Tensor) && !(t instanceof Type.Error)) {
                    diags.error(Code.E062, st.type().span(), "state '" + st.name() + "' must be a tensor, e.g. [K, V], found " + t);
                    t = Type.ERROR;
                } else if (t instanceof Type.Tensor tt && tt.dtype() == null) {
                    t = new Type.Tensor(DType.F32, tt.shape()); // states are f32 whatever the inputs are
                }
                if (st.init() != null) {
                    Type it = expr(st.init(), sig.scope);
                    if (!(it instanceof Type.Int || it instanceof Type.Float || Type.isLenient(it) || Types.same(it, t))) {
                        diags.error(Code.E030, st.init().span(), "state '" + st.name() + "' starts as " + Unifier.describe(it) + ", expected a number or " + t);
                    }
                }
                if (states.containsKey(st.name().name()) || body.local(st.name().name()) != null) {
                    diags.error(Code.E014, st.name().span(), "'" + st.name() + "' is declared twice");
                }
                states.put(st.name().name(), t);
                body.define(st.name().name(), t, Scope.Kind.STATE, st.name().span());
            }
            var info = new RecurrenceInfo(new Signature(r.name().name(), ps, output, sig.symbols), states, output);
            recurrences.put(r, info);
            var b = new Body(BodyKind.RECURRENCE, output);
            statements(r.body(), body, b);
            if (b.emits == 0 && !b.misplacedReturn) {
                diags.error(Code.E051, r.name().span(), "recurrence '" + r.name() + "' never emits its output; end its step with 'emit …'");
            }
            return info;
        } finally {
            inProgress.remove(r);
            current = saved;
        }
    }

    /** The constructor of a block: its parameters, with int parameters as symbols. */
    Signature blockSignature(Decl.Block b) {
        Signature existing = blockSignatures.get(b);
        if (existing != null) return existing;
        // A parameter typed with its own block (block B(x: B)) asks for this signature while it is built.
        if (!signaturesInProgress.add(b)) return null;
        Decl saved = current;
        current = b;
        try {
            var sig = new SignatureScope(scopeOf(b));
            var s = new Signature(b.name().name(), params(b.params(), sig, true), null, sig.symbols);
            blockSignatures.put(b, s);
            return s;
        } finally {
            signaturesInProgress.remove(b);
            current = saved;
        }
    }

    BlockInfo blockInfo(Decl.Block b) {
        BlockInfo existing = blocks.get(b);
        if (existing != null) return existing;
        if (!inProgress.add(b)) return null;
        Decl saved = current;
        current = b;
        try {
            Signature ctor = blockSignature(b);
            if (ctor == null) return null;
            Scope scope = scopeOf(b).child();
            Map<String, Sym> ints = new LinkedHashMap<>();
            Map<String, Dim> selfInts = new LinkedHashMap<>();
            for (int i = 0; i < ctor.params().size(); i++) {
                Signature.Param p = ctor.params().get(i);
                scope.define(p.name(), p.type(), Scope.Kind.VALUE, b.params().get(i).name().span());
                if (p.type() instanceof Type.Int it && it.value() != null && it.value().asSym() != null) {
                    ints.put(p.name(), it.value().asSym());
                    selfInts.put(p.name(), it.value());
                }
            }
            var self = new Type.Instance(b, selfInts);
            Map<String, Type> members = new LinkedHashMap<>();
            Map<String, Signature> methods = new LinkedHashMap<>();
            Map<String, StateInfo> states = new LinkedHashMap<>();
            var info = new BlockInfo(ints, members, methods, self, states);
            // Method signatures first, so that fields and methods can call them.
            for (Decl.Member m : b.members()) {
                if (m instanceof Decl.Method method) {
                    var sig = new SignatureScope(scope);
                    List<Signature.Param> ps = params(method.params(), sig, true);
                    Type result = method.result() == null ? Type.DYNAMIC : resolveType(method.result(), sig.scope, sig);
                    if (methods.containsKey(method.name().name()) || scope.local(method.name().name()) != null) {
                        diags.error(Code.E013, method.name().span(), "'" + method.name() + "' is already defined in " + b.kindWord() + " '" + b.name() + "'");
                    }
                    methods.put(method.name().name(), new Signature(method.name().name(), ps, result, sig.symbols));
                }
            }
            for (Decl.Member m : b.members()) {
                String name = m.name().name();
                if (!(m instanceof Decl.Method) && (members.containsKey(name) || methods.containsKey(name) || states.containsKey(name)
                        || scope.local(name) != null)) {
                    diags.error(Code.E013, m.name().span(), "'" + name + "' is already defined in " + b.kindWord() + " '" + b.name() + "'");
                    continue;
                }
                switch (m) {
                    case Decl.TensorParam p -> {
                        Type t = resolveType(p.type(), scope, null);
                        if (!(t instanceof Type.Tensor) && !Type.isLenient(t)) {
                            diags.error(Code.E061, p.type().span(), "parameter '" + p.name() + "' of " + b.kindWord() + " '" + b.name()
                                    + "' must be a tensor type such as f32[" + "d]; found " + t + " (write '" + p.name() + " = …' for a constant)");
                            t = Type.ERROR;
                        } else if (t instanceof Type.Tensor tt && tt.dtype() == null) {
                            t = new Type.Tensor(DType.F32, tt.shape());
                        }
                        if (p.init() != null) {
                            Type it = expr(p.init(), scope);
                            Unifier.Problem pr = new Unifier().check(t, it, "the initial value of '" + p.name() + "'");
                            if (pr != null) report(pr, p.init().span());
                        }
                        members.put(name, t);
                        scope.define(name, t, Scope.Kind.VALUE, p.name().span());
                    }
                    case Decl.StateMember st -> {
                        StateInfo si = stateInfo(b, st, scope);
                        if (si != null) states.put(name, si);
                    }
                    case Decl.Field f -> {
                        Type t = expr(f.value(), scope);
                        members.put(name, t);
                        scope.define(name, t, Scope.Kind.VALUE, f.name().span());
                    }
                    case Decl.Method method -> { }
                }
            }
            methods.forEach((n, s) -> scope.define(n, new Type.MethodRef(self, methodDecl(b, n)), Scope.Kind.VALUE, methodDecl(b, n).name().span()));
            blocks.put(b, info);
            for (Decl.Member m : b.members()) {
                if (m instanceof Decl.Method method) checkMethodBody(b, method, methods.get(method.name().name()), scope);
            }
            return info;
        } finally {
            inProgress.remove(b);
            current = saved;
        }
    }

    private static Decl.Method methodDecl(Decl.Block b, String name) {
        for (Decl.Member m : b.members()) if (m instanceof Decl.Method method && method.name().name().equals(name)) return method;
        return null;
    }

    private void checkMethodBody(Decl.Block b, Decl.Method m, Signature s, Scope blockScope) {
        var sig = new SignatureScope(blockScope);
        rebind(sig, m.params(), s);
        var body = new Body(BodyKind.FN, s.result() instanceof Type.Dynamic ? null : s.result());
        Scope inner = sig.scope.child();
        BlockInfo info = blocks.get(b);
        if (info != null && !info.states().isEmpty()) defineStates(info, s, inner);
        checkReturningBody(m.body(), inner, body, m.name());
    }

    /**
     * Checks a {@code state} member's declaration. Names its type uses that are not in the block's
     * scope ({@code B}, {@code P}) become the state's own dimensions; each must be a whole axis
     * somewhere in the type, so a method can bind it from the state's current value.
     */
    private StateInfo stateInfo(Decl.Block b, Decl.StateMember st, Scope blockScope) {
        var sig = new SignatureScope(blockScope);
        Type t = resolveType(st.type(), sig.scope, sig);
        if (st.init() != null && !(st.init() instanceof Expr.IntLit lit && lit.value() == 0)) {
            diags.error(Code.E063, st.init().span(), "state '" + st.name() + "' starts empty (zeros); its initial value can only be written '= 0'");
        }
        if (Type.isLenient(t)) return null;
        if (!(t instanceof Type.Tensor tt)) {
            diags.error(Code.E063, st.type().span(), "state '" + st.name() + "' of " + b.kindWord() + " '" + b.name()
                    + "' must be a tensor type such as f32[B, P, d]; found " + t);
            return null;
        }
        if (tt.shape().hasRest()) {
            diags.error(Code.E063, st.type().span(), "state '" + st.name() + "' cannot have '..' in its type: name each dimension, as in f32[B, P, d]");
            return null;
        }
        for (Sym d : sig.symbols) {
            boolean alone = tt.shape().dims().stream().anyMatch(x -> x.asSym() == d);
            if (!alone) {
                diags.error(Code.E063, st.type().span(), "dimension '" + d.name + "' of state '" + st.name()
                        + "' must be a whole axis of its type, so that a method can read its size from the state");
                return null;
            }
        }
        if (tt.dtype() == null) t = new Type.Tensor(DType.F32, tt.shape());
        return new StateInfo(st, t, List.copyOf(sig.symbols));
    }

    /**
     * Defines a block's states in a method's body scope. A state dimension the method's signature
     * also names ({@code B} of {@code forward(x: [B, T, d])}) is the signature's; each other one
     * ({@code P}) is a dimension of its own, bound when the method starts, which the body may use.
     */
    private void defineStates(BlockInfo info, Signature method, Scope body) {
        Map<String, Sym> own = new HashMap<>();
        for (Sym s : method.symbols()) if (!s.name.equals("..")) own.put(s.name, s);
        Map<String, Sym> free = new LinkedHashMap<>();
        for (StateInfo si : info.states().values()) {
            Map<Sym, Dim> subst = new HashMap<>();
            List<Sym> freeHere = new ArrayList<>();
            for (Sym d : si.dims()) {
                Sym bound = own.get(d.name);
                if (bound == null) {
                    bound = free.computeIfAbsent(d.name, n -> new Sym(n, d.origin, false));
                    freeHere.add(bound);
                    if (body.local(d.name) == null) body.define(d.name, new Type.Int(Dim.of(bound)), Scope.Kind.DIM, d.origin);
                }
                subst.put(d, Dim.of(bound));
            }
            Type t = Types.substitute(si.type(), subst, Map.of());
            Scope.Binding binding = new Scope.Binding(si.decl().name().name(), t, Scope.Kind.BLOCK_STATE, si.decl().name().span());
            body.define(binding);
            stateUses.put(binding, new StateUse(si, t, List.copyOf(freeHere)));
        }
    }

    /**
     * {@code keys = concat(keys, k, axis = 1)}: the value must have the state's type, where the
     * dimensions the method does not bind (P) may take any size. Later reads see the new shape.
     */
    private void assignState(Stmt.Assign a, Scope.Binding b, Type t, Scope scope) {
        StateUse use = stateUses.get(b);
        if (use == null || Type.isLenient(t)) return;
        Map<Sym, Dim> vars = new HashMap<>();
        for (Sym f : use.free()) vars.put(f, Dim.of(new Sym(f.name, f.origin, true)));
        Type pattern = Types.substitute(use.declared(), vars, Map.of());
        // The value is converted to the state's element type (a bf16 cache of f32 keys), as recurrence states are.
        if (pattern instanceof Type.Tensor pt) pattern = new Type.Tensor(null, pt.shape());
        Unifier u = new Unifier();
        u.bind(pattern, t, a.value().span());
        Unifier.Problem pr = u.check(pattern, t, "state '" + a.target() + "'");
        if (pr != null) {
            String freeText = use.free().isEmpty() ? "" : " (" + String.join(", ", use.free().stream().map(f -> f.name).toList())
                    + (use.free().size() == 1 ? " may be any size)" : " may be any sizes)");
            diags.add(new Diagnostic(org.linlang.compiler.diag.Severity.ERROR, Code.E050, a.value().span(),
                    "state '" + a.target() + "' is " + use.declared() + freeText + " but this assigns " + Unifier.describe(t),
                    List.of(new Diagnostic.Note(use.info().decl().name().span(), "state '" + a.target() + "' is declared here"))));
            return;
        }
        if (!(t instanceof Type.Tensor vt) || !(use.declared() instanceof Type.Tensor dt)) return;
        // Later reads in this scope see the assigned shape; after a branch or loop that assigned it,
        // the free dimensions are no longer known.
        Type now = new Type.Tensor(dt.dtype(), vt.shape());
        Scope.Binding updated = new Scope.Binding(b.name(), now, Scope.Kind.BLOCK_STATE, b.declared());
        stateUses.put(updated, use);
        if (scope.local(b.name()) != b) {
            Scope owner = scope.owner(b.name());
            if (owner != null && !Types.same(b.type(), now)) owner.define(widened(b, use));
        }
        scope.define(updated);
    }

    /** A state whose free dimensions are no longer known (after a branch or loop that may have changed them). */
    private Scope.Binding widened(Scope.Binding b, StateUse use) {
        Map<Sym, Dim> unknown = new HashMap<>();
        for (Sym f : use.free()) unknown.put(f, Dim.of(new Sym(f.name + "'", f.origin, false)));
        Scope.Binding w = new Scope.Binding(b.name(), Types.substitute(use.declared(), unknown, Map.of()), Scope.Kind.BLOCK_STATE, b.declared());
        stateUses.put(w, use);
        return w;
    }

    /**
     * A loop body that assigns a block state runs more than once: its reads (and the code after the
     * loop) see the state with its free dimensions unknown, not the size it had before the loop.
     */
    private void widenStatesAssignedIn(List<Stmt> stmts, Scope scope) {
        for (Stmt st : stmts) {
            switch (st) {
                case Stmt.Assign a -> {
                    Scope.Binding b = scope.lookup(a.target().name());
                    StateUse use = b == null ? null : stateUses.get(b);
                    if (use != null && b.kind() == Scope.Kind.BLOCK_STATE && !use.free().isEmpty()) {
                        Scope owner = scope.owner(b.name());
                        if (owner != null) owner.define(widened(b, use));
                    }
                }
                case Stmt.If i -> { widenStatesAssignedIn(i.then(), scope); widenStatesAssignedIn(i.otherwise(), scope); }
                case Stmt.For f -> widenStatesAssignedIn(f.body(), scope);
                default -> { }
            }
        }
    }

    // ---- types as written -----------------------------------------------------------------------------

    /**
     * A written type in a scope. With a signature scope, unknown dimension names introduce the
     * signature's symbols; elsewhere they are errors.
     */
    Type resolveType(TypeExpr t, Scope scope, SignatureScope sig) {
        return switch (t) {
            case TypeExpr.Named n -> namedType(n.name(), scope);
            case TypeExpr.Tuple tu -> new Type.Tuple(tu.parts().stream().map(p -> resolveType(p, scope, sig)).toList());
            case TypeExpr.Tensor tt -> {
                DType dtype = null;
                if (tt.dtype() != null) {
                    dtype = DType.parse(tt.dtype().name());
                    if (dtype == null) {
                        diags.error(Code.E017, tt.dtype().span(), "unknown element type '" + tt.dtype() + "'; use f32, f16, bf16, i32, i64 or bool");
                        yield Type.ERROR;
                    }
                }
                Sym rest = null;
                var dims = new ArrayList<Dim>();
                boolean failed = false;
                for (TypeExpr.DimExpr d : tt.dims()) {
                    if (d instanceof TypeExpr.Rest r) {
                        if (rest != null || !dims.isEmpty()) {
                            diags.error(Code.E043, r.span(), rest != null ? "a shape may contain '..' only once"
                                    : "'..' stands for leading dimensions: write it first, as in [.., D]");
                            failed = true;
                            continue;
                        }
                        rest = sig != null ? sig.rest(r.span()) : restOfScope(scope, r.span());
                        if (rest == null) failed = true;
                        continue;
                    }
                    Dim dim = dim(d, scope, sig);
                    if (dim == null) failed = true; else dims.add(dim);
                }
                yield failed ? Type.ERROR : new Type.Tensor(dtype, new Shape(rest, dims));
            }
        };
    }

    private Sym currentRest;

    /** '..' outside a signature means the leading dimensions of the signature being checked. */
    private Sym restOfScope(Scope scope, Span at) {
        Scope.Binding b = scope.lookup("..");
        if (b != null && b.type() instanceof Type.Tensor t && t.shape().rest() != null) return t.shape().rest();
        diags.error(Code.E043, at, "'..' here does not refer to any leading dimensions of this definition's signature");
        return null;
    }

    private Type namedType(Ident name, Scope scope) {
        switch (name.name()) {
            case "int": return Type.INT;
            case "float": return Type.FLOAT;
            case "bool": return Type.BOOL;
            case "string": return Type.STRING;
            default: break;
        }
        DType d = DType.parse(name.name());
        if (d != null) return new Type.Tensor(d, Shape.SCALAR);
        Scope.Binding b = scope.lookup(name.name());
        if (b != null && b.type() instanceof Type.BlockRef br) {
            Map<String, Dim> ints = new LinkedHashMap<>();
            Signature ctor = blockSignature(br.decl());
            for (Signature.Param p : ctor == null ? List.<Signature.Param>of() : ctor.params()) {
                if (p.type() instanceof Type.Int) ints.put(p.name(), Dim.of(new Sym(p.name(), name.span(), false)));
            }
            return new Type.Instance(br.decl(), ints);
        }
        if (b != null) {
            diags.error(Code.E019, name.span(), "'" + name + "' is not a type");
            return Type.ERROR;
        }
        diags.error(Code.E017, name.span(), "unknown type '" + name + "'" + suggestion(name.name(),
                List.of("int", "float", "bool", "string", "f32", "f16", "bf16", "i32", "i64")));
        return Type.ERROR;
    }

    private Dim dim(TypeExpr.DimExpr d, Scope scope, SignatureScope sig) {
        return switch (d) {
            case TypeExpr.DimLit l -> Dim.of(l.value());
            case TypeExpr.DimName n -> {
                Scope.Binding b = scope.lookup(n.name().name());
                if (b == null || b.kind() == Scope.Kind.GLOBAL && !(b.type() instanceof Type.Int)) {
                    if (sig != null && b == null) yield Dim.of(sig.dimension(n.name()));
                    if (b == null) {
                        diags.error(Code.E018, n.span(), "unknown dimension '" + n.name() + "'" + suggestion(n.name().name(), dimNames(scope)));
                        yield null;
                    }
                }
                if (b.type() instanceof Type.Int i) {
                    if (i.value() == null) {
                        diags.error(Code.E048, n.span(), "'" + n.name() + "' is an int whose value is not known before running, so it cannot size a tensor type");
                        yield null;
                    }
                    yield i.value();
                }
                if (Type.isLenient(b.type())) yield null;
                diags.error(Code.E019, n.span(), "'" + n.name() + "' is " + Unifier.describe(b.type()) + ", not a dimension");
                yield null;
            }
            case TypeExpr.DimBinary bin -> {
                Dim l = dim(bin.left(), scope, sig);
                Dim r = dim(bin.right(), scope, sig);
                if (l == null || r == null) yield null;
                yield switch (bin.op()) {
                    case '*' -> l.times(r);
                    case '+' -> l.plus(r);
                    case '-' -> l.minus(r);
                    default -> {
                        if (r.isConstant() && r.constant() == 0) {
                            diags.error(Code.E047, bin.span(), "dimension divided by zero");
                            yield null;
                        }
                        Dim q = l.dividedBy(r);
                        yield q != null ? q : Dim.of(new Sym("(" + l + ")/(" + r + ")", bin.span(), false));
                    }
                };
            }
            case TypeExpr.Rest r -> null;
        };
    }

    private static List<String> dimNames(Scope scope) {
        var out = new ArrayList<String>();
        for (String n : scope.visibleNames()) {
            Scope.Binding b = scope.lookup(n);
            if (b != null && b.type() instanceof Type.Int i && i.value() != null) out.add(n);
        }
        return out;
    }

    // ---- statements -----------------------------------------------------------------------------------

    enum BodyKind { FN, RECURRENCE, SCRIPT }

    /** What a body has seen so far: its returns and emits. */
    static final class Body {
        final BodyKind kind;
        final Type expected;
        Type joinedReturn;
        int emits;
        boolean misplacedReturn;

        Body(BodyKind kind, Type expected) {
            this.kind = kind;
            this.expected = expected;
        }
    }

    /** Checks statements in order; true when the list always ends in a return. */
    boolean statements(List<Stmt> stmts, Scope scope, Body body) {
        boolean returned = false;
        for (Stmt s : stmts) {
            if (returned) {
                diags.error(Code.E059, s.span(), "this statement can never run: the body has already "
                        + (stmtsBefore(stmts, s) ? "stopped with error(...)" : "returned"));
                returned = false; // report once per run of dead statements
                statement(s, scope, body);
                return true;
            }
            returned = statement(s, scope, body);
            // `if bias == none { return x }`: what follows runs only where bias is present.
            if (!returned && body.kind == BodyKind.FN && s instanceof Stmt.If i) {
                if (alwaysReturns(i.then())) scope = narrowed(i.condition(), false, scope);
                else if (alwaysReturns(i.otherwise())) scope = narrowed(i.condition(), true, scope);
            }
        }
        return returned;
    }

    /** Whether the statement before {@code s} is an error(...) call that ends its path. */
    private boolean stmtsBefore(List<Stmt> stmts, Stmt s) {
        int i = stmts.indexOf(s);
        return i > 0 && diverging.contains(stmts.get(i - 1));
    }

    /**
     * Whether statements end in a return on every path: a return, an error(...) call (already
     * checked), or an if whose branches both do.
     */
    private boolean alwaysReturns(List<Stmt> stmts) {
        if (stmts.isEmpty()) return false;
        return switch (stmts.getLast()) {
            case Stmt.Return r -> true;
            case Stmt.ExprStmt x -> diverging.contains(x);
            case Stmt.If i -> alwaysReturns(i.then()) && alwaysReturns(i.otherwise());
            default -> false;
        };
    }

    private boolean statement(Stmt s, Scope scope, Body body) {
        switch (s) {
            case Stmt.Let let -> {
                Type t = expr(let.value(), scope);
                if (let.type() != null) {
                    Type declared = resolveType(let.type(), scope, null);
                    Unifier.Problem pr = new Unifier().check(declared, t, "'" + patternText(let.pattern()) + "'");
                    if (pr != null) report(pr, let.value().span());
                    else if (!Type.isLenient(declared)) t = refine(declared, t);
                }
                bind(let.pattern(), t, scope, let.value().span());
                return false;
            }
            case Stmt.Assign a -> {
                Type t = expr(a.value(), scope);
                Scope.Binding b = scope.lookup(a.target().name());
                if (b == null) {
                    diags.error(Code.E010, a.target().span(), "unknown name '" + a.target() + "'; declare it first with 'let'"
                            + suggestion(a.target().name(), scope.visibleNames()));
                    return false;
                }
                if (b.kind() == Scope.Kind.BLOCK_STATE) {
                    assignState(a, b, t, scope);
                    return false;
                }
                if (b.kind() != Scope.Kind.VARIABLE && b.kind() != Scope.Kind.STATE) {
                    diags.error(Code.E054, a.target().span(), "cannot assign to '" + a.target() + "': it is "
                            + kindWords(b) + "; only 'let' variables and recurrence states can change");
                    return false;
                }
                if (b.kind() == Scope.Kind.STATE) {
                    if (!stateCompatible(b.type(), t)) {
                        diags.add(new Diagnostic(org.linlang.compiler.diag.Severity.ERROR, Code.E050, a.value().span(),
                                "state '" + a.target() + "' is " + b.type() + " but this assigns " + Unifier.describe(t),
                                List.of(new Diagnostic.Note(b.declared(), "state '" + a.target() + "' is declared here"))));
                    }
                } else if (!Types.same(b.type(), t) && Types.join(b.type(), t) == null) {
                    diags.add(new Diagnostic(org.linlang.compiler.diag.Severity.ERROR, Code.E030, a.value().span(),
                            "'" + a.target() + "' is " + b.type() + " but this assigns " + Unifier.describe(t),
                            List.of(new Diagnostic.Note(b.declared(), "'" + a.target() + "' is declared here"))));
                }
                return false;
            }
            case Stmt.Return r -> {
                Type t = expr(r.value(), scope);
                if (body.kind != BodyKind.FN) {
                    body.misplacedReturn = true;
                    diags.error(Code.E058, r.span(), body.kind == BodyKind.RECURRENCE
                            ? "a recurrence step does not return: use 'emit' for its output" : "'return' outside a function or method");
                    return false;
                }
                if (body.expected != null) {
                    Unifier.Problem pr = new Unifier().check(body.expected, t, "the returned value");
                    if (pr != null) {
                        diags.error(Code.E055, r.value().span(), "returns " + Unifier.describe(t) + " but the declared result is " + body.expected);
                    }
                } else {
                    body.joinedReturn = body.joinedReturn == null ? t : orElse(Types.join(body.joinedReturn, t), t);
                }
                return true;
            }
            case Stmt.Emit e -> {
                Type t = expr(e.value(), scope);
                if (body.kind != BodyKind.RECURRENCE) {
                    diags.error(Code.E057, e.span(), "'emit' is only allowed in the step of a recurrence");
                    return false;
                }
                body.emits++;
                if (body.emits == 2) {
                    diags.error(Code.E052, e.span(), "a recurrence step emits exactly once; this is a second 'emit'");
                }
                if (body.expected != null && !stateCompatible(body.expected, t)) {
                    diags.error(Code.E053, e.value().span(), "emits " + Unifier.describe(t) + " but the recurrence declares its output as " + body.expected);
                }
                return false;
            }
            case Stmt.ExprStmt x -> {
                // error(...) as a statement never finishes: the path ends here, as with a return.
                if (!(expr(x.expr(), scope) instanceof Type.Never)) return false;
                diverging.add(x);
                return true;
            }
            case Stmt.For f -> {
                Type var = rangeSymbol(loopVariable(f.from(), f.to(), scope, f.span()), f.to(), f.variable());
                Scope inner = scope.child();
                inner.define(f.variable().name(), var, Scope.Kind.VALUE, f.variable().span());
                int emitsBefore = body.emits;
                widenStatesAssignedIn(f.body(), scope);
                statements(f.body(), inner, body);
                if (body.kind == BodyKind.RECURRENCE && body.emits > emitsBefore) {
                    diags.error(Code.E052, f.span(), "'emit' inside a loop would emit more than once per step");
                }
                return false;
            }
            case Stmt.If i -> {
                condition(i.condition(), scope);
                boolean a = statements(i.then(), narrowed(i.condition(), true, scope).child(), body);
                boolean b = statements(i.otherwise(), narrowed(i.condition(), false, scope).child(), body);
                return a && b;
            }
        }
    }

    /**
     * A value of optional type used as a value (E064): it may be none there. Reported once per
     * expression; the result is an error type, so nothing else is reported about it.
     */
    Type optionalUse(Expr e, Type t) {
        String what = e instanceof Expr.Name n ? "'" + n.name() + "'" : "this value";
        String hint = e instanceof Expr.Name n ? "; use it inside 'if " + n.name() + " != none { … }' (or 'if " + n.name() + " != none then … else …')"
                : "; test it with '!= none' first";
        return error(Code.E064, e.span(), what + " may be none (its type is " + t + ")" + hint);
    }

    /**
     * The scope of a branch taken when {@code condition} is {@code holds}: {@code x != none} (or
     * {@code x == none} when it fails, and each side of an {@code and} that holds) proves that an
     * optional {@code x} is present, which has its value's type there.
     */
    private Scope narrowed(Expr condition, boolean holds, Scope scope) {
        Map<String, Scope.Binding> present = new LinkedHashMap<>();
        presentWhen(condition, holds, scope, present);
        if (present.isEmpty()) return scope;
        Scope s = scope.child();
        present.values().forEach(s::define);
        return s;
    }

    private void presentWhen(Expr c, boolean holds, Scope scope, Map<String, Scope.Binding> out) {
        if (c instanceof Expr.Binary b && b.op() == Expr.BinaryOp.AND && holds) {
            presentWhen(b.left(), true, scope, out);
            presentWhen(b.right(), true, scope, out);
            return;
        }
        if (c instanceof Expr.Binary b && b.op() == Expr.BinaryOp.OR && !holds) {
            presentWhen(b.left(), false, scope, out);
            presentWhen(b.right(), false, scope, out);
            return;
        }
        if (c instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NOT) {
            presentWhen(u.operand(), !holds, scope, out);
            return;
        }
        if (!(c instanceof Expr.Binary b) || (b.op() != Expr.BinaryOp.NE && b.op() != Expr.BinaryOp.EQ)) return;
        Expr other = b.left() instanceof Expr.NoneLit ? b.right() : b.right() instanceof Expr.NoneLit ? b.left() : null;
        if (!(other instanceof Expr.Name n)) return;
        if ((b.op() == Expr.BinaryOp.NE) != holds) return;
        Scope.Binding binding = scope.lookup(n.name());
        if (binding != null && binding.type() instanceof Type.Optional o) {
            out.put(n.name(), new Scope.Binding(n.name(), o.inner(), binding.kind() == Scope.Kind.VARIABLE ? Scope.Kind.VALUE : binding.kind(), binding.declared()));
        }
    }

    private static Type orElse(Type t, Type fallback) { return t != null ? t : fallback; }

    /** An annotated let keeps its declared names of dimensions when they agree with the value. */
    private static Type refine(Type declared, Type actual) {
        if (declared instanceof Type.Tensor d && actual instanceof Type.Tensor a && d.dtype() == null) {
            return new Type.Tensor(a.dtype(), d.shape());
        }
        // A block name as a type says which block, not its sizes: keep the value's.
        return declared instanceof Type.Instance ? actual : declared;
    }

    /** State and emit types: same shape; element types may differ (states are f32, inputs may be bf16). */
    private static boolean stateCompatible(Type declared, Type t) {
        if (Type.isLenient(declared) || Type.isLenient(t)) return true;
        if (declared instanceof Type.Tensor d) {
            if (t instanceof Type.Tensor x) return d.shape().equals(x.shape());
            return (t instanceof Type.Int || t instanceof Type.Float) && d.shape().rank() == 0 && !d.shape().hasRest();
        }
        return Types.same(declared, t);
    }

    private static String kindWords(Scope.Binding b) {
        return switch (b.kind()) {
            case GLOBAL -> "a definition";
            case DIM -> "a dimension";
            default -> "a parameter or constant";
        };
    }

    private static String patternText(Stmt.Pattern p) {
        return switch (p) {
            case Stmt.NamePattern n -> n.name().name();
            case Stmt.TuplePattern t -> "(" + String.join(", ", t.parts().stream().map(Checker::patternText).toList()) + ")";
        };
    }

    private void bind(Stmt.Pattern p, Type t, Scope scope, Span valueSpan) {
        switch (p) {
            case Stmt.NamePattern n -> scope.define(n.name().name(), t, Scope.Kind.VARIABLE, n.name().span());
            case Stmt.TuplePattern tp -> {
                if (t instanceof Type.Tuple tt && tt.parts().size() == tp.parts().size()) {
                    for (int i = 0; i < tp.parts().size(); i++) bind(tp.parts().get(i), tt.parts().get(i), scope, valueSpan);
                } else {
                    if (!Type.isLenient(t)) {
                        diags.error(Code.E044, tp.span(), "cannot unpack " + Unifier.describe(t) + " into " + tp.parts().size() + " names"
                                + (t instanceof Type.Tuple tt ? ": it has " + tt.parts().size() + " parts" : ""));
                    }
                    for (Stmt.Pattern q : tp.parts()) bind(q, Type.ERROR, scope, valueSpan);
                }
            }
        }
    }

    private void condition(Expr e, Scope scope) {
        Type t = expr(e, scope);
        if (!(t instanceof Type.Bool) && !Type.isLenient(t)) {
            diags.error(Code.E038, e.span(), "condition must be a bool, found " + Unifier.describe(t));
        }
    }

    /**
     * A range's loop variable is a symbol of its own, so that slices such as {@code x[:, t:t + 1]}
     * have the size 1 (a polynomial difference), as sizes do.
     */
    private static Type rangeSymbol(Type var, Expr to, Ident variable) {
        if (to == null || !(var instanceof Type.Int)) return var;
        return new Type.Int(Dim.of(new Sym(variable.name(), variable.span(), false)));
    }

    /** The type of a loop variable over {@code from..to} (ints) or over a list. */
    private Type loopVariable(Expr from, Expr to, Scope scope, Span at) {
        Type a = expr(from, scope);
        if (to == null) {
            if (a instanceof Type.ListOf l) return l.element();
            if (Type.isLenient(a)) return a;
            diags.error(Code.E045, from.span(), "a loop runs over a range a..b or a list, found " + Unifier.describe(a));
            return Type.ERROR;
        }
        Type b = expr(to, scope);
        for (var pair : List.of(Map.entry(from, a), Map.entry(to, b))) {
            if (!(pair.getValue() instanceof Type.Int) && !Type.isLenient(pair.getValue())) {
                diags.error(Code.E045, pair.getKey().span(), "range bounds must be ints, found " + Unifier.describe(pair.getValue()));
            }
        }
        return Type.INT;
    }

    // ---- expressions ----------------------------------------------------------------------------------

    Type expr(Expr e, Scope scope) {
        Type t;
        try {
            t = exprInner(e, scope);
        } catch (ArithmeticException overflow) {
            diags.error(Code.E047, e.span(), "constant arithmetic overflows 64 bits");
            t = Type.ERROR;
        }
        exprTypes.put(e, t);
        return t;
    }

    private Type exprInner(Expr e, Scope scope) {
        return switch (e) {
            case Expr.IntLit i -> new Type.Int(Dim.of(i.value()));
            case Expr.FloatLit f -> Type.FLOAT;
            case Expr.StringLit s -> Type.STRING;
            case Expr.BoolLit b -> Type.BOOL;
            case Expr.NoneLit n -> Type.NONE;
            case Expr.Name n -> name(n, scope);
            case Expr.ListLit l -> list(l, scope);
            case Expr.TupleLit t -> new Type.Tuple(t.elements().stream().map(x -> expr(x, scope)).toList());
            case Expr.Call c -> call(c, scope);
            case Expr.Member m -> member(m, scope);
            case Expr.Index i -> Indexing.index(this, i, scope);
            case Expr.Binary b when b.op() == Expr.BinaryOp.AND -> {
                // `gate != none and sum(gate) > 0`: the right side knows what the left one proved.
                Type l = expr(b.left(), scope);
                yield Operators.binary(this, b, l, expr(b.right(), narrowed(b.left(), true, scope)));
            }
            case Expr.Binary b -> Operators.binary(this, b, expr(b.left(), scope), expr(b.right(), scope));
            case Expr.Unary u -> Operators.unary(this, u, expr(u.operand(), scope));
            case Expr.As a -> as(a, scope);
            case Expr.If i -> {
                condition(i.condition(), scope);
                Type a = expr(i.then(), narrowed(i.condition(), true, scope));
                Type b = expr(i.otherwise(), narrowed(i.condition(), false, scope));
                Type j = Types.join(a, b);
                if (j == null) {
                    diags.error(Code.E039, i.span(), "the branches have different types: " + a + " and " + b);
                    yield Type.ERROR;
                }
                yield j;
            }
            case Expr.For f -> {
                Type var = rangeSymbol(loopVariable(f.from(), f.to(), scope, f.span()), f.to(), f.variable());
                Scope inner = scope.child();
                inner.define(f.variable().name(), var, Scope.Kind.VALUE, f.variable().span());
                Type body = expr(f.body(), inner);
                yield new Type.ListOf(body);
            }
            case Expr.Time t -> {
                // The body is statements of its own: its lets stay inside, and it cannot return or emit.
                statements(t.body(), scope.child(), new Body(BodyKind.SCRIPT, null));
                yield Type.FLOAT;
            }
        };
    }

    private Type name(Expr.Name n, Scope scope) {
        Scope.Binding b = scope.lookup(n.name());
        if (b == null) {
            diags.error(Code.E010, n.span(), "unknown name '" + n.name() + "'" + suggestion(n.name(), scope.visibleNames()));
            return Type.ERROR;
        }
        noteReference(b.type(), n.span());
        return b.type();
    }

    /** Records that the definition being checked uses another one, for cycle detection. */
    private void noteReference(Type t, Span at) {
        if (current == null) return;
        Decl target = switch (t) {
            case Type.FnRef f -> f.decl();
            case Type.BlockRef b -> b.decl();
            case Type.RecurrenceRef r -> r.decl();
            default -> null;
        };
        if (target != null) cycles.edge(current, target, at);
    }

    private Type list(Expr.ListLit l, Scope scope) {
        Type element = null;
        for (Expr x : l.elements()) {
            Type t = expr(x, scope);
            if (element == null) { element = t; continue; }
            Type j = Types.join(element, t);
            if (j == null) {
                diags.error(Code.E046, x.span(), "list elements must have one type: this is " + Unifier.describe(t)
                        + ", earlier ones are " + element);
                return Type.ERROR;
            }
            element = j;
        }
        return new Type.ListOf(element == null ? Type.DYNAMIC : element);
    }

    private Type member(Expr.Member m, Scope scope) {
        Type target = expr(m.target(), scope);
        String name = m.member().name();
        if (target instanceof Type.Optional) return optionalUse(m.target(), target);
        switch (target) {
            case Type.Instance inst -> {
                BlockInfo info = blockInfo(inst.decl());
                if (info == null) return Type.ERROR;
                Map<Sym, Dim> subst = instanceSubstitution(info, inst);
                if (info.members().containsKey(name)) return Types.substitute(info.members().get(name), subst, Map.of());
                if (info.methods().containsKey(name)) return new Type.MethodRef(inst, methodDecl(inst.decl(), name));
                if (info.intParams().containsKey(name)) return new Type.Int(Dim.of(info.intParams().get(name)).substitute(subst));
                if (info.states().containsKey(name)) {
                    diags.error(Code.E016, m.member().span(), "'" + name + "' is a state of " + inst.decl().kindWord() + " '" + inst.decl().name()
                            + "': only its own methods read and assign it");
                    return Type.ERROR;
                }
                if (WEIGHT_METHODS.containsKey(name) && (!name.equals("generate") || inst.decl().isModel())) {
                    return new Type.BuiltinRef(WEIGHT_METHODS.get(name).apply(inst));
                }
                Signature ctor = blockSignature(inst.decl());
                if (ctor != null && ctor.param(name) != null) return ctor.param(name).type() instanceof Type.Int ? Type.INT : ctor.param(name).type();
                var names = new ArrayList<>(info.members().keySet());
                names.addAll(info.methods().keySet());
                diags.error(Code.E016, m.member().span(), inst.decl().kindWord() + " '" + inst + "' has no member '" + name + "'" + suggestion(name, names));
                return Type.ERROR;
            }
            case Type.ModuleRef mod -> {
                Type t = mod.members().get(name);
                if (t == null) {
                    diags.error(Code.E012, m.member().span(), "module '" + mod.path() + "' has no definition '" + name + "'"
                            + suggestion(name, new ArrayList<>(mod.members().keySet())));
                    return Type.ERROR;
                }
                noteReference(t, m.member().span());
                return t;
            }
            case Type.Tensor t when name.equals("shape") -> { return new Type.ListOf(Type.INT); }
            case Type.Tensor t when name.equals("T") -> {
                if (t.shape().rank() < 2) return error(Code.E040, m.member().span(), ".T needs at least two dimensions, found " + t.shape());
                var dims = new ArrayList<>(t.shape().dims());
                java.util.Collections.swap(dims, dims.size() - 1, dims.size() - 2);
                return new Type.Tensor(t.dtype(), t.shape().withDims(dims));
            }
            case Type.Tensor t when name.equals("dtype") -> { return Type.STRING; }
            default -> {
                if (Type.isLenient(target) || target instanceof Type.Union) return target instanceof Type.Union ? memberOfUnion((Type.Union) target, m, scope) : target;
                diags.error(Code.E016, m.member().span(), Unifier.describe(target) + " has no member '" + name + "'");
                return Type.ERROR;
            }
        }
    }

    /**
     * Methods every block and model has: {@code m.load(path)} reads its tensor parameters from a
     * safetensors file or a checkpoint directory by their dotted names ({@code layers.0.q_proj.weight})
     * and returns the block; {@code m.save(path)} writes them. {@code m.session()} opens a session
     * (same weights, own states) and {@code s.reset()} empties its states.
     */
    private static final Map<String, java.util.function.Function<Type.Instance, Builtin>> WEIGHT_METHODS = Map.of(
            "load", inst -> new Builtin("load", "load(path)", "reads the tensor parameters by name from a safetensors file or checkpoint folder",
                    c -> c.count() == 1 && (c.arg(0) instanceof Type.Str || Type.isLenient(c.arg(0))) ? inst
                            : c.error(Code.E030, c.span(), "load takes one path (a string)")),
            "save", inst -> new Builtin("save", "save(path)", "writes the tensor parameters by name to a safetensors file",
                    c -> c.count() == 1 && (c.arg(0) instanceof Type.Str || Type.isLenient(c.arg(0))) ? Type.UNIT
                            : c.error(Code.E030, c.span(), "save takes one path (a string)")),
            "session", inst -> new Builtin("session", "session()", "a new instance that shares every weight with this one and keeps its own states across calls",
                    c -> c.count() == 0 ? inst : c.error(Code.E020, c.span(), "session takes no arguments")),
            "reset", inst -> new Builtin("reset", "reset()", "empties the states of a session (and of its sub-blocks)",
                    c -> c.count() == 0 ? Type.UNIT : c.error(Code.E020, c.span(), "reset takes no arguments")),
            // Models only (the runtime adds it to models): text in, text out; token ids in, ids out.
            "generate", inst -> new Builtin("generate", "generate(prompt, max_tokens = 64, temperature = 0.0, top_k = 0, top_p = 1.0, seed = 0)",
                    "generates a continuation on a session of the model: text (with the tokenizer of its checkpoint folder) or token ids",
                    c -> c.count() != 1 ? c.error(Code.E020, c.span(), "generate takes one prompt (text or token ids) and named settings")
                            : c.arg(0) instanceof Type.Str ? Type.STRING : Type.DYNAMIC));

    private Type memberOfUnion(Type.Union u, Expr.Member m, Scope scope) {
        // Members of a hybrid layer list: every alternative must have it, with one type.
        Type joined = null;
        for (Type alt : u.alternatives()) {
            if (!(alt instanceof Type.Instance inst)) return Type.ERROR;
            BlockInfo info = blockInfo(inst.decl());
            if (info == null) return Type.ERROR;
            Type t = info.methods().containsKey(m.member().name()) ? new Type.MethodRef(inst, methodDecl(inst.decl(), m.member().name()))
                    : info.members().containsKey(m.member().name()) ? Types.substitute(info.members().get(m.member().name()), instanceSubstitution(info, inst), Map.of())
                    : null;
            if (t == null) return error(Code.E016, m.member().span(), "'" + inst + "' has no member '" + m.member() + "'");
            if (t instanceof Type.MethodRef) return new Type.Union(u.alternatives().stream().map(a -> (Type) new Type.MethodRef((Type.Instance) a,
                    methodDecl(((Type.Instance) a).decl(), m.member().name()))).toList());
            joined = joined == null ? t : Types.join(joined, t);
            if (joined == null) return error(Code.E039, m.member().span(), "the alternatives' '" + m.member() + "' have different types");
        }
        return joined;
    }

    static Map<Sym, Dim> instanceSubstitution(BlockInfo info, Type.Instance inst) {
        Map<Sym, Dim> subst = new HashMap<>();
        info.intParams().forEach((n, s) -> {
            Dim v = inst.ints().get(n);
            if (v != null) subst.put(s, v);
        });
        return subst;
    }

    Type error(Code code, Span at, String message) {
        diags.error(code, at, message);
        return Type.ERROR;
    }

    private Type as(Expr.As a, Scope scope) {
        Type v = expr(a.value(), scope);
        if (v instanceof Type.Optional) return optionalUse(a.value(), v);
        // x as bf16 / as int / as float: conversions
        if (a.type() instanceof TypeExpr.Named n) {
            Type target = namedType(n.name(), scope);
            if (Type.isLenient(target) || Type.isLenient(v)) return Type.isLenient(v) ? v : target;
            if (target instanceof Type.Tensor tt && tt.shape().rank() == 0) {
                if (v instanceof Type.Tensor vt) return new Type.Tensor(tt.dtype(), vt.shape());
                if (v instanceof Type.Int || v instanceof Type.Float || v instanceof Type.Bool) return target;
            }
            if ((target instanceof Type.Int || target instanceof Type.Float) && (v instanceof Type.Int || v instanceof Type.Float || v instanceof Type.Bool)) {
                return target;
            }
            return error(Code.E030, a.span(), "cannot convert " + Unifier.describe(v) + " to " + target);
        }
        if (!(a.type() instanceof TypeExpr.Tensor tt)) return error(Code.E030, a.type().span(), "'as' takes a shape such as [B, T, H, K] or an element type");
        if (Type.isLenient(v)) {
            Type target = resolveType(tt, scopeWithRest(scope, null), null);
            return v instanceof Type.Dynamic ? Type.DYNAMIC : target;
        }
        if (!(v instanceof Type.Tensor vt)) return error(Code.E030, a.value().span(), "only tensors can be reshaped; this is " + Unifier.describe(v));
        Type target = resolveType(tt, scopeWithRest(scope, vt.shape().rest()), null);
        if (!(target instanceof Type.Tensor to)) return Type.ERROR;
        ShapeRules.Result r = ShapeRules.reshape(vt.shape(), to.shape());
        if (r.failed()) return error(r.code(), a.span(), r.message());
        return new Type.Tensor(to.dtype() != null ? to.dtype() : vt.dtype(), to.shape());
    }

    /** Lets '..' in a reshape target mean the value's own leading dimensions. */
    private static Scope scopeWithRest(Scope scope, Sym rest) {
        Scope s = scope.child();
        if (rest != null) s.define("..", new Type.Tensor(null, new Shape(rest, List.of())), Scope.Kind.VALUE, null);
        return s;
    }

    /** Which axis an {@code axis = …} argument designates (see docs/language.md). */
    int axis(Expr e, Scope scope, Shape shape) {
        Long index = null;
        if (e instanceof Expr.IntLit lit) index = lit.value();
        Type t = typeOf(e);
        if (index == null && t instanceof Type.Int i && i.value() != null) {
            if (i.value().isConstant()) index = i.value().constant();
            else {
                List<Integer> axes = ShapeRules.axesOf(shape, i.value());
                if (axes.size() == 1) return axes.getFirst() + (shape.hasRest() ? 0 : 0);
                if (axes.isEmpty()) {
                    diags.error(Code.E035, e.span(), "no axis of " + shape + " has size " + i.value());
                } else {
                    diags.error(Code.E035, e.span(), "axis " + i.value() + " is ambiguous: " + shape + " has it " + axes.size() + " times; use an index");
                }
                return -1;
            }
        }
        if (index == null) {
            if (!Type.isLenient(t)) diags.error(Code.E035, e.span(), "axis must be a dimension name or a constant integer, found " + Unifier.describe(t));
            return -1;
        }
        int rank = shape.rank();
        if (index < 0 && -index <= rank) return (int) (rank + index);
        if (index >= 0 && index < rank && !shape.hasRest()) return index.intValue();
        diags.error(Code.E035, e.span(), "axis " + index + " is out of range for " + shape
                + (shape.hasRest() && index >= 0 ? " (its leading dimensions are unknown: count from the end with a negative index)" : ""));
        return -1;
    }

    // ---- calls ----------------------------------------------------------------------------------------

    private Type call(Expr.Call c, Scope scope) {
        Type callee = expr(c.callee(), scope);
        return Calls.call(this, c, callee, scope);
    }

    void report(Unifier.Problem pr, Span at) {
        var notes = new ArrayList<Diagnostic.Note>();
        if (pr.noteAt() != null) notes.add(new Diagnostic.Note(pr.noteAt(), pr.note()));
        diags.add(new Diagnostic(org.linlang.compiler.diag.Severity.ERROR, pr.code(), at, pr.message(), notes));
    }

    Signature methodSignature(Type.Instance inst, String name) {
        BlockInfo info = blockInfo(inst.decl());
        if (info == null) return null;
        Signature s = info.methods().get(name);
        return s == null ? null : s.substitute(instanceSubstitution(info, inst));
    }

    void noteCallOf(Decl d, Span at) {
        if (current != null) cycles.edge(current, d, at);
    }
}
