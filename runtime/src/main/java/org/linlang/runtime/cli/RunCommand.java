package org.linlang.runtime.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.source.Source;
import org.linlang.runtime.truffle.LinLanguage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lin run FILE}: check the file, then run its script statements with the Truffle interpreter. */
@Command(name = "run",
        description = {"Check a Lin file, then run its script statements.",
                "The program's output goes to standard output; diagnostics and runtime errors to standard error.",
                "Exits with 1 if the file has errors or the program stops with a runtime error, else 0."})
final class RunCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .lin file to run.")
    Path file;

    @Option(names = "--engine", defaultValue = "interp", paramLabel = "ENGINE",
            description = "Which engine runs block and model calls: interp, cpu (compiled plans), auto (cpu where it can, else interp), opencl or cuda (device plans); default: ${DEFAULT-VALUE}.")
    String engine;

    RunCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        try {
            org.linlang.runtime.truffle.engine.Engine.parse(engine);
        } catch (IllegalArgumentException e) {
            io.err().println("lin run: " + e.getMessage());
            return LinCli.EXIT_USAGE;
        }
        // Starting the polyglot engine takes longer than checking the file: do both at once.
        CompletableFuture<Context> pending = CompletableFuture.supplyAsync(this::newContext, RunCommand::startDaemon);
        String path = file.toString();
        String text;
        CheckResult checked;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
            checked = Frontend.check(new Source(path, text));
        } catch (IOException e) {
            text = null;
            checked = Frontend.check(file); // reports the file as unreadable, like `lin check`
        }
        if (!checked.diagnostics().isEmpty()) io.err().print(DiagnosticPrinter.render(checked.diagnostics()));
        if (!checked.ok() || text == null) {
            io.err().println(Summary.of(checked.diagnostics(), path));
            io.err().flush();
            pending.whenComplete((context, failure) -> {
                if (context != null) context.close();
            });
            return LinCli.EXIT_ERRORS;
        }
        Context created;
        try {
            created = pending.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                // e.g. a misspelt -Dpolyglot.* option
                io.err().println("lin: cannot start the interpreter: " + bad.getMessage());
                return LinCli.EXIT_USAGE;
            }
            throw e;
        }
        io.out().flush();
        try (Context context = created) {
            context.eval(org.graalvm.polyglot.Source.newBuilder(LinLanguage.ID, text, path).buildLiteral());
            return LinCli.EXIT_OK;
        } catch (PolyglotException e) {
            return RuntimeErrorPrinter.report(e, io);
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    private Context newContext() {
        return Context.newBuilder(LinLanguage.ID).in(io.in()).out(new CheckedOutput(io.out())).err(io.err())
                // A script run from the command line has the user's own file access (load, save, imports).
                .allowIO(org.graalvm.polyglot.io.IOAccess.ALL)
                // Lets developers pass Truffle's diagnostic options, e.g.
                // LIN_JAVA_OPTS=-Dpolyglot.engine.TraceCompilation=true ./lin run FILE
                .allowExperimentalOptions(true)
                .option("lin.Engine", engine)
                .build();
    }

    private static void startDaemon(Runnable task) {
        Thread t = new Thread(task, "lin-engine-start");
        t.setDaemon(true);
        t.start();
    }
}
