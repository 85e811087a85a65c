package org.linlang.runtime.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.diag.DiagnosticPrinter;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.source.Source;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.values.LinFormat;

/**
 * The graph an engine that compiles ({@code cpu}, {@code opencl}, {@code cuda}) runs for
 * {@code lin op}: the call written as a small Lin function whose parameters have the input file's
 * exact shapes ({@code fn __entry(__t0: f32[1, 64, 4, 32], …) = op(q = __t0, …, scale = 0.5)}),
 * so scalar arguments, defaults ({@code scale = K ** -0.5}), initial states and
 * {@code output_final_state} mean what they mean to the interpreter.
 *
 * @param graph  the entry's graph (grouped and planned)
 * @param inputs the file's tensors under the entry's parameter names
 */
record OpEntry(KernelGraph graph, Map<String, Tensor> inputs) {

    /** Builds the entry; a call that does not check or lower is refused with the reason. */
    static OpEntry of(OpCommand op, String modulePath, String defName, Map<String, String> call, String engine) throws OpCommand.Refused {
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
            return new OpEntry(KernelGraph.build(checked.program(), "__entry", Map.of()), inputs);
        } catch (IrException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, "the " + engine + " engine cannot run " + op.name + ": " + e.getMessage());
        }
    }

    /** The graph's outputs under the names the interp engine writes: o, final_state (.i), or o0, o1, …. */
    static Map<String, Tensor> names(Map<String, Tensor> result, boolean wantFinal) {
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
