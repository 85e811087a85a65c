package org.linlang.runtime.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.linlang.compiler.codegen.CodegenException;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.ir.KernelGraph;

/** {@code lin kernels FILE --engine cuda|opencl}: the device plan, and each generated kernel written as a file. */
final class DeviceKernels {
    private DeviceKernels() {}

    /** Null when done, else the exit status after an error was printed. */
    static Integer write(Io io, KernelGraph graph, String engine, Path dir) throws IOException {
        Prelude.Target target = switch (engine.toLowerCase(Locale.ROOT)) {
            case "cuda" -> Prelude.Target.CUDA;
            case "opencl" -> Prelude.Target.OPENCL;
            default -> null;
        };
        if (target == null) {
            io.err().println("lin: --engine takes cuda or opencl, got '" + engine + "'");
            return LinCli.EXIT_USAGE;
        }
        KernelPlan plan;
        try {
            plan = KernelPlan.of(graph.graph());
        } catch (CodegenException e) {
            io.err().println("lin: no " + target.word() + " kernels: " + e.getMessage());
            return LinCli.EXIT_ERRORS;
        }
        io.out().print(plan.describe(target));
        Files.createDirectories(dir);
        String ext = target == Prelude.Target.CUDA ? ".cu" : ".cl";
        int n = 0;
        for (KernelSource k : plan.kernels(target)) {
            Files.writeString(dir.resolve(k.name() + ext), "// " + k.role() + "\n" + k.unit(target));
            n++;
        }
        io.out().println("wrote " + n + " kernel sources to " + dir);
        return null;
    }
}
