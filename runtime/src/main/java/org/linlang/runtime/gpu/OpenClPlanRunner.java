package org.linlang.runtime.gpu;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jocl.cl_mem;
import org.linlang.compiler.codegen.GroupKernels;
import org.linlang.compiler.codegen.KernelParam;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.Step;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.types.Dim;
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

    public OpenClPlanRunner(OpenClDevice dev, KernelPlan plan) {
        this.dev = dev;
        this.plan = plan;
    }

    /** The outputs of the graph by name, for the inputs, weights and states given by name. */
    public Map<String, Tensor> run(Map<String, Tensor> values) {
        Graph g = plan.graph();
        Map<Sym, Long> sizes = bindSizes(g, values);
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
                cl_mem m = dev.alloc(bytes(n, sizes));
                dev.write(m, contiguous(t, n).storage().asSlice(0, bytes(n, sizes)));
                buffers.put(n, m);
                if (n.op() == Op.WEIGHT) resident.put(n.name(), m);
                else transient_.add(m);
            }
            for (GroupKernels gk : plan.groups()) {
                Grouping.Group grp = gk.group();
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
                    cl_mem m = dev.alloc(bytes(n, sizes));
                    buffers.put(n, m);
                    transient_.add(m);
                }
                for (Step s : gk.steps(Prelude.Target.OPENCL)) {
                    var l = (Step.Launch) s;
                    var args = new ArrayList<Object>();
                    for (KernelParam p : l.kernel().params()) {
                        if (p.size()) args.add(eval(p.dim(), sizes));
                        else {
                            cl_mem m = buffers.get(p.node());
                            if (m == null) throw new IllegalStateException(l.kernel().name() + " reads " + p.node() + " which has no buffer");
                            args.add(m);
                        }
                    }
                    dev.launch(l.kernel(), args, eval(l.kernel().launch().threads(), sizes));
                }
            }
            dev.finish();
            var out = new LinkedHashMap<String, Tensor>();
            for (Graph.Output o : g.outputs()) {
                Node n = o.node();
                long[] shape = shape(n, sizes);
                Tensor t = Creation.zeros(DType.fromLin(n.type().dtype().lin()), shape);
                cl_mem m = buffers.get(n);
                if (m == null) throw new IllegalStateException("output " + o.name() + " has no buffer");
                dev.read(m, t.storage().asSlice(0, bytes(n, sizes)));
                out.put(o.name(), t);
            }
            return out;
        } finally {
            transient_.forEach(dev::release);
        }
    }

    private static Tensor contiguous(Tensor t, Node n) {
        DType want = DType.fromLin(n.type().dtype().lin());
        Tensor c = t.to(want).contiguous();
        if (c.offset() != 0) c = c.copy();
        return c;
    }

    /** Binds each symbolic size from the tensors' shapes, checking every axis. */
    static Map<Sym, Long> bindSizes(Graph g, Map<String, Tensor> values) {
        var sizes = new HashMap<Sym, Long>();
        var pending = new ArrayList<Node>();
        for (Node n : g.nodes()) {
            if (n.op() != Op.INPUT && n.op() != Op.WEIGHT && n.op() != Op.STATE) continue;
            Tensor t = values.get(n.name());
            if (t == null) throw new IllegalArgumentException("missing tensor '" + n.name() + "' of type " + n.type());
            if (t.rank() != n.type().rank()) {
                throw new IllegalArgumentException("tensor '" + n.name() + "' has shape " + Arrays.toString(t.shape()) + ", expected " + n.type());
            }
            for (int a = 0; a < t.rank(); a++) {
                Sym s = n.type().dim(a).asSym();
                if (s != null) {
                    Long prev = sizes.putIfAbsent(s, t.dim(a));
                    if (prev != null && prev != t.dim(a)) {
                        throw new IllegalArgumentException("tensor '" + n.name() + "' has " + s + " = " + t.dim(a) + " on axis " + a + ", but " + s + " = " + prev + " elsewhere");
                    }
                }
            }
            pending.add(n);
        }
        for (Node n : pending) {
            Tensor t = values.get(n.name());
            for (int a = 0; a < t.rank(); a++) {
                long want = eval(n.type().dim(a), sizes);
                if (want != t.dim(a)) {
                    throw new IllegalArgumentException("tensor '" + n.name() + "' has shape " + Arrays.toString(t.shape()) + ", expected " + n.type());
                }
            }
        }
        return sizes;
    }

    static long eval(Dim d, Map<Sym, Long> sizes) {
        var binding = new HashMap<Sym, Dim>();
        for (Sym s : d.symbols()) {
            Long v = sizes.get(s);
            if (v == null) throw new IllegalArgumentException("the size " + s + " is not given by any tensor");
            binding.put(s, Dim.of(v));
        }
        Dim c = d.substitute(binding);
        return c.constant();
    }

    static long[] shape(Node n, Map<Sym, Long> sizes) {
        long[] s = new long[n.type().rank()];
        for (int a = 0; a < s.length; a++) s[a] = eval(n.type().dim(a), sizes);
        return s;
    }

    static long bytes(Node n, Map<Sym, Long> sizes) {
        long c = 1;
        for (long x : shape(n, sizes)) c *= x;
        return c * DType.fromLin(n.type().dtype().lin()).byteSize();
    }

    @Override
    public void close() {
        resident.values().forEach(dev::release);
        resident.clear();
    }

    List<String> residentWeights() { return List.copyOf(resident.keySet()); }
}
