package org.linlang.runtime.gpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jocl.cl_mem;
import org.linlang.compiler.codegen.GemmKernel;
import org.linlang.compiler.codegen.GroupKernels;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.KernelParam;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.Step;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.types.Sym;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * Runs a {@link KernelPlan}'s portable kernels on an {@link OpenClDevice}: binds the graph's
 * symbolic sizes (B, T, …) from the shapes of the tensors given, uploads inputs, weights and
 * states, launches every group's steps in schedule order, and reads back the outputs. Every value
 * gets its own device buffer (the plan's slot reuse is not applied here), views share their
 * input's buffer. Weights are uploaded once per runner and kept.
 */
public final class OpenClPlanRunner implements AutoCloseable {
    private final OpenClDevice dev;
    private final KernelPlan plan;
    private final Map<String, cl_mem> resident = new HashMap<>();
    private final Prelude.Target steps;

    public OpenClPlanRunner(OpenClDevice dev, KernelPlan plan) { this(dev, plan, Prelude.Target.OPENCL); }

    /**
     * With {@code steps = CUDA}, runs the plan's CUDA step list instead (each cuBLAS GEMM by its
     * portable twin, {@link GemmKernel}): how CI checks the CUDA plans without a GPU.
     */
    public OpenClPlanRunner(OpenClDevice dev, KernelPlan plan, Prelude.Target steps) {
        this.dev = dev;
        this.plan = plan;
        this.steps = steps;
    }

    /** The outputs of the graph by name, for the inputs, weights and states given by name. */
    public Map<String, Tensor> run(Map<String, Tensor> values) {
        Graph g = plan.graph();
        Map<Sym, Long> sizes = PlanSizes.bind(g, values);
        Map<Node, cl_mem> buffers = new IdentityHashMap<>();
        var transient_ = new ArrayList<cl_mem>();
        try {
            for (Node n : g.nodes()) {
                if (n.op() != Op.INPUT && n.op() != Op.WEIGHT && n.op() != Op.STATE) continue;
                Tensor t = values.get(n.name());
                if (n.op() == Op.WEIGHT && resident.containsKey(n.name())) {
                    buffers.put(n, resident.get(n.name()));
                    continue;
                }
                cl_mem m = dev.alloc(PlanSizes.bytes(n, sizes));
                dev.write(m, PlanSizes.contiguous(t, n).storage().asSlice(0, PlanSizes.bytes(n, sizes)));
                buffers.put(n, m);
                if (n.op() == Op.WEIGHT) resident.put(n.name(), m);
                else transient_.add(m);
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
                    cl_mem m = dev.alloc(PlanSizes.bytes(n, sizes));
                    buffers.put(n, m);
                    transient_.add(m);
                }
                for (Step s : gk.steps(steps)) {
                    if (s instanceof Step.Gemm gm) {
                        KernelSource k = GemmKernel.of("gemm", gm.a().type().dtype(), gm.b().type().dtype(), gm.out().type().dtype(), gm.transA(), gm.transB());
                        var args = new ArrayList<Object>(List.of(buffers.get(gm.a()), buffers.get(gm.b()), buffers.get(gm.out())));
                        long m = PlanSizes.eval(gm.m(), sizes), n = PlanSizes.eval(gm.n(), sizes), batch = PlanSizes.eval(gm.batch(), sizes);
                        args.addAll(List.of(m, n, PlanSizes.eval(gm.k(), sizes), batch, PlanSizes.eval(gm.strideA(), sizes), PlanSizes.eval(gm.strideB(), sizes)));
                        dev.launch(k, args, batch * m * n);
                        continue;
                    }
                    var l = (Step.Launch) s;
                    var args = new ArrayList<Object>();
                    for (KernelParam p : l.kernel().params()) {
                        if (p.size()) args.add(PlanSizes.eval(p.dim(), sizes));
                        else {
                            cl_mem m = buffers.get(p.node());
                            if (m == null) throw new IllegalStateException(l.kernel().name() + " reads " + p.node() + " which has no buffer");
                            args.add(m);
                        }
                    }
                    dev.launch(l.kernel(), args, PlanSizes.eval(l.kernel().launch().threads(), sizes));
                }
            }
            dev.finish();
            var out = new LinkedHashMap<String, Tensor>();
            for (Graph.Output o : g.outputs()) {
                Node n = o.node();
                long[] shape = PlanSizes.shape(n, sizes);
                Tensor t = Creation.zeros(DType.fromLin(n.type().dtype().lin()), shape);
                cl_mem m = buffers.get(n);
                if (m == null) throw new IllegalStateException("output " + o.name() + " has no buffer");
                dev.read(m, t.storage().asSlice(0, PlanSizes.bytes(n, sizes)));
                out.put(o.name(), t);
            }
            return out;
        } finally {
            transient_.forEach(dev::release);
        }
    }

    @Override
    public void close() {
        resident.values().forEach(dev::release);
        resident.clear();
    }

    List<String> residentWeights() { return List.copyOf(resident.keySet()); }
}
