package org.linlang.runtime.truffle.session;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.TruffleFile;
import com.oracle.truffle.api.TruffleLanguage.Env;
import com.oracle.truffle.api.nodes.Node;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.ast.Ident;
import org.linlang.compiler.ast.Import;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.diag.Severity;
import org.linlang.compiler.parse.Parsing;
import org.linlang.compiler.source.Source;
import org.linlang.runtime.truffle.LinParseError;
import org.linlang.runtime.truffle.LinRuntimeError;

/**
 * Host files a Lin program touches go through the context's file system, so that an embedder's
 * {@code IOAccess} decides: {@code Context.create("lin")} allows no file access at all,
 * {@code org.linlang.runtime.api.Lin} allows the folders its builder names, the CLI allows everything.
 *
 * <p>Code that reads or writes a file for a program asks {@link #fileForReading} or
 * {@link #fileForWriting} first; they throw a Lin error when the context does not allow it, and
 * return the host path to open (or map) otherwise. The compiler reads imported modules itself, so
 * {@link #refusedImports} asks the same question before a source is checked.
 */
public final class LinSandbox {
    private LinSandbox() {}

    /** The folder relative paths of the context resolve against (the process's when it may not say). */
    public static Path workingDirectory(Env env) {
        try {
            return Path.of(env.getCurrentWorkingDirectory().getPath());
        } catch (SecurityException | UnsupportedOperationException | InvalidPathException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    /** The host path of a file the program may read; else a Lin error at {@code location}. */
    @TruffleBoundary
    public static Path fileForReading(Env env, String path, Node location) {
        TruffleFile file = truffleFile(env, path, "read", location);
        try {
            file.exists(); // the context's file system refuses what the embedder did not allow
        } catch (SecurityException e) {
            throw new LinRuntimeError(refusal(e, "read", path), location);
        }
        return Path.of(file.getAbsoluteFile().getPath());
    }

    /** The host path of a file the program may create or replace; else a Lin error at {@code location}. */
    @TruffleBoundary
    public static Path fileForWriting(Env env, String path, Node location) {
        TruffleFile file = truffleFile(env, path, "write", location);
        try {
            file.isWritable();
            TruffleFile parent = file.getAbsoluteFile().getParent();
            if (parent != null) parent.isWritable(); // writes go through a temporary file next to it
        } catch (SecurityException e) {
            throw new LinRuntimeError(refusal(e, "write", path), location);
        }
        return Path.of(file.getAbsoluteFile().getPath());
    }

    private static TruffleFile truffleFile(Env env, String path, String verb, Node location) {
        try {
            return env.getPublicTruffleFile(path);
        } catch (SecurityException e) {
            throw new LinRuntimeError(refusal(e, verb, path), location);
        } catch (InvalidPathException | UnsupportedOperationException e) {
            throw new LinRuntimeError("cannot " + verb + " '" + path + "': it is not a valid path here", location);
        }
    }

    /** The message for a refused access: the sandbox's own (it names the file and what is allowed), or a general one. */
    private static String refusal(SecurityException e, String verb, String path) {
        if (e instanceof LinAccessDenied) return e.getMessage();
        return "cannot " + verb + " " + path + ": " + verb.replace("read", "reading").replace("write", "writing")
                + " files is not allowed in this context (its embedder has not allowed file access)";
    }

    /**
     * Refuses a source that imports local modules the context may not read (with a
     * {@link LinParseError} listing them). A source with a path is a file the user or the embedder
     * chose: the modules next to it are part of its program, so its imports are not checked.
     */
    @TruffleBoundary
    public static void checkImports(Env env, com.oracle.truffle.api.source.Source truffleSource, Source source, Path baseDir) {
        if (truffleSource.getPath() != null) return;
        List<Diagnostic> refused = refusedImports(env, source, baseDir);
        if (!refused.isEmpty()) throw new LinParseError(truffleSource, refused);
    }

    /**
     * Imports of local modules in {@code source} that the context may not read, as diagnostics (an
     * empty list when there are none). {@code std.*} modules are resources, always allowed. Relative
     * module paths resolve as the compiler's module loader resolves them: next to the importing
     * source, under {@code baseDir}. Module paths are dotted names, so the modules those modules
     * import lie in the same folder or below it.
     */
    @TruffleBoundary
    public static List<Diagnostic> refusedImports(Env env, Source source, Path baseDir) {
        if (!source.text().contains("import")) return List.of();
        Module module;
        try {
            module = Parsing.parse(source, new Diagnostics());
        } catch (RuntimeException e) {
            return List.of(); // the checker reports it
        }
        if (module == null) return List.of();
        List<Diagnostic> refused = new ArrayList<>();
        for (Import imp : module.imports()) {
            if (imp.path().getFirst().name().equals("std")) continue;
            String relative = String.join("/", imp.path().stream().map(Ident::name).toList()) + ".lin";
            Path file;
            try {
                Path parent = Path.of(source.path()).getParent();
                file = baseDir.resolve(parent == null ? Path.of(relative) : parent.resolve(relative)).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                file = baseDir.resolve(relative).toAbsolutePath().normalize();
            }
            String denied = readDenied(env, file);
            if (denied != null) {
                var span = imp.path().getFirst().span().to(imp.path().getLast().span());
                refused.add(new Diagnostic(Severity.ERROR, Code.E006, span,
                        "cannot import '" + imp.dottedPath() + "': " + denied, List.of()));
            }
        }
        return refused;
    }

    private static String readDenied(Env env, Path file) {
        try {
            env.getPublicTruffleFile(file.toString()).exists();
            return null;
        } catch (SecurityException e) {
            return e instanceof LinAccessDenied ? e.getMessage()
                    : "reading " + file + " is not allowed in this context (its embedder has not allowed file access)";
        } catch (InvalidPathException | UnsupportedOperationException e) {
            return "'" + file + "' is not a valid path here";
        }
    }
}
