package org.linlang.runtime.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.KernelGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lin kernels FILE}: the kernel graph the compiler makes of a model, one line per fused kernel. */
@Command(name = "kernels",
        description = {"Print the kernel graph of a model, block or function: one line per fused kernel with the",
                "ops inside, its inputs and outputs, and the bytes it moves (at the given B and T)."})
final class KernelsCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--entry", paramLabel = "NAME[.METHOD]",
            description = "What to compile: a model, block, fn or recurrence, optionally .forward or .step "
                    + "(default: the file's last model, else its last definition).")
    String entry;

    @Option(names = "--arg", paramLabel = "NAME=INT",
            description = "An int parameter (layers=4) or a size for an open dimension (H=4); B and T only size the byte counts.")
    Map<String, Long> args = new LinkedHashMap<>();

    @Option(names = "--ir", description = "Print the node-level IR instead of the kernels.")
    boolean ir;

    @Option(names = "--dot", paramLabel = "FILE.dot", description = "Also write the kernel graph as a Graphviz graph.")
    Path dot;

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "cuda or opencl: also generate the device kernels, print the device plan and write each kernel's source to --source-dir.")
    String engine;

    @Option(names = "--source-dir", paramLabel = "DIR", defaultValue = "lin-kernels",
            description = "Where --engine writes one file per kernel (default: ${DEFAULT-VALUE}).")
    Path sourceDir;

    @Parameters(paramLabel = "FILE", description = "A .lin file.")
    Path file;

    KernelsCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        CheckResult result = Frontend.check(file);
        if (!result.ok()) {
            io.err().print(DiagnosticPrinter.render(result.diagnostics()));
            io.err().flush();
            return LinCli.EXIT_ERRORS;
        }
        String what = entry != null ? entry : defaultEntry(result.program().main().decls());
        if (what == null) {
            io.err().println("lin: " + file + " defines nothing to compile; name one with --entry");
            return LinCli.EXIT_ERRORS;
        }
        KernelGraph graph;
        try {
            graph = KernelGraph.build(result.program(), what, args);
        } catch (IrException e) {
            io.err().println("lin: cannot compile " + what + ": " + e.getMessage());
            return LinCli.EXIT_ERRORS;
        }
        io.out().print(ir ? graph.printIr() : graph.print());
        if (engine != null) {
            Integer status = DeviceKernels.write(io, graph, engine, sourceDir);
            if (status != null) return status;
        }
        if (dot != null) {
            Files.writeString(dot, graph.dot());
            io.out().println("wrote " + dot);
        }
        io.out().flush();
        return LinCli.EXIT_OK;
    }

    private static String defaultEntry(List<Decl> decls) {
        String last = null;
        for (Decl d : decls) {
            if (d instanceof Decl.Block b && b.isModel()) last = d.name().name();
        }
        if (last != null) return last;
        return decls.isEmpty() ? null : decls.getLast().name().name();
    }
}
