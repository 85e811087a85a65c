package org.linlang.runtime.truffle.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.codegen.CodegenException;
import org.linlang.compiler.codegen.GroupKernels;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.SizeGuard;
import org.linlang.compiler.ir.Sizes;
import org.linlang.runtime.cpu.CpuPlan;
import org.linlang.runtime.gpu.DevicePlanRunner;
import org.linlang.runtime.gpu.DeviceProfiling;
import org.linlang.runtime.gpu.KernelProfile;
import org.linlang.runtime.gpu.OpenClDevice;
import org.linlang.runtime.gpu.OpenClPlanRunner;
import org.linlang.runtime.gpu.cuda.CudaCompiler;
import org.linlang.runtime.gpu.cuda.CudaDriver;
import org.linlang.runtime.gpu.cuda.CudaPlanRunner;
import org.linlang.runtime.gpu.cuda.KernelCache;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * The device side of {@link CompiledCalls} under {@code --engine opencl} or {@code cuda}: a call's
 * graph becomes a {@link KernelPlan} (its kernels built once by the device, which caches them by
 * source), and each set of weight tensors gets one {@link DevicePlanRunner} per plan, so a model's
 * weights are uploaded on its first call and stay on the device for it and all its sessions. Per call, the arguments and the session's states are
 * copied to the device, and the outputs and new states are copied back.
 */
final class DeviceCalls {
    private final Engine engine;
    /** Opened on the first call: the OpenCL device, or the CUDA driver and its kernel cache. */
    private OpenClDevice openCl;
    private CudaDriver cuda;
    private KernelCache cubins;
    /**
     * Each plan's runners, one per set of weight tensors it uploaded: a model and its sessions share the
     * tensors, so they share a runner; a weight replaced since (load, an assignment) means a new one.
     */
    private final Map<KernelPlan, List<Resident>> runners = new IdentityHashMap<>();

    private record Resident(DevicePlanRunner<?> runner, Map<String, Tensor> weights) {}

    DeviceCalls(Engine engine) {
        this.engine = engine;
    }

    /** The device plan of a compiled graph, or the codegen's refusal as one sentence. */
    Object plan(Graph graph, String what) {
        try {
            KernelPlan plan = KernelPlan.of(graph);
            for (GroupKernels gk : plan.groups()) {
                Grouping.Group g = gk.group();
                if (g.kind() == Grouping.Kind.UNSUPPORTED) {
                    return "the " + engine.word() + " engine cannot run " + what + ": " + g.label() + " " + g.title() + " has no device kernel ("
                            + g.anchor().attr("reason") + ")";
                }
            }
            return plan;
        } catch (CodegenException e) {
            return "the " + engine.word() + " engine cannot run " + what + ": " + e.getMessage();
        }
    }

    /** Whether a plan's size guards hold for a call (as {@link CpuPlan#admits}). */
    static boolean admits(KernelPlan plan, Map<String, Tensor> inputs) {
        Graph g = plan.graph();
        if (g.guards().isEmpty()) return true;
        Map<String, Long> sizes = CpuPlan.callSizes(g.nodes(), inputs);
        for (SizeGuard guard : g.guards()) {
            if (!Sizes.known(guard.left(), sizes) || !Sizes.known(guard.right(), sizes) || !guard.holds(sizes)) return false;
        }
        return true;
    }

    /** Runs the plan on the runner of these weights: states not given start as zeros (an empty KV cache has P = 0). */
    Map<String, Tensor> run(KernelPlan plan, Map<String, Tensor> inputs, Map<String, Tensor> weights) {
        Graph g = plan.graph();
        Map<String, Tensor> values = new HashMap<>(inputs);
        Map<String, Long> sizes = null;
        for (Node n : g.nodesOf(Op.STATE)) {
            if (values.containsKey(n.name())) continue;
            if (sizes == null) sizes = CpuPlan.callSizes(g.nodes(), inputs);
            long[] shape = new long[n.type().rank()];
            for (int a = 0; a < shape.length; a++) shape[a] = Sizes.eval(n.type().dim(a), sizes);
            values.put(n.name(), Creation.zeros(DType.fromLin(n.type().dtype().lin()), shape));
        }
        for (Node n : g.nodesOf(Op.WEIGHT)) {
            Tensor w = weights.get(n.name());
            if (w == null) throw new IllegalArgumentException(g.title() + " needs weight '" + n.name() + "' (" + n.type() + "), which the instance does not have");
            values.put(n.name(), w);
        }
        return runner(plan, weights).run(values);
    }

    private DevicePlanRunner<?> runner(KernelPlan plan, Map<String, Tensor> weights) {
        List<Resident> residents = runners.computeIfAbsent(plan, p -> new ArrayList<>());
        for (Resident r : residents) if (sameTensors(r.weights(), weights, plan.graph())) return r.runner();
        Map<String, Tensor> uploaded = new HashMap<>();
        for (Node n : plan.graph().nodesOf(Op.WEIGHT)) uploaded.put(n.name(), weights.get(n.name()));
        Resident r = new Resident(newRunner(plan), uploaded);
        residents.add(r);
        return r.runner();
    }

    /** How many runners (weight sets on the device) the plans have, in all: one per model however many sessions it has. */
    int runnerCount() {
        int n = 0;
        for (List<Resident> r : runners.values()) n += r.size();
        return n;
    }

    private static boolean sameTensors(Map<String, Tensor> uploaded, Map<String, Tensor> now, Graph g) {
        for (Node n : g.nodesOf(Op.WEIGHT)) if (uploaded.get(n.name()) != now.get(n.name())) return false;
        return true;
    }

    /** A runner of the plan; under {@code lin bench} ({@link DeviceProfiling}) it times its launches. */
    private DevicePlanRunner<?> newRunner(KernelPlan plan) {
        KernelProfile profile = DeviceProfiling.active();
        DevicePlanRunner<?> r;
        if (engine == Engine.OPENCL) {
            if (openCl == null) openCl = OpenClDevice.open(profile != null);
            r = new OpenClPlanRunner(openCl, plan);
        } else {
            if (cuda == null) {
                cuda = CudaDriver.open();
                cubins = new KernelCache(KernelCache.defaultDir(), CudaCompiler.find());
            }
            r = new CudaPlanRunner(cuda, cubins, plan);
        }
        if (profile != null) r.profileInto(profile);
        return r;
    }

    /** Gives back every runner's device memory and the OpenCL device (when the context closes). */
    void close() {
        for (List<Resident> rs : runners.values()) for (Resident r : rs) r.runner().close();
        runners.clear();
        if (openCl != null) openCl.close();
        openCl = null;
    }
}
