package org.linlang.compiler.resolve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Ident;
import org.linlang.compiler.ast.Import;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.diag.Code;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.parse.Parsing;
import org.linlang.compiler.source.Source;

/**
 * Finds and parses imported modules, each once: {@code std.nn} is the standard library's resource
 * {@code std/nn.lin}; any other {@code a.b} is the file {@code a/b.lin} next to the importing file.
 */
public final class ModuleLoader {
    private final Diagnostics diags;
    private final Path baseDir;
    private final Map<String, Module> loaded = new HashMap<>();

    /** {@code baseDir} is where relative source paths are found (the working directory for the CLI). */
    public ModuleLoader(Diagnostics diags, Path baseDir) {
        this.diags = diags;
        this.baseDir = baseDir;
    }

    /** The imported module, or null (with a diagnostic) when it cannot be found or does not parse. */
    public Module load(Import imp, Source from) {
        List<Ident> path = imp.path();
        String relative = String.join("/", path.stream().map(Ident::name).toList()) + ".lin";
        boolean std = path.getFirst().name().equals("std");
        Path sibling = resolveSibling(from, relative);
        String key = std ? "std:" + relative : baseDir.resolve(sibling).toAbsolutePath().normalize().toString();
        if (loaded.containsKey(key)) return loaded.get(key);
        loaded.put(key, null); // a module importing itself, directly or not, sees the first load's result
        Source source = std ? readResource(relative) : readFile(baseDir.resolve(sibling), sibling.toString());
        if (source == null) {
            String what = std ? "the standard library has no module '" + imp.dottedPath() + "'"
                    : "cannot find module '" + imp.dottedPath() + "' (looked for " + relative + " next to " + from.path() + ")";
            diags.error(Code.E011, spanOfPath(imp), what);
            return null;
        }
        Module m = Parsing.parse(source, diags);
        loaded.put(key, m);
        return m;
    }

    private static org.linlang.compiler.source.Span spanOfPath(Import imp) {
        return imp.path().getFirst().span().to(imp.path().getLast().span());
    }

    /** The imported file's path written like the importer's (relative stays relative), for messages. */
    private static Path resolveSibling(Source from, String relative) {
        Path base = Path.of(from.path()).getParent();
        return (base == null ? Path.of(relative) : base.resolve(relative)).normalize();
    }

    private static Source readResource(String relative) {
        try (InputStream in = ModuleLoader.class.getClassLoader().getResourceAsStream(relative)) {
            if (in == null) return null;
            return new Source(relative, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }

    private static Source readFile(Path file, String shownAs) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return new Source(shownAs, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }
}
