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
        characterMimeTypes = LinLanguage.MIME_TYPE,
        contextPolicy = TruffleLanguage.ContextPolicy.SHARED,
        fileTypeDetectors = LinFileTypeDetector.class)
public final class LinLanguage extends TruffleLanguage<LinContext> {
    public static final String ID = "lin";
    public static final String MIME_TYPE = "application/x-lin";

    private static final ContextReference<LinContext> CONTEXT = ContextReference.create(LinLanguage.class);

    private final Map<String, LinFunction> builtinFunctions = new ConcurrentHashMap<>();

    @Override
    protected LinContext createContext(Env env) {
        return new LinContext(env);
    }

    @Override
    protected CallTarget parse(ParsingRequest request) {
        Source source = request.getSource();
        var checked = new org.linlang.compiler.source.Source(displayPath(source), source.getCharacters().toString());
        CheckResult result = Frontend.check(checked);
        if (!result.ok()) throw new LinParseError(source, result.diagnostics());
        return new LinTranslator(this, source, result.program().main()).translateScript().getCallTarget();
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
}
