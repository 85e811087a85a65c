package org.linlang.runtime.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.linlang.compiler.types.Builtin;
import org.linlang.compiler.types.Builtins;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * The REPL's session: one polyglot context for all inputs, so what an input defines stays for the
 * next ones (the context's {@code LinSession} checks each input against the earlier ones and keeps
 * their definitions and top-level {@code let}s). Inputs are Lin code or commands ({@code :help}).
 *
 * <p>The value of an input that ends in an expression is printed; errors of any kind are printed
 * with their place, and the session goes on. {@link #readPlain} reads inputs from a stream that is
 * not a terminal, one per line (lines are joined while an input is unfinished: see
 * {@link ReplInput}); {@link ReplTerminal} reads them from a terminal with JLine.
 */
final class Repl implements AutoCloseable {
    /** The engines a session runs on (the context option lin.Engine). */
    private static final List<String> ENGINES = List.of("interp", "cpu", "auto", "opencl", "cuda");
    static final List<String> COMMANDS = List.of(":help", ":type", ":time", ":load", ":engine", ":quit");
    static final List<String> KEYWORDS = List.of("import", "as", "fn", "recurrence", "block", "model", "state", "let",
            "return", "emit", "for", "in", "if", "then", "else", "and", "or", "not", "true", "false");

    private final Io io;
    private final Context context;
    private final String engine;
    private final String historyNote;
    private int inputs;
    private boolean hadErrors;
    /** Set while Lin code runs, so that Ctrl-C can interrupt it. */
    private volatile boolean running;

    /** A session whose block and model calls run on {@code engine} (interp, cpu, auto, opencl or cuda; see {@link #engineProblem}). */
    Repl(Io io, String engine, String historyNote) {
        this.io = io;
        this.engine = engine;
        this.historyNote = historyNote;
        this.context = Context.newBuilder(LinLanguage.ID)
                .in(InputStream.nullInputStream())
                .out(new CheckedOutput(io.out()))
                .err(io.err())
                // The person at the keyboard has their own file access, as with `lin run`.
                .allowIO(IOAccess.ALL)
                .allowExperimentalOptions(true)
                .option("lin.Engine", engine)
                .build();
    }

    /** Whether any input so far had an error. */
    boolean hadErrors() { return hadErrors; }

    // ---- reading ------------------------------------------------------------------------------------

    /**
     * Reads inputs from a stream that is not a terminal until its end or {@code :quit}: no prompts,
     * values on standard output, errors on standard error.
     */
    void readPlain(InputStream in) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String pending = null; // lines of an input that is not finished yet
        ReplInput.State pendingState = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (pending == null && line.isBlank()) continue;
            String text = pending == null ? line : pending + "\n" + line;
            ReplInput.State state = ReplInput.state(text);
            if (pendingState == ReplInput.State.UNFINISHED && (line.isBlank() || state == ReplInput.State.BROKEN)) {
                // `let x =` and then a line that does not continue it: the unfinished input is one of its
                // own (its error is shown), and this line starts the next input.
                if (!handle(pending)) return;
                pending = null;
                pendingState = null;
                if (line.isBlank()) continue;
                text = line;
                state = ReplInput.state(text);
            }
            if (state == ReplInput.State.OPEN || state == ReplInput.State.UNFINISHED) {
                pending = text;
                pendingState = state;
                continue;
            }
            pending = null;
            pendingState = null;
            if (!handle(text)) return;
        }
        if (pending != null) handle(pending); // unfinished at the end: its error is shown
    }

    // ---- one input ----------------------------------------------------------------------------------

    /** Runs one whole input (code or a command). Returns false when the session should end. */
    boolean handle(String input) {
        try {
            String trimmed = input.strip();
            if (trimmed.isEmpty()) return true;
            if (ReplInput.isCommand(trimmed)) return command(trimmed);
            Value v = run(() -> context.eval(sessionSource(input)));
            if (v != null && !v.isNull()) {
                io.out().println(ReplFormat.show(v));
                io.out().flush();
            }
        } catch (Exception | StackOverflowError e) {
            // Not a Lin error: a bug. One line, and the session goes on.
            hadErrors = true;
            BugReport.report(e, io);
        }
        return !CheckedOutput.failed(io.out()); // stdout closed (`lin repl < in | head`): stop
    }

    private Source sessionSource(String code) {
        return Source.newBuilder(LinLanguage.ID, code, "<repl " + (++inputs) + ">")
                .mimeType(LinLanguage.SESSION_MIME_TYPE).cached(false).buildLiteral();
    }

    private interface Action { Value run(); }

    /** Runs Lin code; prints its error and returns null when it fails. */
    private Value run(Action action) {
        running = true;
        try {
            return action.run();
        } catch (PolyglotException e) {
            report(e);
            return null;
        } finally {
            running = false;
        }
    }

    private void report(PolyglotException e) {
        hadErrors = true;
        io.out().flush();
        if (e.isInterrupted() || e.isCancelled()) {
            io.err().println("interrupted");
        } else if (e.isInternalError() || e.isHostException()) {
            BugReport.report(e, io);
        } else if (e.isSyntaxError()) {
            io.err().println(e.getMessage());
        } else {
            io.err().print(RuntimeErrorPrinter.render(e));
        }
        io.err().flush();
    }

    /** Ctrl-C while code runs: stops it (from another thread, as the context requires). */
    void interrupt() {
        if (!running) return;
        Thread t = new Thread(() -> {
            try {
                context.interrupt(Duration.ofSeconds(10));
            } catch (Exception e) {
                // it finished by itself, or cannot be stopped: nothing more to do
            }
        }, "lin-interrupt");
        t.setDaemon(true);
        t.start();
    }

    // ---- commands -----------------------------------------------------------------------------------

    private boolean command(String line) {
        int space = line.indexOf(' ');
        String name = space < 0 ? line : line.substring(0, space);
        String arg = space < 0 ? "" : line.substring(space + 1).strip();
        switch (name) {
            case ":help", ":h", ":?" -> help();
            case ":quit", ":q", ":exit" -> { return false; }
            case ":type", ":t" -> typeOf(arg);
            case ":time" -> time(arg);
            case ":load", ":l" -> load(arg);
            case ":engine" -> engine(arg);
            default -> error("unknown command '" + name + "'; :help lists the commands");
        }
        return true;
    }

    private void error(String message) {
        hadErrors = true;
        io.out().flush();
        io.err().println("error: " + message);
        io.err().flush();
    }

    private void help() {
        var out = new StringBuilder();
        out.append("""
                Type Lin code to run it; definitions, imports and lets stay for later inputs, and the value of an
                input that ends in an expression is printed. Lines are joined while a bracket or brace is open
                or a statement is unfinished (a blank line ends an unfinished one).

                Commands:
                  :help             this text
                  :type EXPR        the type of an expression, with its shape, without running it
                  :time EXPR        runs an expression several times and prints the median time
                  :load FILE        checks and runs a .lin file in this session
                  :engine           shows the engine of block and model calls (lin repl --engine)
                  :quit             ends the session (as does Ctrl-D)
                """);
        if (historyNote != null) out.append("History is kept in ").append(historyNote).append(".\n");
        out.append("\nBuiltins:\n");
        int width = 24; // longer signatures put their documentation on the next line
        for (Builtin b : Builtins.all().values()) {
            String signature = b.signature();
            out.append("  ").append(signature);
            out.append(signature.length() > width ? "\n" + " ".repeat(width + 4) : " ".repeat(width - signature.length() + 2));
            out.append(b.doc()).append('\n');
        }
        io.out().print(out);
        io.out().flush();
    }

    private void typeOf(String expr) {
        if (expr.isEmpty()) {
            error(":type needs an expression, e.g. :type zeros([2, 3])");
            return;
        }
        Source query = Source.newBuilder(LinLanguage.ID, expr, "<type>").mimeType(LinLanguage.TYPE_MIME_TYPE).cached(false).buildLiteral();
        Value type = run(() -> context.eval(query));
        if (type != null) io.out().println(type.asString());
        io.out().flush();
    }

    /** Warms the code up for about half a second, then times it for about a second (at least 3 runs). */
    private void time(String code) {
        if (code.isEmpty()) {
            error(":time needs an expression, e.g. :time sum(randn([256, 256]))");
            return;
        }
        Value program = run(() -> context.parse(sessionSource(code)));
        if (program == null) return;
        int warmups = 0;
        long start = System.nanoTime();
        do {
            if (run(program::execute) == null) return;
            warmups++;
        } while (System.nanoTime() - start < 500_000_000L && warmups < 1000);
        List<Long> times = new ArrayList<>();
        start = System.nanoTime();
        while (times.size() < 3 || (System.nanoTime() - start < 1_000_000_000L && times.size() < 1000)) {
            long t0 = System.nanoTime();
            if (run(program::execute) == null) return;
            times.add(System.nanoTime() - t0);
        }
        Collections.sort(times);
        int n = times.size();
        double median = n % 2 == 1 ? times.get(n / 2) : (times.get(n / 2 - 1) + times.get(n / 2)) / 2.0;
        io.out().println("median " + ReplFormat.duration(median) + " (min " + ReplFormat.duration(times.getFirst())
                + ", max " + ReplFormat.duration(times.getLast()) + ", " + n + " runs after " + warmups + " warm-up runs)");
        io.out().flush();
    }

    private void load(String file) {
        if (file.isEmpty()) {
            error(":load needs a file, e.g. :load examples/hello.lin");
            return;
        }
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            error("cannot load '" + file + "': not a valid path");
            return;
        }
        if (!Files.isRegularFile(path)) {
            error("cannot load " + file + ": " + (Files.isDirectory(path) ? "it is a directory" : "no such file"));
            return;
        }
        Source source;
        try {
            // From the file, so that the session knows its path: its imports are found next to it.
            source = Source.newBuilder(LinLanguage.ID, path.toFile()).mimeType(LinLanguage.SESSION_MIME_TYPE).cached(false).build();
        } catch (IOException e) {
            error("cannot load " + file + ": " + e.getMessage());
            return;
        }
        run(() -> context.eval(source));
    }

    private void engine(String name) {
        if (name.isEmpty() || name.equals(engine)) {
            io.out().println("engine: " + engine + " (" + describe(engine) + ")");
        } else if (ENGINES.contains(name)) {
            error("the engine is chosen when the session starts (lin repl --engine " + name + "); this session stays on " + engine);
        } else {
            error(unknown(name));
        }
        io.out().flush();
    }

    private static String describe(String engine) {
        return switch (engine) {
            case "cpu" -> "block and model calls compiled into cpu plans, the rest on the Truffle interpreter";
            case "auto" -> "block and model calls on the cpu engine where it compiles them, else on the Truffle interpreter";
            case "opencl", "cuda" -> "block and model calls as device plans on the " + engine
                    + " kernels (a session's states copied in and out per call), the rest on the Truffle interpreter";
            default -> "the Truffle interpreter";
        };
    }

    /** Checks an engine name given on the command line: null when usable, else why not. */
    static String engineProblem(String name) {
        return ENGINES.contains(name) ? null : unknown(name);
    }

    private static String unknown(String name) {
        return "unknown engine '" + name + "'; the engines are interp, cpu, auto, opencl and cuda";
    }

    // ---- completion ---------------------------------------------------------------------------------

    /** Names for completion: what the session defined, the builtins and the keywords. */
    Set<String> names() {
        Set<String> names = new TreeSet<>(Builtins.all().keySet());
        names.addAll(KEYWORDS);
        try {
            names.addAll(context.getBindings(LinLanguage.ID).getMemberKeys());
        } catch (PolyglotException | IllegalStateException e) {
            // completion without the session's names is still useful
        }
        return names;
    }

    @Override
    public void close() {
        context.close(true);
    }
}
