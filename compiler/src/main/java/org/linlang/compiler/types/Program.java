package org.linlang.compiler.types;

import org.linlang.compiler.ast.Module;

/** A checked program: the entry module, the modules it imports, and the types of its expressions. */
public final class Program {
    private final Module main;

    public Program(Module main) {
        this.main = main;
    }

    public Module main() { return main; }
}
