package org.linlang.compiler.types;

import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Module;

/** A checked program: the entry module, every module it loaded, and the type of each expression. */
public final class Program {
    private final Module main;
    private final List<Module> modules;
    private final Map<Expr, Type> types;
    private final Map<String, Type> scriptLets;
    private final Checker checker;

    Program(Module main, List<Module> modules, Map<Expr, Type> types, Map<String, Type> scriptLets, Checker checker) {
        this.main = main;
        this.modules = List.copyOf(modules);
        this.types = types;
        this.scriptLets = scriptLets;
        this.checker = checker;
    }

    public Module main() { return main; }

    /** The entry module first, then the imported ones. */
    public List<Module> modules() { return modules; }

    /** The inferred type of an expression of any loaded module (Type.ERROR for one that failed). */
    public Type typeOf(Expr e) { return types.getOrDefault(e, Type.ERROR); }

    /** The types of the script's top-level {@code let}s, in order. */
    public Map<String, Type> scriptLets() { return scriptLets; }

    /** A recurrence's checked step: its parameters, states and output, in its own dimension symbols. */
    public Checker.RecurrenceInfo recurrenceInfo(org.linlang.compiler.ast.Decl.Recurrence r) { return checker.recurrenceInfo(r); }

    Checker checker() { return checker; }
}
