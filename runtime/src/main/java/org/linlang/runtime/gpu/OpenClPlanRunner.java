package org.linlang.runtime.gpu;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.jocl.cl_event;
import org.jocl.cl_mem;
import org.linlang.compiler.codegen.CopyKernel;
import org.linlang.compiler.codegen.GemmKernel;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.Step;
import org.linlang.compiler.types.DType;

/**
 * Runs a {@link KernelPlan}'s portable kernels on an {@link OpenClDevice} (the walk is
 * {@link DevicePlanRunner}'s): OpenCL buffers, kernels built by the device, launches on its queue.
 */
public final class OpenClPlanRunner extends DevicePlanRunner<cl_mem> {
    private final OpenClDevice dev;
    /** The event the next launch records into, while profiling. */
    private cl_event next;

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

    @Override protected void launch(KernelSource k, List<Object> args, long threads) { dev.launch(k, args, threads, taken()); }

    @Override
    protected void gemm(Step.Gemm g, cl_mem a, cl_mem b, cl_mem out, long m, long n, long k, long batch, long strideA, long strideB) {
        KernelSource kernel = GemmKernel.of("gemm", g.a().type().dtype(), g.b().type().dtype(), g.out().type().dtype(), g.transA(), g.transB());
        var args = new ArrayList<Object>(List.of(a, b, out, m, n, k, batch, strideA, strideB));
        dev.launch(kernel, args, batch * m * n, taken());
    }

    @Override protected void finish() { dev.finish(); }

    /** The kernel's own start and end, from the profiling queue's event of its launch. */
    @Override
    protected LaunchTimer startTimer() {
        if (!dev.profiling()) throw new IllegalStateException("the OpenCL device was opened without profiling (OpenClDevice.open(true)), so launches cannot be timed");
        cl_event e = new cl_event();
        next = e;
        return new LaunchTimer() {
            public void stop() { next = null; }

            public double seconds() { return dev.seconds(e); }
        };
    }

    private cl_event taken() {
        cl_event e = next;
        next = null;
        return e;
    }

    /** The copy and GEMM ceilings of this device: the generated copy kernel, the portable GEMM (not the device's peak). */
    public static DeviceCeilings ceilings(OpenClDevice dev, long copyBytes, int gemmSize, int repeat) {
        if (!dev.profiling()) throw new IllegalStateException("the OpenCL device was opened without profiling (OpenClDevice.open(true)), so launches cannot be timed");
        KernelSource copy = CopyKernel.of("lin_copy"), gemm = GemmKernel.of("lin_gemm", DType.F32, DType.F32, DType.F32, false, false);
        return DeviceCeilings.measure(new DeviceCeilings.Probe<cl_mem>() {
            public cl_mem alloc(long bytes) { return dev.alloc(bytes); }

            public void upload(cl_mem m, MemorySegment data) { dev.write(m, data); }

            public void free(cl_mem m) { dev.release(m); }

            public double copy(cl_mem src, cl_mem dst, long words) { return timed(dev, copy, List.of(src, dst, words), words); }

            public double gemm(cl_mem a, cl_mem b, cl_mem c, int n) {
                return timed(dev, gemm, List.of(a, b, c, (long) n, (long) n, (long) n, 1L, 0L, 0L), (long) n * n);
            }

            public String gemmWhat() { return "the portable GemmKernel (one item per element of C), f32"; }
        }, copyBytes, gemmSize, repeat);
    }

    private static double timed(OpenClDevice dev, KernelSource k, List<Object> args, long threads) {
        cl_event e = new cl_event();
        dev.launch(k, args, threads, e);
        dev.finish();
        return dev.seconds(e);
    }
}
