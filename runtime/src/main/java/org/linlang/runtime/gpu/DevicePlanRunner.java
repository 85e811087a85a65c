package org.linlang.runtime.gpu;

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
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * The walk over a {@link KernelPlan} that every device engine shares: bind the graph's symbolic
 * sizes (B, T, …) from the tensors given, upload inputs and states (weights once per runner, then
 * kept), run each group's steps in schedule order — a view shares its input's buffer, a marker
 * fails with its reason, a group fused into another runs nothing — and read back the outputs. A
 * device supplies only memory, compilation and launches. Every value gets its own buffer (the
 * plan's slot reuse is not applied yet), taken when a step first names it and given back after
 * the call.
 *
 * @param <M> the device's handle of a buffer
 */
public abstract class DevicePlanRunner<M> implements AutoCloseable {
    private final KernelPlan plan;
    private final Prelude.Target target;
    private final Map<String, M> weights = new HashMap<>();
    /** An empty value (a KV cache before the first token, P = 0) still gets a buffer: devices refuse zero-byte ones. */
    private static final long MIN_BYTES = 16;
    /** Where each launch's device time goes; null (the default) times nothing. */
    private KernelProfile profile;

    protected DevicePlanRunner(KernelPlan plan, Prelude.Target target) {
        this.plan = plan;
        this.target = target;
    }

    public KernelPlan plan() { return plan; }

    /** A buffer of {@code bytes}; {@code resident} for a weight, kept until {@link #close}. */
    protected abstract M alloc(long bytes, boolean resident);

    protected abstract void free(M m, boolean resident);

    protected abstract void upload(M m, MemorySegment data);

    protected abstract void download(MemorySegment into, M m);

    /** Launches a generated kernel: arguments are buffers ({@code M}) or {@code Long} sizes, in parameter order. */
    protected abstract void launch(KernelSource k, List<Object> args, long threads);

    /** A strided batched GEMM of the CUDA steps (row-major; see {@link Step.Gemm}) at evaluated sizes. */
    protected abstract void gemm(Step.Gemm g, M a, M b, M out, long m, long n, long k, long batch, long strideA, long strideB);

    /** Waits for every launch. */
    protected abstract void finish();

    /** A timer of the next launch on the device's clock (only called while profiling). */
    protected LaunchTimer startTimer() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot time its launches");
    }

    /** Times every launch of the later calls into {@code p} (null: stop timing). */
    public void profileInto(KernelProfile p) { this.profile = p; }

    /** The outputs of the graph by name, for the inputs, weights and states given by name. */
    public Map<String, Tensor> run(Map<String, Tensor> values) {
        long start = System.nanoTime();
        Graph g = plan.graph();
        Map<Sym, Long> sizes = PlanSizes.bind(g, values);
        Map<Node, M> buffers = new IdentityHashMap<>();
        var taken = new ArrayList<M>();
        try {
            for (Node n : g.nodes()) {
                if (n.op() != Op.INPUT && n.op() != Op.WEIGHT && n.op() != Op.STATE) continue;
                boolean weight = n.op() == Op.WEIGHT;
                if (weight && weights.containsKey(n.name())) {
                    buffers.put(n, weights.get(n.name()));
                    continue;
                }
                long bytes = PlanSizes.bytes(n, sizes);
                M m = alloc(Math.max(bytes, MIN_BYTES), weight);
                if (weight) weights.put(n.name(), m);
                else taken.add(m);
                if (bytes > 0) upload(m, PlanSizes.contiguous(values.get(n.name()), n).storage().asSlice(0, bytes));
                buffers.put(n, m);
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
                for (Step s : gk.steps(target)) {
                    if (s instanceof Step.Gemm gm) {
                        LaunchTimer timer = profile == null ? null : startTimer();
                        gemm(gm, read(gm.a(), buffers, k -> "a GEMM"), read(gm.b(), buffers, k -> "a GEMM"), written(gm.out(), buffers, taken, sizes),
                                PlanSizes.eval(gm.m(), sizes), PlanSizes.eval(gm.n(), sizes), PlanSizes.eval(gm.k(), sizes),
                                PlanSizes.eval(gm.batch(), sizes), PlanSizes.eval(gm.strideA(), sizes), PlanSizes.eval(gm.strideB(), sizes));
                        if (timer != null) timed(timer, LaunchCost.gemm(gk, gm, sizes));
                        continue;
                    }
                    KernelSource k = ((Step.Launch) s).kernel();
                    var args = new ArrayList<Object>();
                    for (KernelParam p : k.params()) {
                        if (p.size()) args.add(PlanSizes.eval(p.dim(), sizes));
                        else args.add(p.written() ? written(p.node(), buffers, taken, sizes) : read(p.node(), buffers, x -> k.name()));
                    }
                    long threads = PlanSizes.eval(k.launch().threads(), sizes);
                    if (threads > 0) {
                        LaunchTimer timer = profile == null ? null : startTimer();
                        launch(k, args, threads);
                        if (timer != null) timed(timer, LaunchCost.launch(gk, k, sizes));
                    }
                }
            }
            finish();
            var out = new LinkedHashMap<String, Tensor>();
            for (Graph.Output o : g.outputs()) {
                Node n = o.node();
                M m = buffers.get(n);
                if (m == null) throw new IllegalStateException("output " + o.name() + " has no buffer");
                Tensor t = Creation.zeros(DType.fromLin(n.type().dtype().lin()), PlanSizes.shape(n, sizes));
                long bytes = PlanSizes.bytes(n, sizes);
                if (bytes > 0) download(t.storage().asSlice(0, bytes), m);
                out.put(o.name(), t);
            }
            if (profile != null) profile.endCall((System.nanoTime() - start) / 1e9);
            return out;
        } catch (RuntimeException e) {
            if (profile != null) profile.dropCall();
            throw e;
        } finally {
            for (M m : taken) free(m, false);
        }
    }

    private void timed(LaunchTimer timer, LaunchCost cost) {
        timer.stop();
        profile.add(cost, timer);
    }

    /** The buffer a step reads: written by an earlier step, or given. */
    private M read(Node n, Map<Node, M> buffers, java.util.function.Function<Node, String> reader) {
        M m = buffers.get(n);
        if (m == null) throw new IllegalStateException(reader.apply(n) + " reads " + n + ", which no earlier step wrote");
        return m;
    }

    /** The buffer a step writes, taken when a step first writes the value. */
    private M written(Node n, Map<Node, M> buffers, List<M> taken, Map<Sym, Long> sizes) {
        M m = buffers.get(n);
        if (m == null) {
            m = alloc(Math.max(PlanSizes.bytes(n, sizes), MIN_BYTES), false);
            taken.add(m);
            buffers.put(n, m);
        }
        return m;
    }

    /** The weights kept on the device, by name. */
    public List<String> residentWeights() { return List.copyOf(weights.keySet()); }

    @Override
    public void close() {
        for (M m : weights.values()) free(m, true);
        weights.clear();
    }
}
