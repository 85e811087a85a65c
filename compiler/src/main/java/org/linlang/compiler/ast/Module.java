package org.linlang.compiler.ast;

import java.util.List;
import org.linlang.compiler.source.Source;

/** One parsed .lin file: its imports, its definitions, and its script statements in order. */
public record Module(Source source, List<Import> imports, List<Decl> decls, List<Stmt> script) {
    public Module {
        imports = List.copyOf(imports);
        decls = List.copyOf(decls);
        script = List.copyOf(script);
    }
}
