package org.linlang.runtime.truffle.parser;

import com.oracle.truffle.api.frame.FrameDescriptor;
import com.oracle.truffle.api.frame.FrameSlotKind;
import com.oracle.truffle.api.source.Source;
import com.oracle.truffle.api.source.SourceSection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Ident;
import org.linlang.compiler.ast.Import;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.source.Span;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.builtins.LinBuiltins;
import org.linlang.runtime.truffle.builtins.LinFloatBuiltinNodeGen;
import org.linlang.runtime.truffle.builtins.LinIntBuiltinNodeGen;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinRootNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinBlockNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinComprehensionNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinForNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinFunctionBodyNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinIfNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinLoopHeaderNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinReturnNode;
import org.linlang.runtime.truffle.nodes.controlflow.LinScriptBodyNode;
import org.linlang.runtime.truffle.nodes.expression.LinAddNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinAndNode;
import org.linlang.runtime.truffle.nodes.expression.LinBoolLiteralNode;
import org.linlang.runtime.truffle.nodes.expression.LinCallNode;
import org.linlang.runtime.truffle.nodes.expression.LinCheckTypeNode;
import org.linlang.runtime.truffle.nodes.expression.LinCompareNode;
import org.linlang.runtime.truffle.nodes.expression.LinCompareNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinConstantNode;
import org.linlang.runtime.truffle.nodes.expression.LinDivNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinEqualNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinErrorNode;
import org.linlang.runtime.truffle.nodes.expression.LinFloatLiteralNode;
import org.linlang.runtime.truffle.nodes.expression.LinIfExpressionNode;
import org.linlang.runtime.truffle.nodes.expression.LinIndexNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinIntLiteralNode;
import org.linlang.runtime.truffle.nodes.expression.LinListLiteralNode;
import org.linlang.runtime.truffle.nodes.expression.LinModNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinMulNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinNegNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinNotNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinOrNode;
import org.linlang.runtime.truffle.nodes.expression.LinPowNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinSliceNode;
import org.linlang.runtime.truffle.nodes.expression.LinSubNodeGen;
import org.linlang.runtime.truffle.nodes.expression.LinToFloatNodeGen;
import org.linlang.runtime.truffle.nodes.local.LinLoopVariableNode;
import org.linlang.runtime.truffle.nodes.local.LinReadArgumentNode;
import org.linlang.runtime.truffle.nodes.local.LinReadLocalNodeGen;
import org.linlang.runtime.truffle.nodes.local.LinUnpackNode;
import org.linlang.runtime.truffle.nodes.local.LinWriteLocalNodeGen;
import org.linlang.runtime.truffle.session.LinGlobal;
import org.linlang.runtime.truffle.session.LinSession;
import org.linlang.runtime.truffle.values.LinFunction;

/**
 * Checked AST → Truffle nodes, for one module: every top-level {@code fn} becomes a function with its
 * own root, and the script statements become the root that {@code eval} runs.
 *
 * <p>Names resolve lexically when translating: local variables (a {@code let}, parameter or loop
 * variable; each binding gets its own frame slot, so shadowing is free), then the module's
 * definitions, then builtins. Functions see their parameters, their own locals, definitions and
 * builtins — not the script's variables. Constructs the interpreter cannot run yet become
 * {@link LinErrorNode}s that report themselves when reached.
 */
public final class LinTranslator {
    private final LinLanguage language;
    private final Source source;
    private final Module module;
    private final Map<String, Decl> decls = new LinkedHashMap<>();
    private final Map<String, LinFunction> functions = new HashMap<>();
    /** Names bound by imports → the module they come from. */
    private final Map<String, String> imported = new HashMap<>();
    private boolean hasStarImport;
    private FrameBuilder frame;
    /** The REPL or embedding session this module is an input of; null for a program of its own. */
    private LinSession session;
    /** The modules of the program (imports), and this module's recurrences, blocks and tensor expressions. */
    private final ModuleUnits units;
    private final Definitions definitions;
    private final TensorExprs tensors;
    /** The frame slots of dimension names bound by calls ({@code B}, {@code T}), per frame. */
    private final Map<FrameBuilder, java.util.Set<Integer>> dimensionSlots = new java.util.IdentityHashMap<>();

