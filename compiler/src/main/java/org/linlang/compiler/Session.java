package org.linlang.compiler;

import java.nio.file.Path;
import java.util.List;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.ast.Stmt;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.parse.Parsing;
import org.linlang.compiler.resolve.ModuleLoader;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.source.Span;
import org.linlang.compiler.types.Checker;
import org.linlang.compiler.types.Program;
import org.linlang.compiler.types.Scope;
import org.linlang.compiler.types.Type;

/**
 * The front end for a REPL: each input is checked against everything defined by earlier inputs
 * that had no errors. One checker and one scope live as long as the session.
 */
public final class Session {
    private final Diagnostics diags = new Diagnostics();
    private final Checker checker;
    private final Scope scope;
    private int inputs;

    public Session(Path baseDir) {
        this.checker = new Checker(diags, new ModuleLoader(diags, baseDir));
        this.scope = checker.newSessionScope();
    }

    /** Checks one input; names it {@code <repl N>} in diagnostics unless {@code source} has a path. */
    public CheckResult check(String text) {
        return check(new Source("<repl " + (++inputs) + ">", text));
    }

    public CheckResult check(Source source) {
        int before = diags.size();
        Program program = null;
        try {
            Module module = Parsing.parse(source, diags);
            if (module != null) program = checker.checkInput(module, scope);
        } catch (RuntimeException | StackOverflowError e) {
            diags.error(Code.E099, new Span(source, 0, 0), Frontend.internalErrorMessage(e));
            program = null;
        }
        List<Diagnostic> mine = diags.all().subList(before, diags.size());
        var sorted = new Diagnostics();
        mine.forEach(sorted::add);
        return new CheckResult(program, sorted.sorted());
    }

    /**
     * The type of an expression (the REPL's {@code :type}), or null with diagnostics in {@code out}
     * when it does not check. Nothing is defined by it.
     */
    public Type typeOf(String exprText, List<Diagnostic> out) {
        var source = new Source("<type>", exprText);
        int before = diags.size();
        Type t = null;
        Module m = Parsing.parse(source, diags);
        if (m != null) {
            if (m.script().size() != 1 || !(m.script().getFirst() instanceof Stmt.ExprStmt es) || !m.decls().isEmpty()) {
                diags.error(Code.E001, new Span(source, 0, exprText.length()), ":type takes one expression");
            } else {
                t = checker.typeOfExpression(es.expr(), scope);
            }
        }
        out.addAll(diags.all().subList(before, diags.size()));
        return out.stream().anyMatch(d -> d.severity() == org.linlang.compiler.diag.Severity.ERROR) ? null : t;
    }

    /** Every name in scope, for completion. */
    public List<String> names() { return scope.visibleNames(); }
}
