package org.linlang.runtime.gpu.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.codegen.GroupKernels;
import org.linlang.compiler.codegen.KernelParam;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.Step;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.types.Sym;
import org.linlang.runtime.gpu.GpuUnavailableException;
import org.linlang.runtime.gpu.PlanSizes;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * Runs a {@link KernelPlan} on an NVIDIA GPU: the CUDA steps of each group (generated kernels
 * compiled to cubin through the {@link KernelCache}, cuBLAS for matrix products), weights uploaded
 * once and kept, every other buffer taken from a {@link DevicePool} and given back after the call.
 */
public final class CudaPlanRunner implements AutoCloseable {
    private final CudaDriver cuda;
    private final KernelCache cache;
    private final KernelPlan plan;
    private final DevicePool pool;
    private Cublas cublas;
    private final Map<String, Long> weights = new HashMap<>();
    private final Map<String, MemorySegment> functions = new HashMap<>();

    public CudaPlanRunner(CudaDriver cuda, KernelCache cache, KernelPlan plan) {
        this.cuda = cuda;
        this.cache = cache;
        this.plan = plan;
        this.pool = new DevicePool(cuda);
    }

    private MemorySegment function(KernelSource k) {
        String unit = k.unit(Prelude.Target.CUDA);
        return functions.computeIfAbsent(KernelCache.key(unit, cuda.arch()) + k.name(),
                x -> cuda.function(cuda.loadModule(cache.cubin(unit, cuda.arch())), k.name()));
    }

    /** Compiles (or finds in the cache) every kernel of the plan before the first call. */
    public void warm() {
        for (KernelSource k : plan.kernels(Prelude.Target.CUDA)) function(k);
    }

    public Map<String, Tensor> run(Map<String, Tensor> values) {
        Graph g = plan.graph();
        Map<Sym, Long> sizes = PlanSizes.bind(g, values);
        Map<Node, Long> buffers = new IdentityHashMap<>();
        var taken = new ArrayList<Long>();
        try {
            for (Node n : g.nodes()) {
                if (n.op() != Op.INPUT && n.op() != Op.WEIGHT && n.op() != Op.STATE) continue;
                if (n.op() == Op.WEIGHT && weights.containsKey(n.name())) {
                    buffers.put(n, weights.get(n.name()));
                    continue;
                }
                long bytes = PlanSizes.bytes(n, sizes);
                long p = n.op() == Op.WEIGHT ? cuda.alloc(bytes) : pool.take(bytes);
                cuda.upload(p, PlanSizes.contiguous(values.get(n.name()), n).storage().asSlice(0, bytes));
                buffers.put(n, p);
                if (n.op() == Op.WEIGHT) weights.put(n.name(), p);
                else taken.add(p);
            }
            for (GroupKernels gk : plan.groups()) {
                Grouping.Group grp = gk.group();
                if (gk.fusedInto() != null) continue; // its work is done by another group's kernel
                if (grp.kind() == Grouping.Kind.VIEW) {
                    for (Node m : grp.members()) buffers.put(m, buffers.get(m.input(0)));
                    continue;
                }
                if (grp.kind() == Grouping.Kind.UNSUPPORTED) {
                    throw new GpuUnavailableException(grp.label() + " " + grp.title() + " cannot run: " + grp.anchor().attr("reason"));
                }
                var fresh = new ArrayList<Node>(grp.outputs());
                fresh.addAll(gk.temporaries());
                for (Node n : fresh) {
                    if (buffers.containsKey(n)) continue;
                    long p = pool.take(PlanSizes.bytes(n, sizes));
                    buffers.put(n, p);
                    taken.add(p);
                }
                for (Step s : gk.steps(Prelude.Target.CUDA)) {
                    if (s instanceof Step.Gemm gm) {
                        if (cublas == null) cublas = Cublas.load();
                        cublas.gemm(buffers.get(gm.a()), gm.a().type().dtype(), gm.transA(), buffers.get(gm.b()), gm.b().type().dtype(), gm.transB(),
                                buffers.get(gm.out()), gm.out().type().dtype(), PlanSizes.eval(gm.m(), sizes), PlanSizes.eval(gm.n(), sizes),
                                PlanSizes.eval(gm.k(), sizes), PlanSizes.eval(gm.batch(), sizes), PlanSizes.eval(gm.strideA(), sizes),
                                PlanSizes.eval(gm.strideB(), sizes));
                        continue;
                    }
                    KernelSource k = ((Step.Launch) s).kernel();
                    long[] args = new long[k.params().size()];
                    for (int i = 0; i < args.length; i++) {
                        KernelParam p = k.params().get(i);
                        args[i] = p.size() ? PlanSizes.eval(p.dim(), sizes) : buffers.get(p.node());
                    }
                    long threads = PlanSizes.eval(k.launch().threads(), sizes);
                    if (threads > 0) cuda.launch(function(k), k.launch().groups(threads), k.launch().local(), args);
                }
            }
            cuda.synchronize();
            var out = new LinkedHashMap<String, Tensor>();
            for (Graph.Output o : g.outputs()) {
                Node n = o.node();
                Tensor t = Creation.zeros(DType.fromLin(n.type().dtype().lin()), PlanSizes.shape(n, sizes));
                cuda.download(t.storage().asSlice(0, PlanSizes.bytes(n, sizes)), buffers.get(n));
                out.put(o.name(), t);
            }
            return out;
        } finally {
            taken.forEach(pool::give);
        }
    }

    public KernelCache cache() { return cache; }

    List<String> residentWeights() { return List.copyOf(weights.keySet()); }

    @Override
    public void close() {
        weights.values().forEach(cuda::free);
        weights.clear();
        pool.close();
    }
}
