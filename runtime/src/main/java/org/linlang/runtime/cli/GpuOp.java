package org.linlang.runtime.cli;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.linlang.compiler.codegen.CodegenException;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.Prelude;
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
 * {@code lin op … --engine opencl|cuda}: the op's graph for the input file's shapes
 * ({@link OpEntry}: scalar arguments, initial states and {@code output_final_state} as the
 * interpreter reads them), then the GPU code generator's plan, run on the device.
 */
final class GpuOp {
    private GpuOp() {}

    static int run(OpCommand op, String engine, String modulePath, String defName, Map<String, String> call, boolean wantFinal)
            throws OpCommand.Refused {
        OpEntry entry = OpEntry.of(op, modulePath, defName, call, engine);
        KernelPlan plan;
        try {
            plan = KernelPlan.of(entry.graph().graph());
        } catch (CodegenException e) {
            throw refuse(engine, "cannot compile " + op.name + ": " + e.getMessage());
        }
        try {
            Runner runner = open(engine, plan);
            try {
                long t0 = System.nanoTime();
                Map<String, Tensor> out = runner.run(entry.inputs());
                double first = (System.nanoTime() - t0) / 1e6;
                double[] times = new double[op.bench];
                for (int i = 0; i < op.bench; i++) {
                    long t = System.nanoTime();
                    out = runner.run(entry.inputs());
                    times[i] = (System.nanoTime() - t) / 1e6;
                }
                Map<String, Tensor> named = OpEntry.names(out, wantFinal);
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
