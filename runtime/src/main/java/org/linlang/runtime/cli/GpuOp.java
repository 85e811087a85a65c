package org.linlang.runtime.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.ast.TypeExpr;
import org.linlang.compiler.codegen.CodegenException;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.runtime.gpu.GpuUnavailableException;
import org.linlang.runtime.gpu.OpenClDevice;
import org.linlang.runtime.gpu.OpenClPlanRunner;
import org.linlang.runtime.gpu.cuda.CudaCompiler;
import org.linlang.runtime.gpu.cuda.CudaDriver;
import org.linlang.runtime.gpu.cuda.CudaPlanRunner;
import org.linlang.runtime.gpu.cuda.KernelCache;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * {@code lin op … --engine opencl|cuda}: compiles the op's prefill plan (the middle end's graph,
 * then the GPU code generator) with the sizes of the given tensors, and runs it on the device.
 * Int scalar arguments become sizes of the plan; float arguments, an initial state and the final
 * state are not supported on these engines yet and are refused by name.
 */
final class GpuOp {
    private GpuOp() {}

    static int run(OpCommand op, String engine, Decl decl, CheckResult checked, Map<String, String> call, boolean wantFinal)
            throws OpCommand.Refused {
        String def = decl.name().name();
        if (wantFinal) throw refuse(engine, "--arg output_final_state=true is not supported yet; use --engine cpu or interp");
        if (call.containsKey("initial_state")) throw refuse(engine, "an initial_state is not supported yet; use --engine cpu or interp");
        Map<String, Tensor> inputs;
        try {
            inputs = new LinkedHashMap<>(SafeTensors.read(op.inputs).tensors());
        } catch (IOException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, e.getMessage());
        }
        var args = new LinkedHashMap<String, Long>();
        for (Param p : decl.params()) {
            String pn = p.name().name();
            String expr = call.get(pn);
            if (expr == null) continue;
            if (expr.startsWith("__inputs[")) {
                if (p.type() instanceof TypeExpr.Tensor te) bindDims(te, inputs.get(pn), decl instanceof Decl.Recurrence, args);
            } else if (expr.matches("-?[0-9]+")) {
                args.put(pn, Long.parseLong(expr));
            } else {
                throw refuse(engine, "--arg " + pn + " (a float or other non-int value) is not supported yet; leave it at its default or use --engine interp");
            }
        }
        KernelPlan plan;
        try {
            plan = KernelPlan.of(KernelGraph.build(checked.program(), def, args).graph());
        } catch (IrException | CodegenException e) {
            throw refuse(engine, "cannot compile " + op.name + ": " + e.getMessage());
        }
        try {
            Runner runner = open(engine, plan);
            try {
                long t0 = System.nanoTime();
                Map<String, Tensor> out = runner.run(inputs);
                double first = (System.nanoTime() - t0) / 1e6;
                double[] times = new double[op.bench];
                for (int i = 0; i < op.bench; i++) {
                    long t = System.nanoTime();
                    out = runner.run(inputs);
                    times[i] = (System.nanoTime() - t) / 1e6;
                }
                var named = new LinkedHashMap<String, Tensor>();
                named.put("o", out.values().iterator().next());
                SafeTensors.write(op.out, named);
                op.io().out().println("engine " + engine + ": " + plan.kernels(runner.target()).size() + " kernels on " + runner.device());
                named.forEach((k, t) -> op.io().out().println(k + ": " + t.dtype().lin() + Arrays.toString(t.shape()).replace(" ", "")));
                if (op.bench > 0) {
                    Arrays.sort(times);
                    double median = op.bench % 2 == 1 ? times[op.bench / 2] : (times[op.bench / 2 - 1] + times[op.bench / 2]) / 2;
                    op.io().out().printf(Locale.ROOT, "first call %.3f ms; median of %d more: %.3f ms%n", first, op.bench, median);
                    op.io().out().printf(Locale.ROOT, "%.3f%n", median);
                }
                return LinCli.EXIT_OK;
            } finally {
                runner.close();
            }
        } catch (GpuUnavailableException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, "engine " + engine + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, op.inputs + ": " + e.getMessage());
        } catch (IOException e) {
            throw new OpCommand.Refused(LinCli.EXIT_ERRORS, "cannot write " + op.out + ": " + e.getMessage());
        }
    }

    private static OpCommand.Refused refuse(String engine, String why) {
        return new OpCommand.Refused(LinCli.EXIT_ERRORS, "engine " + engine + ": " + why);
    }

    /** Names in the parameter's type bound to the tensor's sizes, right-aligned; a recurrence's inputs lead with [B, T, H]. */
    private static void bindDims(TypeExpr.Tensor type, Tensor t, boolean recurrence, Map<String, Long> args) {
        if (t == null) return;
        long[] shape = t.shape();
        List<TypeExpr.DimExpr> dims = new ArrayList<>(type.dims());
        int n = dims.size();
        for (int i = 0; i < n && i < shape.length; i++) {
            if (dims.get(n - 1 - i) instanceof TypeExpr.DimName dn) args.putIfAbsent(dn.name().name(), shape[shape.length - 1 - i]);
        }
        if (recurrence && shape.length == n + 3) args.putIfAbsent("H", shape[2]);
    }

    /** One device engine behind one interface. */
    private interface Runner extends AutoCloseable {
        Map<String, Tensor> run(Map<String, Tensor> inputs);

        String device();

        Prelude.Target target();

        @Override void close();
    }

    private static Runner open(String engine, KernelPlan plan) {
        if (engine.equals("opencl")) {
            OpenClDevice dev = OpenClDevice.open();
            OpenClPlanRunner r = new OpenClPlanRunner(dev, plan);
            return new Runner() {
                public Map<String, Tensor> run(Map<String, Tensor> in) { return r.run(in); }
                public String device() { return dev.name(); }
                public Prelude.Target target() { return Prelude.Target.OPENCL; }
                public void close() { r.close(); dev.close(); }
            };
        }
        CudaDriver cuda = CudaDriver.open();
        CudaPlanRunner r = new CudaPlanRunner(cuda, new KernelCache(KernelCache.defaultDir(), CudaCompiler.find()), plan);
        return new Runner() {
            public Map<String, Tensor> run(Map<String, Tensor> in) { return r.run(in); }
            public String device() { return cuda.name() + " (" + cuda.arch() + ")"; }
            public Prelude.Target target() { return Prelude.Target.CUDA; }
            public void close() { r.close(); }
        };
    }
}
