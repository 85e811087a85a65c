package org.linlang.runtime.gpu.cuda;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.codegen.CopyKernel;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.Step;
import org.linlang.compiler.types.DType;
import org.linlang.runtime.gpu.DeviceCeilings;
import org.linlang.runtime.gpu.DeviceMemory;
import org.linlang.runtime.gpu.DevicePlanRunner;
import org.linlang.runtime.gpu.LaunchTimer;

/**
 * Runs a {@link KernelPlan} on an NVIDIA GPU (the walk is {@link DevicePlanRunner}'s): the CUDA
 * steps of each group, generated kernels compiled to cubin through the {@link KernelCache},
 * cuBLAS for matrix products; memory from a {@link DeviceMemory} (the driver's, shared by its
 * runners, or the runner's own).
 */
public final class CudaPlanRunner extends DevicePlanRunner<Long> {
    private final CudaDriver cuda;
    private final KernelCache cache;
    private Cublas cublas;
    private final Map<String, MemorySegment> functions = new HashMap<>();
    /** The CUDA graph of each recorded launch list replayed so far (by the list's identity: the runner keeps a few). */
    private final Map<List<Launched>, MemorySegment> graphs = new java.util.IdentityHashMap<>();

    public CudaPlanRunner(CudaDriver cuda, KernelCache cache, KernelPlan plan) { this(cuda, cache, plan, null); }

    /** A runner whose buffers come from {@code memory}, the driver's memory its other runners share (null: its own). */
    public CudaPlanRunner(CudaDriver cuda, KernelCache cache, KernelPlan plan, DeviceMemory<Long> memory) {
        super(plan, Prelude.Target.CUDA, memory);
        this.cuda = cuda;
        this.cache = cache;
    }

    /** The memory the runners of one driver share. */
    public static DeviceMemory<Long> memoryOf(CudaDriver cuda) { return new DeviceMemory<>(cuda::alloc, cuda::free); }

    private MemorySegment function(KernelSource k) {
        String unit = k.unit(Prelude.Target.CUDA);
        return functions.computeIfAbsent(KernelCache.key(unit, cuda.arch()) + k.name(),
                x -> cuda.function(cuda.loadModule(cache.cubin(unit, cuda.arch())), k.name()));
    }

    /** Compiles (or finds in the cache) every kernel of the plan before the first call. */
    public void warm() {
        for (KernelSource k : plan().kernels(Prelude.Target.CUDA)) function(k);
    }

    public KernelCache cache() { return cache; }

    @Override protected Long alloc(long bytes) { return cuda.alloc(bytes); }

    @Override protected void free(Long m) { cuda.free(m); }

    @Override protected void copy(Long from, Long to, long bytes) { cuda.copy(to, from, bytes); }

    @Override protected void upload(Long m, MemorySegment data) { cuda.upload(m, data); }

    @Override protected void download(MemorySegment into, Long m) { cuda.download(into, m); }

    @Override
    protected void launch(KernelSource k, List<Object> args, long threads) {
        long[] a = new long[args.size()];
        for (int i = 0; i < a.length; i++) a[i] = (Long) args.get(i);
        cuda.launch(function(k), k.launch().groups(threads), k.launch().local(), a);
    }

    @Override
    protected void gemm(Step.Gemm g, Long a, Long b, Long out, long m, long n, long k, long batch, long strideA, long strideB) {
        if (cublas == null) cublas = Cublas.load();
        cublas.gemm(a, g.a().type().dtype(), g.transA(), b, g.b().type().dtype(), g.transB(), out, g.out().type().dtype(), m, n, k, batch, strideA, strideB);
    }

    @Override protected void finish() { cuda.synchronize(); }

    /** Two CUDA events on the default stream around the launch. */
    @Override
    protected LaunchTimer startTimer() {
        MemorySegment start = cuda.recordEvent();
        return new LaunchTimer() {
            private MemorySegment end;

            public void stop() { end = cuda.recordEvent(); }

            public double seconds() { return cuda.elapsedSeconds(start, end); }
        };
    }

    /** The copy ceiling (the generated copy kernel) and the compute ceiling (cuBLAS SGEMM, f32 in and out). */
    public static DeviceCeilings ceilings(CudaDriver cuda, KernelCache cache, long copyBytes, int gemmSize, int repeat) {
        KernelSource copy = CopyKernel.of("lin_copy");
        String unit = copy.unit(Prelude.Target.CUDA);
        MemorySegment function = cuda.function(cuda.loadModule(cache.cubin(unit, cuda.arch())), copy.name());
        Cublas cublas = Cublas.load();
        return DeviceCeilings.measure(new DeviceCeilings.Probe<Long>() {
            public Long alloc(long bytes) { return cuda.alloc(bytes); }

            public void upload(Long m, MemorySegment data) { cuda.upload(m, data); }

            public void free(Long m) { cuda.free(m); }

            public double copy(Long src, Long dst, long words) {
                MemorySegment start = cuda.recordEvent();
                cuda.launch(function, copy.launch().groups(words), copy.launch().local(), new long[] {src, dst, words});
                return cuda.elapsedSeconds(start, cuda.recordEvent());
            }

            public double gemm(Long a, Long b, Long c, int n) {
                MemorySegment start = cuda.recordEvent();
                cublas.gemm(a, DType.F32, false, b, DType.F32, false, c, DType.F32, n, n, n, 1, 0, 0);
                return cuda.elapsedSeconds(start, cuda.recordEvent());
            }

            public String gemmWhat() { return "cuBLAS cublasGemmStridedBatchedEx, f32 in and out, f32 accumulation"; }
        }, copyBytes, gemmSize, repeat);
    }

    /**
     * A recorded launch list captured once as a CUDA graph (cuStreamBeginCapture … cuGraphInstantiate)
     * and launched as one graph from then on: a decode step's kernels and GEMMs in one call. Not yet
     * run on a GPU; the recorded replay it builds on runs on PoCL in the tests.
     */
    @Override
    protected void replay(List<Launched> launches) {
        MemorySegment exec = graphs.get(launches);
        if (exec == null) {
            if (cublas == null && launches.stream().anyMatch(l -> l instanceof Product)) cublas = Cublas.load();
            cuda.beginCapture();
            if (cublas != null) cublas.stream(cuda.graphStream());
            try {
                super.replay(launches);
            } finally {
                if (cublas != null) cublas.stream(MemorySegment.NULL);
                exec = cuda.endCapture();
            }
            graphs.put(launches, exec);
        }
        cuda.launchGraph(exec);
    }

    @Override
    protected void forget(List<Launched> launches) {
        MemorySegment exec = graphs.remove(launches);
        if (exec != null) cuda.destroyGraph(exec);
    }

    @Override
    public synchronized void close() {
        for (MemorySegment exec : graphs.values()) cuda.destroyGraph(exec);
        graphs.clear();
        super.close();
    }
}
