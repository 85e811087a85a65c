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

    public OpenClPlanRunner(OpenClDevice dev, KernelPlan plan) { this(dev, plan, Prelude.Target.OPENCL, null); }

    /**
     * With {@code steps = CUDA}, runs the plan's CUDA step list instead (each cuBLAS GEMM by its
     * portable twin, {@link GemmKernel}): how CI checks the CUDA plans without a GPU.
     */
    public OpenClPlanRunner(OpenClDevice dev, KernelPlan plan, Prelude.Target steps) { this(dev, plan, steps, null); }

    /** A runner whose buffers come from {@code memory}, the device's memory its other runners share (null: its own). */
    public OpenClPlanRunner(OpenClDevice dev, KernelPlan plan, Prelude.Target steps, DeviceMemory<cl_mem> memory) {
        super(plan, steps, memory);
        this.dev = dev;
    }

    /** The memory the runners of one OpenCL device share. */
    public static DeviceMemory<cl_mem> memoryOf(OpenClDevice dev) { return new DeviceMemory<>(dev::alloc, dev::release); }

    @Override protected cl_mem alloc(long bytes) { return dev.alloc(bytes); }

    @Override protected void free(cl_mem m) { dev.release(m); }

    @Override protected void upload(cl_mem m, MemorySegment data) { dev.write(m, data); }

    @Override protected void download(MemorySegment into, cl_mem m) { dev.read(m, into); }

    @Override protected void copy(cl_mem from, cl_mem to, long bytes) { dev.copy(from, to, bytes); }

    @Override protected void launch(KernelSource k, List<Object> args, long threads) { dev.launch(k, args, threads); }

    @Override
    protected void gemm(Step.Gemm g, cl_mem a, cl_mem b, cl_mem out, long m, long n, long k, long batch, long strideA, long strideB) {
        KernelSource kernel = GemmKernel.of("gemm", g.a().type().dtype(), g.b().type().dtype(), g.out().type().dtype(), g.transA(), g.transB());
        var args = new ArrayList<Object>(List.of(a, b, out, m, n, k, batch, strideA, strideB));
        dev.launch(kernel, args, batch * m * n);
    }

    @Override protected void finish() { dev.finish(); }
}
