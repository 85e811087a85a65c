package org.linlang.runtime.truffle.parser;

import com.oracle.truffle.api.source.Source;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Ident;
import org.linlang.compiler.ast.Import;
import org.linlang.compiler.ast.Module;
import org.linlang.compiler.diag.Diagnostics;
import org.linlang.compiler.resolve.ModuleLoader;
import org.linlang.compiler.types.Program;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.nodes.blocks.LinWeightsRootNode;
import org.linlang.runtime.truffle.values.LinFunction;

/**
 * The modules of one program as the interpreter translates them: each module once, imported modules
 * on demand, so that every module's definitions exist once and imports bind the same values. With the
 * checked {@link Program} the imported modules are the ones the checker loaded (and their types are
 * known); without it (a translator made from a module alone) they are loaded and parsed here.
 */
final class ModuleUnits {
    private final LinLanguage language;
    private final Program program;
    private final Map<Module, LinTranslator> units = new IdentityHashMap<>();
    private ModuleLoader loader;
    private LinFunction load;
    private LinFunction save;
    private LinFunction session;
    private LinFunction reset;

    ModuleUnits(LinLanguage language, Program program) {
        this.language = language;
        this.program = program;
    }

    Program program() { return program; }

    /** Registers the translator of a module (the entry module's, made by the caller). */
    void register(Module module, LinTranslator translator) { units.put(module, translator); }

    /** The translator of an imported module, translating its definitions the first time. */
    LinTranslator unit(Module module) {
        LinTranslator existing = units.get(module);
        if (existing != null) return existing;
        String path = module.source().path();
        Source source = Source.newBuilder(LinLanguage.ID, module.source().text(), path).mimeType(LinLanguage.MIME_TYPE).build();
        LinTranslator t = new LinTranslator(language, source, module, this);
        units.put(module, t);
        t.translateDefinitions();
        return t;
    }

    /** The module an import refers to, or null. */
    Module moduleOf(Import imp, Module from) {
        List<Ident> parts = imp.path();
        String relative = String.join("/", parts.stream().map(Ident::name).toList()) + ".lin";
        boolean std = parts.getFirst().name().equals("std");
        String expected;
        if (std) {
            expected = relative;
        } else {
            Path base = Path.of(from.source().path()).getParent();
            expected = (base == null ? Path.of(relative) : base.resolve(relative)).normalize().toString();
        }
        if (program != null) {
            for (Module m : program.modules()) if (m.source().path().equals(expected)) return m;
        }
        for (Module m : units.keySet()) if (m.source().path().equals(expected)) return m;
        if (loader == null) loader = new ModuleLoader(new Diagnostics(), Path.of(""));
        return loader.load(imp, from.source());
    }

    /** {@code m.load(path)}, which every block has: its instance is argument 0. */
    LinFunction loadFunction() {
        if (load == null) {
            load = LinFunction.user("load", new String[] {"path"}, new boolean[] {false});
            load.setCallTarget(new LinWeightsRootNode(language, true).getCallTarget());
        }
        return load;
    }

    /** {@code m.session()}: a session of the instance (shared weights, its own states). */
    LinFunction sessionFunction() {
        if (session == null) {
            session = LinFunction.user("session", new String[0], new boolean[0]);
            session.setCallTarget(new org.linlang.runtime.truffle.nodes.blocks.LinSessionRootNode(language, false).getCallTarget());
        }
        return session;
    }

    /** {@code s.reset()}: empties a session's states. */
    LinFunction resetFunction() {
        if (reset == null) {
            reset = LinFunction.user("reset", new String[0], new boolean[0]);
            reset.setCallTarget(new org.linlang.runtime.truffle.nodes.blocks.LinSessionRootNode(language, true).getCallTarget());
        }
        return reset;
    }

    /** {@code m.save(path)}. */
    LinFunction saveFunction() {
        if (save == null) {
            save = LinFunction.user("save", new String[] {"path"}, new boolean[] {false});
            save.setCallTarget(new LinWeightsRootNode(language, false).getCallTarget());
        }
        return save;
    }
}
