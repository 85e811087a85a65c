package org.linlang.runtime.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.io.IOAccess;
import org.linlang.runtime.checkpoint.Checkpoint;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.engine.Engine;

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
     * The engine that runs the model's calls, as for lin run: interp; cpu (each call of the model compiled
     * into a plan, a model it cannot compile refused with the reason); auto (cpu where it can, else interp,
     * said once). The device engines (cuda, opencl) run scripts' calls ({@code lin run}) but are not
     * tested on checkpoints yet, and are refused by name.
     */
    static Engine engine(String engine) throws Refused {
        String name = engine.toLowerCase(Locale.ROOT);
        if (name.equals("cuda") || name.equals("opencl")) {
            throw new Refused(LinCli.EXIT_USAGE, "engine '" + name + "' does not run whole models yet; use --engine cpu or interp");
        }
        try {
            return Engine.parse(engine);
        } catch (IllegalArgumentException e) {
            throw new Refused(LinCli.EXIT_USAGE, "unknown engine '" + engine + "'; choose interp, cpu, cuda or auto");
        }
    }

    static Context context(Io io, Engine engine) {
        return Context.newBuilder(LinLanguage.ID).in(io.in()).out(new CheckedOutput(io.out())).err(io.err())
                .allowIO(IOAccess.ALL).allowExperimentalOptions(true).option("lin.Engine", engine.word()).build();
    }

    static CausalLM load(Context context, Path dir) {
        return CausalLM.load(context, Checkpoint.open(dir, dir.toString()));
    }
}
