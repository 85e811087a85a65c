package org.linlang.runtime.truffle;

import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.source.Source;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.linlang.runtime.truffle.builtins.LinBuiltinRootNode;
import org.linlang.runtime.truffle.builtins.LinBuiltins;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.nodes.local.LinReadArgumentNode;
import org.linlang.runtime.truffle.parser.LinTranslator;
import org.linlang.runtime.truffle.values.LinFunction;

/**
 * Lin as a Truffle language: {@code Context.create("lin").eval("lin", code)} checks the code with the
 * compiler's front end and runs its script statements with the interpreter's nodes.
 */
@TruffleLanguage.Registration(
        id = LinLanguage.ID,
        name = "Lin",
        implementationName = "Lin interpreter",
        defaultMimeType = LinLanguage.MIME_TYPE,
        characterMimeTypes = {LinLanguage.MIME_TYPE, LinLanguage.SESSION_MIME_TYPE, LinLanguage.TYPE_MIME_TYPE},
        contextPolicy = TruffleLanguage.ContextPolicy.SHARED,
        fileTypeDetectors = LinFileTypeDetector.class)
public final class LinLanguage extends TruffleLanguage<LinContext> {
    public static final String ID = "lin";
    public static final String MIME_TYPE = "application/x-lin";
    /** An input of the context's session (REPL, embedding API): sees and keeps what earlier inputs defined. */
    public static final String SESSION_MIME_TYPE = "application/x-lin-session";
    /** The REPL's {@code :type}: evaluates to the type of an expression in the session, as a string. */
    public static final String TYPE_MIME_TYPE = "application/x-lin-type";

    /** {@code lin.Engine}: which engine runs block and model calls (interp, cpu, auto, opencl or cuda); see docs/cpu-kernels.md. */
    @com.oracle.truffle.api.Option(help = "Which engine runs block and model calls: interp, cpu, auto, opencl or cuda.",
            category = org.graalvm.options.OptionCategory.USER, stability = org.graalvm.options.OptionStability.STABLE)
    public static final org.graalvm.options.OptionKey<String> Engine = new org.graalvm.options.OptionKey<>("interp");

    @Override
    protected org.graalvm.options.OptionDescriptors getOptionDescriptors() { return new LinLanguageOptionDescriptors(); }

    private static final ContextReference<LinContext> CONTEXT = ContextReference.create(LinLanguage.class);

    private final Map<String, LinFunction> builtinFunctions = new ConcurrentHashMap<>();

    @Override
    protected LinContext createContext(Env env) {
        return new LinContext(env);
    }

    @Override
    protected void disposeContext(LinContext context) {
        if (context.compiledCalls() != null) context.compiledCalls().close(); // device memory of the opencl and cuda engines
    }

    @Override
    protected CallTarget parse(ParsingRequest request) {
        Source source = request.getSource();
        if (SESSION_MIME_TYPE.equals(source.getMimeType())) return context(null).session().parseInput(this, source);
        if (TYPE_MIME_TYPE.equals(source.getMimeType())) return context(null).session().typeQuery(this, source);
        var checked = new org.linlang.compiler.source.Source(displayPath(source), source.getCharacters().toString());
        org.linlang.runtime.truffle.session.LinSandbox.checkImports(context(null).env(), source, checked, java.nio.file.Path.of(""));
        CheckResult result = Frontend.check(checked);
        if (!result.ok()) throw new LinParseError(source, result.diagnostics());
        return new LinTranslator(this, source, result.program()).translateScript().getCallTarget();
    }

    /** The path diagnostics print: the file's path when the source has one, else its name. */
    public static String displayPath(Source source) {
        return source.getPath() != null ? source.getPath() : source.getName();
    }

    /** A builtin as a function value ({@code let f = sqrt}), one per language instance. */
    public LinFunction builtinFunction(LinBuiltins.Builtin builtin) {
        return builtinFunctions.computeIfAbsent(builtin.name(), name -> LinFunction.builtin(name,
                builtin.params().toArray(String[]::new), builtin.variadic(), builtin.minArgs(), arity -> {
                    LinExpressionNode[] args = new LinExpressionNode[arity];
                    for (int i = 0; i < arity; i++) args[i] = new LinReadArgumentNode(i, null);
                    return new LinBuiltinRootNode(this, builtin.factory().apply(args), name).getCallTarget();
                }));
    }

    public static LinContext context(Node node) { return CONTEXT.get(node); }

    /** {@code Context.getBindings("lin")}: the names the context's session has defined. */
    @Override
    protected Object getScope(LinContext context) { return context.session().bindings(); }
}