    public LinTranslator(LinLanguage language, Source source, Module module) {
        this(language, source, module, new ModuleUnits(language, null));
        units.register(module, this);
    }

    /** Translates the entry module of a checked program: imports are the modules the checker loaded, and its types help. */
    public LinTranslator(LinLanguage language, Source source, org.linlang.compiler.types.Program program) {
        this(language, source, program.main(), new ModuleUnits(language, program));
        units.register(module, this);
    }

    LinTranslator(LinLanguage language, Source source, Module module, ModuleUnits units) {
        this.language = language;
        this.source = source;
        this.module = module;
        this.units = units;
        this.definitions = new Definitions(this, units);
        this.tensors = new TensorExprs(this, definitions, units.program());
    }

    /**
     * Translates an input of {@code session}: names of earlier inputs resolve to the session's
     * bindings, and this input's definitions and top-level {@code let}s become bindings too.
     */
    public LinTranslator inSession(LinSession session) {
        this.session = session;
        return this;
    }

    /** The root that runs the module's script statements; builds every function on the way. */
    public LinRootNode translateScript() {
        translateDefinitions();
        return translateStatements();
    }

    /** Builds the module's definitions (functions, recurrences, blocks) and binds its imports. */
    void translateDefinitions() {
        for (Import imp : module.imports()) {
            if (imp.items() != null) {
                for (Import.Item item : imp.items()) imported.put(item.boundName().name(), imp.dottedPath());
            } else if (imp.star()) {
                hasStarImport = true;
            } else {
                imported.put(imp.path().getLast().name(), imp.dottedPath());
            }
        }
        for (Decl d : module.decls()) decls.putIfAbsent(d.name().name(), d);
        for (Decl d : decls.values()) {
            if (d instanceof Decl.Fn fn) {
                String[] names = fn.params().stream().map(p -> p.name().name()).toArray(String[]::new);
                boolean[] defaults = new boolean[names.length];
                for (int i = 0; i < names.length; i++) defaults[i] = fn.params().get(i).defaultValue() != null;
                functions.put(fn.name().name(), LinFunction.user(fn.name().name(), names, defaults));
            }
        }
        definitions.declare(module, decls);
        for (Decl d : decls.values()) {
            if (d instanceof Decl.Fn fn) functions.get(fn.name().name()).setCallTarget(function(fn).getCallTarget());
        }
        definitions.translateBodies(decls);
    }

