package org.linlang.compiler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.parse.Parsing;
import org.linlang.compiler.source.Source;
import org.linlang.compiler.source.Span;
import org.linlang.compiler.resolve.ModuleLoader;
import org.linlang.compiler.types.Checker;
import org.linlang.compiler.types.Program;

/** The front end as one call: parse, load imports, resolve names, check types and shapes. */
public final class Frontend {
    private Frontend() {}

    public static CheckResult check(Path file) {
        String text;
        try {
            // Decoding replaces bytes that are not UTF-8, so the lexer can point at them.
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            var diags = new Diagnostics();
            var src = new Source(file.toString(), "");
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : Files.isDirectory(file) ? "it is a directory" : String.valueOf(e.getMessage());
            diags.error(Code.E006, new Span(src, 0, 0), "cannot read " + file + ": " + why);
            return new CheckResult(null, diags.sorted());
        }
        return check(new Source(file.toString(), text));
    }

    public static CheckResult check(Source source) {
        return check(source, Path.of(""));
    }

    /** Checks a source whose relative path (and relative imports) are found under {@code baseDir}. */
    public static CheckResult check(Source source, Path baseDir) {
        var diags = new Diagnostics();
        Module module;
        try {
            module = Parsing.parse(source, diags);
        } catch (RuntimeException | StackOverflowError e) {
            diags.error(Code.E099, new Span(source, 0, 0), internalErrorMessage(e));
            return new CheckResult(null, diags.sorted());
        }
        if (module == null) return new CheckResult(null, diags.sorted());
        try {
            Program program = new Checker(diags, new ModuleLoader(diags, baseDir)).check(module);
            return new CheckResult(program, diags.sorted());
        } catch (RuntimeException | StackOverflowError e) {
            if (System.getenv("LIN_DEBUG") != null) e.printStackTrace();
            diags.error(Code.E099, new Span(source, 0, 0), internalErrorMessage(e));
            return new CheckResult(null, diags.sorted());
        }
    }

    static String internalErrorMessage(Throwable e) {
        return "internal compiler error (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "); please report it with this file at the project's issue tracker";
    }
}
