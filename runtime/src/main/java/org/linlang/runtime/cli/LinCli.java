package org.linlang.runtime.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code lin} command. Exit codes: 0 success, 1 errors in the program (diagnostics or a runtime
 * error), 2 bad usage, 70 an internal error of Lin itself (a bug: one line asks for a report;
 * {@code LIN_DEBUG=1} shows the Java stack trace).
 */
@Command(name = "lin",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        description = "Lin: an embedded scripting language for sequence models.",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "Exit status: 0 ok, 1 errors in the program, 2 bad usage, 70 internal error.",
                "Set LIN_DEBUG=1 to see the Java stack trace of an internal error."})
public final class LinCli implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_ERRORS = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_INTERNAL = 70;

    /** Stack for the thread that runs Lin code: deep recursion in a script should not overflow early. */
    private static final long STACK_BYTES = 256L << 20;

    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'lin run FILE' or 'lin check FILE'");
    }

    public static void main(String[] args) {
        Io io = Io.system();
        int[] status = {EXIT_INTERNAL};
        Thread main = new Thread(null, () -> status[0] = execute(args, io), "lin-main", STACK_BYTES);
        main.start();
        try {
            main.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        io.out().flush();
        io.err().flush();
        System.exit(status[0]);
    }

    /** Runs one command line; never throws, returns the exit status. */
    public static int execute(String[] args, Io io) {
        try {
            return commandLine(io).execute(args);
        } catch (Throwable t) {
            return BugReport.report(t, io);
        }
    }

    /** The command line with its subcommands, writing to {@code io}; tests may add commands to it. */
    public static CommandLine commandLine(Io io) {
        CommandLine cmd = new CommandLine(new LinCli());
        cmd.addSubcommand("check", new CheckCommand(io));
        cmd.addSubcommand("run", new RunCommand(io));
        cmd.addSubcommand("op", new OpCommand(io));
        cmd.addSubcommand("repl", new ReplCommand(io));
        cmd.addSubcommand("explain", new ExplainCommand(io));
        cmd.addSubcommand("kernels", new KernelsCommand(io));
        cmd.addSubcommand("forward", new ForwardCommand(io));
        cmd.addSubcommand("generate", new GenerateCommand(io));
        cmd.addSubcommand("chat", new ChatCommand(io));
        cmd.addSubcommand("bench", new BenchCommand(io));
        cmd.addSubcommand("help", new CommandLine.HelpCommand());
        cmd.setOut(new PrintWriter(io.out(), true));
        cmd.setErr(new PrintWriter(io.err(), true));
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> BugReport.report(ex, io));
        cmd.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("lin: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return EXIT_USAGE;
        });
        return cmd;
    }
}