    /** What this module defines (functions, recurrences, blocks), by name: what importing it binds. */
    Map<String, Object> ownValues() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Decl d : decls.values()) {
            Object v = d instanceof Decl.Fn ? functions.get(d.name().name()) : definitions.values.get(d.name().name());
            if (v != null) out.put(d.name().name(), v);
        }
        return out;
    }

    private LinRootNode translateStatements() {
        frame = new FrameBuilder(null);
        List<Stmt> script = module.script();
        List<LinStatementNode> statements = new ArrayList<>();
        if (session != null) statements.addAll(session.define(sessionDefinitions()));
        LinExpressionNode last = null;
        for (int i = 0; i < script.size(); i++) {
            Stmt s = script.get(i);
            if (i == script.size() - 1 && s instanceof Stmt.ExprStmt e) last = expr(e.expr());
            else statements.add(stmt(s));
        }
        var body = new LinScriptBodyNode(statements.toArray(LinStatementNode[]::new), last);
        SourceSection whole = source.createSection(0, source.getLength());
        return new LinRootNode(language, frame.build(), body, "script", whole, true);
    }

    /** This input's imported names and definitions, each as the node that reads it here (for the session). */
    private Map<String, LinExpressionNode> sessionDefinitions() {
        List<Ident> names = new ArrayList<>();
        for (Import imp : module.imports()) {
            if (imp.items() != null) imp.items().forEach(item -> names.add(item.boundName()));
            else if (!imp.star()) names.add(imp.path().getLast());
            else imported.entrySet().stream().filter(e -> e.getValue().equals(imp.dottedPath())).map(Map.Entry::getKey)
                    .sorted().forEach(name -> names.add(new Ident(name, imp.span())));
        }
        for (Decl d : decls.values()) names.add(d.name());
        Map<String, LinExpressionNode> out = new LinkedHashMap<>();
        for (Ident name : names) out.put(name.name(), expr(new Expr.Name(name)));
        return out;
    }

    /** At the top level of a session input's script, where a {@code let} binds a session variable. */
    private boolean atSessionTop() {
        return session != null && frame.function == null && frame.scope.parent == null;
    }

    // ---- functions ----------------------------------------------------------------------------------

    private LinRootNode function(Decl.Fn fn) {
        return function(fn, 0, null, null);
    }

    /**
     * A function's root. Methods take their instance as argument 0 ({@code firstArg} 1); {@code before}
     * adds statements before the parameters are read; {@code body}, when given, replaces the
     * translation of {@code fn.body()} and returns the result (a block's constructor).
     */
    LinRootNode function(Decl.Fn fn, int firstArg, java.util.function.Consumer<List<LinStatementNode>> before,
                         java.util.function.Function<List<LinStatementNode>, LinExpressionNode> body) {
        return function(fn, firstArg, before, body, null);
    }

    /** As above; {@code around}, when given, wraps the whole body (a block method's call rules). */
    LinRootNode function(Decl.Fn fn, int firstArg, java.util.function.Consumer<List<LinStatementNode>> before,
                         java.util.function.Function<List<LinStatementNode>, LinExpressionNode> body,
                         java.util.function.UnaryOperator<LinExpressionNode> around) {
        FrameBuilder outer = frame;
        frame = new FrameBuilder(fn);
        try {
            List<LinStatementNode> statements = new ArrayList<>();
            if (before != null) before.accept(statements);
            definitions.parameters(fn.params(), firstArg, statements, fn.name().span(), fn.name().name());
            LinExpressionNode result = body == null ? null : body.apply(statements);
            for (int i = 0; body == null && i < fn.body().size(); i++) {
                List<Stmt> fnBody = fn.body();
                Stmt s = fnBody.get(i);
                if (i == fnBody.size() - 1 && s instanceof Stmt.Return r) result = returnValue(r);
                else statements.add(stmt(s));
            }
            LinExpressionNode bodyNode = new LinFunctionBodyNode(statements.toArray(LinStatementNode[]::new), result, fn.name().name())
                    .at(fn.name().span());
            if (around != null) bodyNode = around.apply(bodyNode);
            return new LinRootNode(language, frame.build(), bodyNode, fn.name().name(), section(fn.span()), false);
        } finally {
            frame = outer;
        }
    }

    /** A root of its own frame for {@code fn} (a recurrence's step), whose body {@code body} builds. */
    LinRootNode root(Decl.Fn fn, java.util.function.Supplier<LinExpressionNode> body) {
        FrameBuilder outer = frame;
        frame = new FrameBuilder(fn);
        try {
            LinExpressionNode node = body.get();
            return new LinRootNode(language, frame.build(), node, fn.name().name(), section(fn.span()), false);
        } finally {
            frame = outer;
        }
    }

    int declareSlot(String name, TypeExpr type) { return frame.declare(name, type); }

    /** The name of the function or method being translated ({@code Attn.forward}). */
    String currentFunctionName() { return frame.function == null ? "the script" : frame.function.name().name(); }

    /** A slot for a dimension name bound by a call; reads of it are ints. */
    int declareDimension(String name) {
        int slot = frame.declare(name, null);
        dimensionSlots.computeIfAbsent(frame, f -> new java.util.HashSet<>()).add(slot);
        return slot;
    }

    boolean isDimension(String name) {
        Binding b = frame.lookup(name);
        return b != null && dimensionSlots.getOrDefault(frame, java.util.Set.of()).contains(b.slot);
    }

    int hiddenSlot(String what) { return frame.hidden(what); }

    int hiddenSlot(String what, FrameSlotKind kind) { return frame.hidden(what, kind); }

    boolean isLocal(String name) { return frame.lookup(name) != null; }

    void noteImported(String name, String from) { imported.putIfAbsent(name, from); }

    private LinExpressionNode returnValue(Stmt.Return r) {
        return coerce(expr(r.value()), frame.function.result(), r.value().span());
    }

    // ---- statements ---------------------------------------------------------------------------------

    LinStatementNode stmt(Stmt s) {
        return switch (s) {
            case Stmt.Let let -> let(let);
            case Stmt.Assign assign -> assign(assign);
            case Stmt.Return r -> frame.function == null
                    ? fail("'return' is only allowed inside a function", r.span())
                    : new LinReturnNode(returnValue(r)).at(r.span());
            case Stmt.Emit e -> {
                LinStatementNode emit = definitions.emit(e);
                yield emit != null ? emit : fail("'emit' is only allowed in a recurrence", e.span());
            }
            case Stmt.ExprStmt e -> expr(e.expr());
            case Stmt.For f -> forStatement(f);
            case Stmt.If i -> new LinIfNode(expr(i.condition()), block(i.then()),
                    i.otherwise().isEmpty() ? null : block(i.otherwise())).at(i.span());
        };
    }

    private LinStatementNode block(List<Stmt> statements) {
        frame.push();
        try {
            return new LinBlockNode(statements.stream().map(this::stmt).toArray(LinStatementNode[]::new));
        } finally {
            frame.pop();
        }
    }

    private LinStatementNode let(Stmt.Let let) {
        // The value is translated before the new names exist: `let x = x + 1` reads the outer x.
        LinExpressionNode value = coerce(expr(let.value()), let.type(), let.value().span());
        List<LinStatementNode> out = new ArrayList<>();
        bind(let.pattern(), value, let.pattern() instanceof Stmt.NamePattern ? let.type() : null, out);
        return out.size() == 1 ? out.getFirst() : new LinBlockNode(out.toArray(LinStatementNode[]::new)).at(let.span());
    }

    private void bind(Stmt.Pattern pattern, LinExpressionNode value, TypeExpr declared, List<LinStatementNode> out) {
        switch (pattern) {
            case Stmt.NamePattern n -> {
                if (atSessionTop()) {
                    out.add(session.let(n.name().name(), declared, value).at(n.span()));
                    return;
                }
                int slot = frame.declare(n.name().name(), declared);
                out.add(LinWriteLocalNodeGen.create(slot, value).at(n.span()));
            }
            case Stmt.TuplePattern t -> {
                int whole = frame.hidden("tuple");
                out.add(LinWriteLocalNodeGen.create(whole, value).at(t.span()));
                int arity = t.parts().size();
                for (int i = 0; i < arity; i++) {
                    LinExpressionNode part = new LinUnpackNode(LinReadLocalNodeGen.create(whole), i, arity).at(t.span());
                    bind(t.parts().get(i), part, null, out);
                }
            }
        }
    }

    private LinStatementNode assign(Stmt.Assign assign) {
        String name = assign.target().name();
        Binding binding = frame.lookup(name);
        if (binding == null && definitions.isState(name)) return definitions.assignState(assign);
        if (binding == null) {
            LinGlobal global = session == null ? null : session.variable(name);
            if (global != null) {
                return session.assign(global, coerce(expr(assign.value()), global.declared(), assign.value().span())).at(assign.span());
            }
            String kind = kindOf(name);
            String message = kind != null
                    ? "cannot assign to '" + name + "': it is " + kind + ", not a variable"
                    : "cannot assign to '" + name + "': there is no variable of that name here (declare it with 'let " + name + " = …')";
            return fail(message, assign.target().span());
        }
        LinExpressionNode value = definitions.assigned(binding.slot, coerce(expr(assign.value()), binding.type, assign.value().span()));
        return LinWriteLocalNodeGen.create(binding.slot, value).at(assign.span());
    }

    private LinStatementNode forStatement(Stmt.For f) {
        LinExpressionNode from = expr(f.from());
        LinExpressionNode to = f.to() == null ? null : expr(f.to());
        frame.push();
        try {
            Loop loop = loop(from, to, f.variable().name(), f.variable().span(), spanOfIterable(f.from(), f.to()));
            LinStatementNode body = block(f.body());
            return new LinForNode(loop.header, loop.setVariable, body).at(f.span());
        } finally {
            frame.pop();
        }
    }

    private record Loop(LinLoopHeaderNode header, LinStatementNode setVariable) {}

    private Loop loop(LinExpressionNode from, LinExpressionNode to, String variable, Span variableSpan, Span iterableSpan) {
        boolean range = to != null;
        int step = frame.hidden("step", FrameSlotKind.Long);
        int count = frame.hidden("count", FrameSlotKind.Long);
        int src = frame.hidden(range ? "from" : "items", range ? FrameSlotKind.Long : FrameSlotKind.Object);
        int slot = frame.declare(variable, null);
        LinLoopHeaderNode header = new LinLoopHeaderNode(from, to, step, count, src).at(iterableSpan);
        LinExpressionNode current = new LinLoopVariableNode(range, step, src).at(variableSpan);
        return new Loop(header, LinWriteLocalNodeGen.create(slot, current).at(variableSpan));
    }

    private static Span spanOfIterable(Expr from, Expr to) {
        return to == null ? from.span() : from.span().to(to.span());
    }

    // ---- expressions --------------------------------------------------------------------------------

    LinExpressionNode expr(Expr e) {
        LinExpressionNode node = switch (e) {
            case Expr.IntLit i -> new LinIntLiteralNode(i.value());
            case Expr.FloatLit f -> new LinFloatLiteralNode(f.value());
            case Expr.StringLit s -> new LinConstantNode(s.value());
            case Expr.BoolLit b -> new LinBoolLiteralNode(b.value());
            case Expr.NoneLit n -> new LinConstantNode(org.linlang.runtime.truffle.values.LinNone.INSTANCE);
            case Expr.Name n -> name(n);
            case Expr.ListLit l -> new LinListLiteralNode(exprs(l.elements()), false);
            case Expr.TupleLit t -> new LinListLiteralNode(exprs(t.elements()), true);
            case Expr.Call c -> call(c);
            case Expr.Member m -> tensors.member(m);
            case Expr.Index i -> index(i);
            case Expr.Binary b -> binary(b);
            case Expr.Unary u -> switch (u.op()) {
                case NEG -> LinNegNodeGen.create(expr(u.operand()));
                case NOT -> LinNotNodeGen.create(expr(u.operand()));
            };
            case Expr.As a -> as(a);
            case Expr.If i -> new LinIfExpressionNode(expr(i.condition()), expr(i.then()), expr(i.otherwise()));
            case Expr.For f -> comprehension(f);
            case Expr.Time t -> new org.linlang.runtime.truffle.nodes.controlflow.LinTimeNode(block(t.body()));
        };
        return node.hasSource() ? node : node.at(e.span());
    }

    /** {@code n as float} and {@code f as int} convert host scalars; other targets are tensor reshapes and conversions. */
    private LinExpressionNode as(Expr.As a) {
        if (a.type() instanceof TypeExpr.Named named) {
            switch (named.name().name()) {
                case "float" -> { return LinFloatBuiltinNodeGen.create(expr(a.value())); }
                case "int" -> { return LinIntBuiltinNodeGen.create(expr(a.value())); }
                default -> { }
            }
        }
        return tensors.as(a);
    }

    private LinExpressionNode[] exprs(List<Expr> list) {
        return list.stream().map(this::expr).toArray(LinExpressionNode[]::new);
    }

    private LinExpressionNode name(Expr.Name n) {
        String name = n.name();
        Binding binding = frame.lookup(name);
        if (binding != null) return LinReadLocalNodeGen.create(binding.slot);
        LinExpressionNode member = definitions.blockMember(n.ident());
        if (member != null) return member;
        LinFunction fn = functions.get(name);
        if (fn != null) return new LinConstantNode(fn);
        LinExpressionNode definition = definitions.definition(name);
        if (definition != null) return definition;
        Decl decl = decls.get(name);
        if (decl != null) return unsupportedDecl(decl);
        LinExpressionNode importedValue = definitions.importedName(name);
        if (importedValue != null) return importedValue;
        String from = imported.get(name);
        if (from != null) {
            return new LinErrorNode("'" + name + "' is imported from " + from + ", which could not be loaded");
        }
        LinExpressionNode global = session == null ? null : session.read(name);
        if (global != null) return global;
        LinBuiltins.Builtin builtin = LinBuiltins.get(name);
        if (builtin != null) return new LinConstantNode(language.builtinFunction(builtin));
        if (org.linlang.compiler.types.Builtins.all().containsKey(name)) {
            return unsupported("builtin '" + name + "'", "it works on tensors");
        }
        return new LinErrorNode("unknown name '" + name + "'");
    }

    private LinExpressionNode unsupportedDecl(Decl decl) {
        String name = decl.name().name();
        return switch (decl) {
            case Decl.Recurrence r -> unsupported("recurrence '" + name + "'", "recurrences run on tensors");
            case Decl.Block b -> unsupported(b.kindWord() + " '" + name + "'", b.kindWord() + "s need tensors");
            case Decl.Fn f -> throw new IllegalStateException("functions are resolved before other definitions");
        };
    }

    /** Is {@code name}, here, something other than a local variable? Says what, or null when unbound. */
    private String kindOf(String name) {
        if (functions.containsKey(name)) return "a function";
        Decl d = decls.get(name);
        if (d instanceof Decl.Recurrence) return "a recurrence";
        if (d instanceof Decl.Block b) return "a " + b.kindWord();
        if (imported.containsKey(name)) return "an imported name";
        if (session != null && session.kindOf(name) != null) return session.kindOf(name);
        if (LinBuiltins.get(name) != null) return "a builtin function";
        return null;
    }

    private LinExpressionNode call(Expr.Call c) {
        String[] names = c.args().stream().map(a -> a.name() == null ? null : a.name().name()).toArray(String[]::new);
        if (c.callee() instanceof Expr.Name n && frame.lookup(n.name()) == null && !definitions.isBlockMember(n.name())
                && "a builtin function".equals(kindOf(n.name()))) {
            LinExpressionNode tensorBuiltin = tensors.builtinCall(c, n.name());
            if (tensorBuiltin != null) return tensorBuiltin;
            return builtinCall(LinBuiltins.get(n.name()), c, names);
        }
        String calleeName = c.callee() instanceof Expr.Name n ? n.name() : null;
        LinExpressionNode[] args = c.args().stream().map(a -> expr(a.value())).toArray(LinExpressionNode[]::new);
        return new LinCallNode(expr(c.callee()), args, names, calleeName);
    }

    /** A call of a builtin by its name: the builtin's node, with the arguments bound now. */
    private LinExpressionNode builtinCall(LinBuiltins.Builtin builtin, Expr.Call c, String[] names) {
        int[] binding;
        try {
            binding = language.builtinFunction(builtin).bind(names, null);
        } catch (LinRuntimeError e) {
            return new LinErrorNode(e.getMessage());
        }
        LinExpressionNode[] args = c.args().stream().map(a -> expr(a.value())).toArray(LinExpressionNode[]::new);
        LinExpressionNode[] ordered = new LinExpressionNode[binding.length];
        for (int p = 0; p < binding.length; p++) ordered[p] = args[binding[p]];
        return builtin.factory().apply(ordered);
    }

    private LinExpressionNode index(Expr.Index i) {
        if (i.items().size() == 1) {
            switch (i.items().getFirst()) {
                case Expr.At at -> {
                    return LinIndexNodeGen.create(expr(i.target()), expr(at.index()));
                }
                case Expr.Slice s -> {
                    return new LinSliceNode(expr(i.target()), optional(s.lo()), optional(s.hi()), optional(s.step()));
                }
                case Expr.Ellipsis e -> { }
            }
        }
        return tensors.index(i);
    }

    private LinExpressionNode optional(Expr e) {
        return e == null ? null : expr(e);
    }

    private LinExpressionNode binary(Expr.Binary b) {
        LinExpressionNode l = expr(b.left());
        LinExpressionNode r = expr(b.right());
        return switch (b.op()) {
            case ADD -> LinAddNodeGen.create(l, r);
            case SUB -> LinSubNodeGen.create(l, r);
            case MUL -> LinMulNodeGen.create(l, r);
            case DIV -> LinDivNodeGen.create(l, r);
            case MOD -> LinModNodeGen.create(l, r);
            case POW -> LinPowNodeGen.create(l, r);
            case EQ -> LinEqualNodeGen.create(false, l, r);
            case NE -> LinEqualNodeGen.create(true, l, r);
            case LT -> LinCompareNodeGen.create(LinCompareNode.Op.LT, l, r);
            case LE -> LinCompareNodeGen.create(LinCompareNode.Op.LE, l, r);
            case GT -> LinCompareNodeGen.create(LinCompareNode.Op.GT, l, r);
            case GE -> LinCompareNodeGen.create(LinCompareNode.Op.GE, l, r);
            case AND -> new LinAndNode(l, r);
            case OR -> new LinOrNode(l, r);
            case MATMUL -> org.linlang.runtime.truffle.nodes.expression.LinMatMulNodeGen.create(l, r);
        };
    }

    private LinExpressionNode comprehension(Expr.For f) {
        LinExpressionNode from = expr(f.from());
        LinExpressionNode to = f.to() == null ? null : expr(f.to());
        frame.push();
        try {
            int result = frame.hidden("list", FrameSlotKind.Object);
            Loop loop = loop(from, to, f.variable().name(), f.variable().span(), spanOfIterable(f.from(), f.to()));
            return new LinComprehensionNode(loop.header, loop.setVariable, expr(f.body()), result);
        } finally {
            frame.pop();
        }
    }

    /**
     * Where a type is declared ({@code let x: float = …}, a parameter, a result), scalar values are
     * checked, and an int becomes a float where a float is declared. Other types are not checked here.
     */
    static LinExpressionNode coerce(LinExpressionNode value, TypeExpr type, Span span) {
        if (!(type instanceof TypeExpr.Named named)) return value;
        String t = named.name().name();
        return switch (t) {
            case "float", "f64", "f32", "f16", "bf16" -> LinToFloatNodeGen.create(t, value).at(span);
            case "int", "i64", "i32" -> new LinCheckTypeNode(value, LinCheckTypeNode.Kind.INT, t).at(span);
            case "bool" -> new LinCheckTypeNode(value, LinCheckTypeNode.Kind.BOOL, t).at(span);
            case "string" -> new LinCheckTypeNode(value, LinCheckTypeNode.Kind.STRING, t).at(span);
            default -> value;
        };
    }

    private static LinExpressionNode unsupported(String what, String why) {
        return new LinErrorNode(what + " is not supported by the interpreter yet" + (why == null ? "" : " (" + why + ")"));
    }

    private static LinErrorNode fail(String message, Span span) {
        return new LinErrorNode(message).at(span);
    }

    private SourceSection section(Span span) {
        return source.createSection(span.start(), span.end() - span.start());
    }

    // ---- frames and scopes --------------------------------------------------------------------------

    record Binding(int slot, TypeExpr type) {}

    /** The frame of one function (or of the script) and its nested lexical scopes. */
    static final class FrameBuilder {
        final Decl.Fn function;
        final FrameDescriptor.Builder descriptor = FrameDescriptor.newBuilder();
        Scope scope = new Scope(null);
        int hiddenCount;

        FrameBuilder(Decl.Fn function) {
            this.function = function;
        }

        int declare(String name, TypeExpr type) {
            int slot = descriptor.addSlot(FrameSlotKind.Illegal, name, null);
            scope.names.put(name, new Binding(slot, type));
            return slot;
        }

        int hidden(String what) {
            return hidden(what, FrameSlotKind.Illegal);
        }

        int hidden(String what, FrameSlotKind kind) {
            return descriptor.addSlot(kind, "<" + what + " " + (hiddenCount++) + ">", null);
        }

        Binding lookup(String name) {
            for (Scope s = scope; s != null; s = s.parent) {
                Binding b = s.names.get(name);
                if (b != null) return b;
            }
            return null;
        }

        void push() { scope = new Scope(scope); }

        void pop() { scope = scope.parent; }

        FrameDescriptor build() { return descriptor.build(); }
    }

    static final class Scope {
        final Map<String, Binding> names = new HashMap<>();
        final Scope parent;

        Scope(Scope parent) { this.parent = parent; }
    }
}
