package org.linlang.runtime.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.io.IOAccess;
import org.linlang.runtime.checkpoint.Checkpoint;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.truffle.LinLanguage;

/** What lin forward, generate and chat share: the engine choice and a context with the checkpoint's model loaded. */
final class CheckpointRun {
    /** A problem for the user: one line, then the exit status. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private CheckpointRun() {}

    /**
     * The engine that runs the model's calls: interp, cpu (each call a compiled plan), or auto (cpu where
     * it can, the interpreter for a call it refuses, said once); cuda does not run whole models yet.
     */
    static String checkEngine(String engine) throws Refused {
        String e = engine.toLowerCase(Locale.ROOT);
        return switch (e) {
            case "interp", "cpu", "auto" -> e;
            case "cuda" -> throw new Refused(LinCli.EXIT_USAGE, "engine 'cuda' does not run whole models yet; use --engine cpu or interp");
            default -> throw new Refused(LinCli.EXIT_USAGE, "unknown engine '" + engine + "'; choose interp, cpu, cuda or auto");
        };
    }

    /** A context whose block and model calls run on {@code engine}. */
    static Context context(Io io, String engine) {
        return Context.newBuilder(LinLanguage.ID).in(io.in()).out(new CheckedOutput(io.out())).err(io.err())
                .allowIO(IOAccess.ALL).allowExperimentalOptions(true).option("lin.Engine", engine).build();
    }

    static CausalLM load(Context context, Path dir) {
        return CausalLM.load(context, Checkpoint.open(dir, dir.toString()));
    }
}
