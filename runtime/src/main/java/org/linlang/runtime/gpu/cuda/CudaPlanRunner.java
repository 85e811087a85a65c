package org.linlang.runtime.gpu.cuda;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.Step;
import org.linlang.runtime.gpu.DevicePlanRunner;

/**
 * Runs a {@link KernelPlan} on an NVIDIA GPU (the walk is {@link DevicePlanRunner}'s): the CUDA
 * steps of each group, generated kernels compiled to cubin through the {@link KernelCache},
 * cuBLAS for matrix products; weights allocated once and kept, every other buffer taken from a
 * {@link DevicePool} and given back after the call.
 */
public final class CudaPlanRunner extends DevicePlanRunner<Long> {
    private final CudaDriver cuda;
    private final KernelCache cache;
    private final DevicePool pool;
    private Cublas cublas;
    private final Map<String, MemorySegment> functions = new HashMap<>();

    public CudaPlanRunner(CudaDriver cuda, KernelCache cache, KernelPlan plan) {
        super(plan, Prelude.Target.CUDA);
        this.cuda = cuda;
        this.cache = cache;
        this.pool = new DevicePool(cuda);
    }

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

    @Override protected Long alloc(long bytes, boolean resident) { return resident ? cuda.alloc(bytes) : pool.take(bytes); }

    @Override
    protected void free(Long m, boolean resident) {
        if (resident) cuda.free(m);
        else pool.give(m);
    }

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

    @Override
    public void close() {
        super.close();
        pool.close();
    }
}
