package org.linlang.runtime.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lin repl}: an interactive session. On a terminal it edits lines with JLine and keeps a
 * history; on anything else (a pipe, a file) it reads one input per line, prints values on standard
 * output and errors on standard error, without prompts, so it can be scripted:
 * {@code printf 'let x = 2\nx * 3\n' | lin repl} prints {@code 6}.
 */
@Command(name = "repl",
        description = {"Start an interactive Lin session.",
                "Definitions, imports and lets stay for later inputs; the value of an expression is printed.",
                "Commands: :help, :type EXPR, :time EXPR, :load FILE, :engine NAME, :quit.",
                "When standard input is not a terminal, inputs are read one per line (joined while a bracket is open)",
                "and the exit status is 1 if any input had an error, else 0.",
                "History: ~/.lin_history (or --history FILE, or the LIN_HISTORY environment variable)."})
final class ReplCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "interp",
            description = "Which engine runs block and model calls: interp (the default), cpu (compiled plans), auto "
                    + "(cpu where it can, else interp, said once per block), opencl or cuda (device plans on the GPU kernels).")
    String engine;

    @Option(names = "--history", paramLabel = "FILE", description = "Where to keep the history (default ~/.lin_history).")
    Path history;

    @Option(names = "--no-history", description = "Keep no history file.")
    boolean noHistory;

    ReplCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        String problem = Repl.engineProblem(engine);
        if (problem != null) {
            io.err().println("lin: " + problem);
            return LinCli.EXIT_USAGE;
        }
        Path historyFile = noHistory ? null : historyFile();
        Terminal terminal = interactive() ? terminal() : null;
        try (Repl repl = new Repl(io, engine, terminal == null || historyFile == null ? null : historyFile.toString())) {
            if (terminal != null) {
                try (terminal) {
                    new ReplTerminal(repl, terminal, historyFile).read();
                }
                return LinCli.EXIT_OK;
            }
            repl.readPlain(io.in());
            return repl.hadErrors() ? LinCli.EXIT_ERRORS : LinCli.EXIT_OK;
        }
    }

    private Path historyFile() {
        if (history != null) return history;
        String fromEnv = io.env().get("LIN_HISTORY");
        if (fromEnv != null && !fromEnv.isBlank()) return Path.of(fromEnv);
        String home = io.env().getOrDefault("HOME", System.getProperty("user.home"));
        return home == null || home.isBlank() ? null : Path.of(home, ".lin_history");
    }

    /** A terminal on both ends: the process's own standard input and output, and a console. */
    private boolean interactive() {
        if (io.in() != System.in || io.out() != System.out) return false;
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** The system terminal, or null (then the plain reader is used) when JLine cannot open one. */
    private Terminal terminal() {
        try {
            Terminal t = TerminalBuilder.builder().system(true).dumb(false).build();
            if (Terminal.TYPE_DUMB.equals(t.getType()) || Terminal.TYPE_DUMB_COLOR.equals(t.getType())) {
                t.close();
                return null;
            }
            return t;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
