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

    /** Whole models run on interp so far; the others are refused by name, auto says what it picked. */
    static void checkEngine(String engine, String command, Io io) throws Refused {
        switch (engine.toLowerCase(Locale.ROOT)) {
            case "interp" -> { }
            case "auto" -> io.err().println("lin " + command + ": engine auto runs on interp (the cpu and cuda engines do not run whole models yet)");
            case "cpu", "cuda" -> throw new Refused(LinCli.EXIT_USAGE, "engine '" + engine + "' does not run whole models yet; use --engine interp");
            default -> throw new Refused(LinCli.EXIT_USAGE, "unknown engine '" + engine + "'; choose interp, cpu, cuda or auto");
        }
    }

    static Context context(Io io) {
        return Context.newBuilder(LinLanguage.ID).in(io.in()).out(new CheckedOutput(io.out())).err(io.err())
                .allowIO(IOAccess.ALL).allowExperimentalOptions(true).build();
    }

    static CausalLM load(Context context, Path dir) {
        return CausalLM.load(context, Checkpoint.open(dir, dir.toString()));
    }
}
