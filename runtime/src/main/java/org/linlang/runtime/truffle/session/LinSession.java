package org.linlang.runtime.truffle.session;

import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.TruffleLanguage.Env;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.RootNode;
import com.oracle.truffle.api.source.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Session;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.diag.Severity;
import org.linlang.compiler.types.Type;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.LinParseError;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.LinStatementNode;
import org.linlang.runtime.truffle.nodes.expression.LinConstantNode;
import org.linlang.runtime.truffle.nodes.expression.LinErrorNode;
import org.linlang.runtime.truffle.parser.LinTranslator;

/**
 * A context's session: the state that inputs of the REPL and of the embedding API share. Each input
 * (a source with MIME type {@link LinLanguage#SESSION_MIME_TYPE}) is checked by the compiler's
 * {@link Session} against everything earlier inputs defined, then translated with the names of the
 * session in scope and run. What an input defines and its top-level {@code let}s become bindings
 * ({@link LinGlobal}) that later inputs read; the checker commits an input only when it has no
 * errors, and so does this class, because an input that does not check is never translated.
 *
 * <p>Sources of other MIME types are programs of their own and see nothing of the session.
 */
public final class LinSession {
    private final Env env;
    private final Path baseDir;
    private final Session checker;
    /** Each name's current binding, in the order they were first bound. */
    private final Map<String, LinGlobal> globals = new LinkedHashMap<>();
    private final LinSessionBindings bindings = new LinSessionBindings(this);

    public LinSession(Env env) {
        this.env = env;
        this.baseDir = LinSandbox.workingDirectory(env);
        this.checker = new Session(baseDir);
    }

    /** The session's names and their values, as {@code Context.getBindings("lin")} shows them. */
    public Object bindings() { return bindings; }

    // ---- inputs -------------------------------------------------------------------------------------

    /**
     * Checks one input against the session and translates it. The diagnostics name the input by the
     * source's path or name ({@code <repl 3>}); an input with errors throws {@link LinParseError} and
     * leaves the session as it was.
     */
    @TruffleBoundary
    public CallTarget parseInput(LinLanguage language, Source source) {
        var text = new org.linlang.compiler.source.Source(LinLanguage.displayPath(source), source.getCharacters().toString());
        LinSandbox.checkImports(env, source, text, baseDir);
        CheckResult result = checker.check(text);
        if (!result.ok()) throw new LinParseError(source, result.diagnostics());
        printWarnings(result.diagnostics());
        return new LinTranslator(language, source, result.program()).inSession(this).translateScript().getCallTarget();
    }

    /** {@code :type EXPR}: a call target that returns the expression's type as Lin writes it. Defines nothing. */
    @TruffleBoundary
    public CallTarget typeQuery(LinLanguage language, Source source) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        Type type = checker.typeOf(source.getCharacters().toString(), diagnostics);
        if (type == null) throw new LinParseError(source, diagnostics);
        printWarnings(diagnostics);
        return new ConstantRoot(language, type.toString()).getCallTarget();
    }

    private void printWarnings(List<Diagnostic> diagnostics) {
        List<Diagnostic> warnings = diagnostics.stream().filter(d -> d.severity() != Severity.ERROR).toList();
        if (warnings.isEmpty()) return;
        try {
            env.err().write(DiagnosticPrinter.render(warnings).getBytes(StandardCharsets.UTF_8));
            env.err().flush();
        } catch (IOException e) {
            // Warnings are advice; an unwritable stderr must not stop the input.
        }
    }

    private static final class ConstantRoot extends RootNode {
        private final Object value;

        ConstantRoot(LinLanguage language, Object value) {
            super(language);
            this.value = value;
        }

        @Override
        public Object execute(VirtualFrame frame) { return value; }
    }

    // ---- bindings, for the translator ----------------------------------------------------------------

    /**
     * A name bound by the session, as a node to read it; null when the session does not bind it. A
     * definition reads as the value it had when this code was translated (what the checker typed this
     * code against), a variable as its value when the read runs.
     */
    @TruffleBoundary
    public LinExpressionNode read(String name) {
        LinGlobal g = globals.get(name);
        if (g == null) return null;
        if (g.kind() == LinGlobal.Kind.DEFINITION) {
            if (g.value() != null) return new LinConstantNode(g.value());
            if (g.error() != null) return new LinErrorNode(g.error());
        }
        return new LinReadGlobalNode(g);
    }

    /** What a session name is, as error messages say it ("a variable"), or null when it is not bound. */
    @TruffleBoundary
    public String kindOf(String name) {
        LinGlobal g = globals.get(name);
        if (g == null) return null;
        return g.kind() == LinGlobal.Kind.VARIABLE ? "a variable" : "a definition";
    }

    /** The current binding of a session variable, or null when {@code name} is no session variable. */
    @TruffleBoundary
    public LinGlobal variable(String name) {
        LinGlobal g = globals.get(name);
        return g != null && g.kind() == LinGlobal.Kind.VARIABLE ? g : null;
    }

    /** {@code x = value} for a session variable; the value is already converted to its declared type. */
    public LinExpressionNode assign(LinGlobal variable, LinExpressionNode value) {
        return new LinWriteGlobalNode(variable, value);
    }

    /**
     * {@code let name = value} at the top of an input: a new binding, which the rest of this input and
     * later inputs read. {@code value} was translated before, so it still reads an older {@code name}.
     */
    @TruffleBoundary
    public LinExpressionNode let(String name, TypeExpr declared, LinExpressionNode value) {
        LinGlobal g = new LinGlobal(name, LinGlobal.Kind.VARIABLE, declared);
        globals.remove(name); // re-inserted last, so the bindings list names in the order of their latest binding
        globals.put(name, g);
        return new LinWriteGlobalNode(g, value);
    }

    /**
     * The definitions of an input (its {@code fn}s, blocks, recurrences, models and imported names),
     * each with the node that gives its value in this input: statements that keep them for later
     * inputs, to run first in the input's script.
     */
    @TruffleBoundary
    public List<LinStatementNode> define(Map<String, LinExpressionNode> definitions) {
        List<LinStatementNode> out = new ArrayList<>();
        for (Map.Entry<String, LinExpressionNode> e : definitions.entrySet()) {
            LinGlobal g = new LinGlobal(e.getKey(), LinGlobal.Kind.DEFINITION, null);
            globals.remove(e.getKey());
            globals.put(e.getKey(), g);
            out.add(new LinDefineGlobalNode(g, e.getValue()));
        }
        return out;
    }

    // ---- for the bindings object ---------------------------------------------------------------------

    @TruffleBoundary
    List<String> namesWithValues() {
        List<String> names = new ArrayList<>();
        for (LinGlobal g : globals.values()) if (g.value() != null) names.add(g.name());
        return names;
    }

    @TruffleBoundary
    Object valueOf(String name) {
        LinGlobal g = globals.get(name);
        return g == null ? null : g.value();
    }
}
