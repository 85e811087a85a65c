package org.linlang.runtime.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.diag.Diagnostic;
import org.linlang.compiler.diag.DiagnosticJson;
import org.linlang.compiler.diag.DiagnosticPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lin check FILE…}: the front end's diagnostics, without running anything. */
@Command(name = "check",
        description = {"Check Lin files for errors without running them.",
                "Diagnostics (file:line:col, the source line and a caret) and one summary line per file go to"
                        + " standard output; with --json, one JSON array of all diagnostics and nothing else does.",
                "Exits with 1 if any file has an error, else 0."})
final class CheckCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--json", description = "Print the diagnostics of all files as one JSON array.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .lin files to check.")
    List<Path> files;

    CheckCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        List<Diagnostic> all = new ArrayList<>();
        boolean failed = false;
        for (Path file : files) {
            CheckResult result = Frontend.check(file);
            all.addAll(result.diagnostics());
            failed |= !result.ok();
            if (!json) {
                io.out().print(DiagnosticPrinter.render(result.diagnostics()));
                io.out().println(Summary.of(result.diagnostics(), file.toString()));
            }
        }
        if (json) io.out().print(DiagnosticJson.render(all));
        io.out().flush();
        return failed ? LinCli.EXIT_ERRORS : LinCli.EXIT_OK;
    }
}
