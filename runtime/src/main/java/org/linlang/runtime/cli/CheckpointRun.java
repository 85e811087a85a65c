package org.linlang.runtime.cli;

import java.nio.file.Path;
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
     * said once); opencl and cuda (each call a device plan, as {@code lin run} runs them: weights uploaded
     * once, a session's states copied in and out per call; what the kernels cannot run is refused in one sentence).
     */
    static Engine engine(String engine) throws Refused {
        try {
            return Engine.parse(engine);
        } catch (IllegalArgumentException e) {
            throw new Refused(LinCli.EXIT_USAGE, "unknown engine '" + engine + "'; choose interp, cpu, auto, opencl or cuda");
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
