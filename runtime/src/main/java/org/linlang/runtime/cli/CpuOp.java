package org.linlang.runtime.cli;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.recurrence.RecurrenceClassifier;
import org.linlang.compiler.recurrence.RecurrenceForm;
import org.linlang.runtime.cpu.RecurrencePlan;
import org.linlang.runtime.cpu.RecurrenceResult;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * {@code lin op NAME --engine cpu}: a recurrence run by the cpu engine's chunked kernels, chosen by
 * the class the compiler found ({@code lin explain} shows it), not by the recurrence's name.
 */
final class CpuOp {
    private CpuOp() {}

    static int run(OpCommand op, Decl.Recurrence decl, CheckResult checked, Map<String, String> call, boolean wantFinal)
            throws OpCommand.Refused {
        RecurrenceForm form = RecurrenceClassifier.classify(checked.program(), decl);
        RecurrencePlan plan;
        try {
            plan = RecurrencePlan.of(form);
        } catch (IllegalArgumentException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, "the cpu engine cannot run " + op.name + " yet: " + e.getMessage());
        }
        Map<String, Tensor> inputs;
        try {
            inputs = new LinkedHashMap<>(SafeTensors.read(op.inputs).tensors());
        } catch (IOException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, e.getMessage());
        }
        for (String needed : plan.tensorInputs()) {
            if (!inputs.containsKey(needed)) throw new OpCommand.Refused(LinCli.EXIT_ERRORS, op.inputs + " has no tensor '" + needed + "'");
        }
        double scale = plan.scale() == null ? 1.0 : scale(op, decl, plan.scale(), call, inputs);
        Tensor initial = inputs.get("initial_state");
        RecurrenceResult result;
        double first;
        double[] times = new double[op.bench];
        try {
            long t0 = System.nanoTime();
            result = plan.run(inputs, scale, initial, wantFinal);
            first = (System.nanoTime() - t0) / 1e6;
            for (int i = 0; i < op.bench; i++) {
                long t = System.nanoTime();
                result = plan.run(inputs, scale, initial, wantFinal);
                times[i] = (System.nanoTime() - t) / 1e6;
            }
        } catch (IllegalArgumentException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, op.name + " on the cpu engine: " + e.getMessage());
        }
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put("o", result.output());
        if (wantFinal) outputs.put("final_state", result.finalState());
        try {
            SafeTensors.write(op.out, outputs);
        } catch (IOException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, "cannot write " + op.out + ": " + e.getMessage());
        }
        op.io().out().println("engine cpu: " + form.kind().word() + " recurrence, chunked kernel");
        outputs.forEach((k, t) -> op.io().out().println(k + ": " + t.dtype().lin() + shapeText(t.shape())));
        if (op.bench > 0) {
            Arrays.sort(times);
            int n = op.bench;
            double median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
            op.io().out().printf(Locale.ROOT, "first call %.3f ms; median of %d more: %.3f ms%n", first, n, median);
            op.io().out().printf(Locale.ROOT, "%.3f%n", median);
        }
        return LinCli.EXIT_OK;
    }

    /**
     * The query's scale: the --arg value if given, else the parameter's default (e.g. {@code K ** -0.5})
     * evaluated by the interpreter with the dimension names bound from the input tensors.
     */
    private static double scale(OpCommand op, Decl.Recurrence decl, String scaleParam, Map<String, String> call,
                                Map<String, Tensor> inputs) throws OpCommand.Refused {
        Param param = decl.params().stream().filter(p -> p.name().name().equals(scaleParam)).findFirst().orElseThrow();
        String expression = call.containsKey(scaleParam) ? call.get(scaleParam)
                : param.defaultValue() != null ? param.defaultValue().span().text() : null;
        if (expression == null) throw new OpCommand.Refused(LinCli.EXIT_USAGE, op.name + " needs --arg " + scaleParam + "=VALUE");
        var program = new StringBuilder();
        for (Param p : decl.params()) {
            Tensor t = inputs.get(p.name().name());
            if (t == null || !(p.type() instanceof TypeExpr.Tensor tt)) continue;
            List<TypeExpr.DimExpr> dims = tt.dims();
            for (int i = 0; i < dims.size(); i++) {
                if (dims.get(i) instanceof TypeExpr.DimName dn) {
                    program.append("let ").append(dn.name().name()).append(" = ")
                            .append(t.dim(t.rank() - dims.size() + i)).append('\n');
                }
            }
        }
        program.append("float(").append(expression).append(")\n");
        try (Context context = Context.newBuilder(LinLanguage.ID).build()) {
            return context.eval(LinLanguage.ID, program.toString()).asDouble();
        } catch (PolyglotException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, "cannot compute " + scaleParam + " = " + expression + ": " + e.getMessage());
        }
    }

    private static String shapeText(long[] shape) {
        return Arrays.toString(shape);
    }
}
