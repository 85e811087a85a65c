package org.linlang.runtime.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.source.Source;
import org.linlang.runtime.cpu.CpuEngineException;
import org.linlang.runtime.cpu.CpuPlan;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.values.LinFormat;

/**
 * {@code lin op NAME --engine cpu}: the op compiled by the middle end and run by the cpu engine.
 * The call is written as a small Lin function whose parameters have the input file's exact shapes
 * ({@code fn __entry(q: f32[1, 64, 4, 32], …) = op(q = q, …, scale = 0.5)}); that function is the
 * entry of the graph, so scalar arguments, defaults ({@code scale = K ** -0.5}), initial states and
 * {@code output_final_state} mean what they mean to the interpreter. A recurrence runs on the
 * kernel its class picks ({@code lin explain} names it); what the engine cannot run is refused in
 * one sentence.
 */
final class CpuOp {
    private CpuOp() {}

    /** The compiled op, ready to run on the inputs it was compiled for. */
    record Compiled(CpuPlan plan, Map<String, Tensor> inputs, Map<String, String> paramOfTensor) {}

    static Compiled compile(OpCommand op, String modulePath, String defName, Map<String, String> call) throws OpCommand.Refused {
        Map<String, Tensor> file;
        try {
            file = SafeTensors.read(op.inputs).tensors();
        } catch (IOException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, e.getMessage());
        }
        Map<String, String> param = new LinkedHashMap<>(); // tensor name in the file -> wrapper parameter
        List<String> params = new ArrayList<>();
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        int i = 0;
        for (var e : file.entrySet()) {
            String p = "__t" + i++;
            param.put(e.getKey(), p);
            Tensor t = e.getValue();
            params.add(p + ": " + t.dtype().lin() + Arrays.toString(t.shape()));
            inputs.put(p, t);
        }
        List<String> args = new ArrayList<>();
        for (var e : call.entrySet()) {
            String v = e.getValue();
            for (var pe : param.entrySet()) v = v.replace("__inputs[" + LinFormat.repr(pe.getKey()) + "]", pe.getValue());
            args.add(e.getKey() + " = " + v);
        }
        String text = "import " + modulePath + ".{" + defName + " as __op}\n"
                + "fn __entry(" + String.join(", ", params) + ") = __op(" + String.join(", ", args) + ")\n";
        CheckResult checked = Frontend.check(new Source("<lin op " + op.name + ">", text));
        if (!checked.ok()) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, "cannot compile " + op.name + " for these inputs:\n"
                    + DiagnosticPrinter.render(checked.diagnostics()).stripTrailing());
        }
        try {
            KernelGraph k = KernelGraph.build(checked.program(), "__entry", Map.of());
            return new Compiled(CpuPlan.of(k.graph()), inputs, param);
        } catch (IrException | CpuEngineException e) {
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
        Map<String, Tensor> outputs = names(result, wantFinal);
        try {
            SafeTensors.write(op.out, outputs);
        } catch (IOException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, "cannot write " + op.out + ": " + e.getMessage());
        }
        var recurrences = c.plan().graph().nodesOf(org.linlang.compiler.ir.Op.RECURRENCE);
        StringBuilder how = new StringBuilder("engine cpu: " + c.plan().graph().grouping().kernelCount() + " kernels");
        for (var r : recurrences) {
            how.append("; recurrence ").append(r.recurrence().name()).append(": ").append(r.recurrence().form().kind().word())
                    .append(", ").append(r.recurrence().algorithm().word()).append(" kernel");
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

    /** The graph's outputs under the names the interp engine writes: o, final_state (.i), or o0, o1, …. */
    private static Map<String, Tensor> names(Map<String, Tensor> result, boolean wantFinal) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (result.size() == 1 && result.containsKey("out")) {
            out.put("o", result.get("out"));
            return out;
        }
        for (var e : result.entrySet()) {
            String rest = e.getKey().substring("out.".length());
            String name;
            if (wantFinal) {
                name = rest.equals("0") ? "o" : rest.equals("1") ? "final_state" : "final_state_" + rest.substring(2).replace('.', '_');
            } else {
                name = "o" + rest.replace('.', '_');
            }
            out.put(name, e.getValue());
        }
        return out;
    }
}
