package org.linlang.runtime.cli;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.linlang.runtime.cpu.CpuEngineException;
import org.linlang.runtime.cpu.CpuPlan;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * {@code lin op NAME --engine cpu}: the op compiled by the middle end ({@link OpEntry}: the call as
 * a small Lin function of the input file's exact shapes) and run by the cpu engine. A recurrence runs on the
 * kernel its class picks ({@code lin explain} names it); what the engine cannot run is refused in
 * one sentence.
 */
final class CpuOp {
    private CpuOp() {}

    /** The compiled op, ready to run on the inputs it was compiled for. */
    record Compiled(CpuPlan plan, Map<String, Tensor> inputs) {}

    static Compiled compile(OpCommand op, String modulePath, String defName, Map<String, String> call) throws OpCommand.Refused {
        OpEntry entry = OpEntry.of(op, modulePath, defName, call, "cpu");
        try {
            return new Compiled(CpuPlan.of(entry.graph().graph()), entry.inputs());
        } catch (CpuEngineException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, "the cpu engine cannot run " + op.name + ": " + e.getMessage());
        }
    }

    static int run(OpCommand op, Compiled c, boolean wantFinal) throws OpCommand.Refused {
        Map<String, Tensor> result;
        double first;
        double[] times = new double[op.bench];
        try {
            long t0 = System.nanoTime();
            result = c.plan().run(c.inputs(), w -> null);
            first = (System.nanoTime() - t0) / 1e6;
            // the timed runs write into the first call's outputs, as a caller that keeps its buffers would: they
            // measure the kernels, not fresh output memory (an output that is an input stays out of it)
            Map<String, Tensor> into = new java.util.LinkedHashMap<>();
            for (var e : result.entrySet()) {
                Tensor t = e.getValue();
                if (!t.isReadOnly() && c.inputs().values().stream().noneMatch(t::sharesStorageWith)) into.put(e.getKey(), t);
            }
            for (int i = 0; i < op.bench; i++) {
                long t = System.nanoTime();
                result = c.plan().runInto(c.inputs(), w -> null, into);
                times[i] = (System.nanoTime() - t) / 1e6;
            }
        } catch (CpuEngineException | IllegalArgumentException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, op.name + " on the cpu engine: " + e.getMessage());
        }
        Map<String, Tensor> outputs = OpEntry.names(result, wantFinal);
        try {
            SafeTensors.write(op.out, outputs);
        } catch (IOException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, "cannot write " + op.out + ": " + e.getMessage());
        }
        var recurrences = c.plan().graph().nodesOf(org.linlang.compiler.ir.Op.RECURRENCE);
        StringBuilder how = new StringBuilder("engine cpu: " + c.plan().graph().grouping().kernelCount() + " kernels");
        for (var r : recurrences) {
            how.append("; recurrence ").append(r.recurrence().name()).append(": ").append(r.recurrence().form().kind().word())
                    .append(", ").append(c.plan().recurrenceKernel(r)).append(c.plan().recurrenceKernel(r).contains("kernel") ? "" : " kernel");
        }
        op.io().out().println(how);
        outputs.forEach((k, t) -> op.io().out().println(k + ": " + t.dtype().lin() + Arrays.toString(t.shape())));
        if (op.bench > 0) {
            Arrays.sort(times);
            int n = op.bench;
            double median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
            op.io().out().printf(Locale.ROOT, "first call %.3f ms; median of %d more: %.3f ms%n", first, n, median);
            op.io().out().printf(Locale.ROOT, "%.3f%n", median);
        }
        return LinCli.EXIT_OK;
    }
}
