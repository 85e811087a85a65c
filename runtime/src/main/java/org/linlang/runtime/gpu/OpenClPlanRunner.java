package org.linlang.runtime.gpu;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.jocl.cl_mem;
import org.linlang.compiler.codegen.GemmKernel;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.Step;

/**
 * Runs a {@link KernelPlan}'s portable kernels on an {@link OpenClDevice} (the walk is
 * {@link DevicePlanRunner}'s): OpenCL buffers, kernels built by the device, launches on its queue.
 */
public final class OpenClPlanRunner extends DevicePlanRunner<cl_mem> {
    private final OpenClDevice dev;

    public OpenClPlanRunner(OpenClDevice dev, KernelPlan plan) { this(dev, plan, Prelude.Target.OPENCL); }

    /**
     * With {@code steps = CUDA}, runs the plan's CUDA step list instead (each cuBLAS GEMM by its
     * portable twin, {@link GemmKernel}): how CI checks the CUDA plans without a GPU.
     */
    public OpenClPlanRunner(OpenClDevice dev, KernelPlan plan, Prelude.Target steps) {
        super(plan, steps);
        this.dev = dev;
    }

    @Override protected cl_mem alloc(long bytes, boolean resident) { return dev.alloc(bytes); }

    @Override protected void free(cl_mem m, boolean resident) { dev.release(m); }

    @Override protected void upload(cl_mem m, MemorySegment data) { dev.write(m, data); }

    @Override protected void download(MemorySegment into, cl_mem m) { dev.read(m, into); }

    @Override protected void launch(KernelSource k, List<Object> args, long threads) { dev.launch(k, args, threads); }

    @Override
    protected void gemm(Step.Gemm g, cl_mem a, cl_mem b, cl_mem out, long m, long n, long k, long batch, long strideA, long strideB) {
        KernelSource kernel = GemmKernel.of("gemm", g.a().type().dtype(), g.b().type().dtype(), g.out().type().dtype(), g.transA(), g.transB());
        var args = new ArrayList<Object>(List.of(a, b, out, m, n, k, batch, strideA, strideB));
        dev.launch(kernel, args, batch * m * n);
    }

    @Override protected void finish() { dev.finish(); }
}
