package org.linlang.runtime.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.recurrence.FormPrinter;
import org.linlang.compiler.recurrence.RecurrenceClassifier;
import org.linlang.compiler.recurrence.RecurrenceForm;
import org.linlang.compiler.source.Source;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lin explain FILE | MODULE}: what the compiler concluded about each recurrence, in words. */
@Command(name = "explain",
        description = {"Explain how Lin will run the recurrences of a file or module (e.g. std.ops):",
                "each one's class (diagonal, delta, general, nonlinear), why, and the pieces the chunked",
                "algorithms use (decay, key, beta, value, query)."})
final class ExplainCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--all", description = "Also explain the recurrences of the modules the file imports.")
    boolean all;

    @Parameters(paramLabel = "FILE|MODULE", description = "A .lin file, or a module path such as std.ops.")
    String target;

    ExplainCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        boolean isModule = !target.endsWith(".lin") && !Files.exists(Path.of(target)) && target.matches("[A-Za-z_][\\w.]*");
        CheckResult result = isModule
                ? Frontend.check(new Source("<explain>", "import " + target + ".*\n"))
                : Frontend.check(Path.of(target));
        if (!result.ok()) {
            io.err().print(DiagnosticPrinter.render(result.diagnostics()));
            io.err().flush();
            return LinCli.EXIT_ERRORS;
        }
        var program = result.program();
        List<RecurrenceForm> forms = isModule || all
                ? RecurrenceClassifier.classifyAll(program).stream()
                        .filter(f -> all || f.decl().span().source() != program.main().source()).toList()
                : RecurrenceClassifier.classify(program, program.main());
        if (forms.isEmpty()) io.out().println("no recurrences in " + target + (all || isModule ? "" : " (--all includes imported ones)"));
        for (int i = 0; i < forms.size(); i++) {
            if (i > 0) io.out().println();
            io.out().print(FormPrinter.render(forms.get(i)));
        }
        io.out().flush();
        return LinCli.EXIT_OK;
    }
}
