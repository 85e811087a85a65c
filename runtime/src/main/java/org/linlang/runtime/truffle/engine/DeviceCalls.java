package org.linlang.runtime.truffle.engine;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
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
import org.jocl.cl_mem;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.runtime.gpu.DeviceMemory;
import org.linlang.runtime.gpu.DevicePlanRunner;
import org.linlang.runtime.gpu.DeviceProfiling;
import org.linlang.runtime.gpu.KernelProfile;
import org.linlang.runtime.gpu.DeviceTensor;
import org.linlang.runtime.gpu.OpenClDevice;
import org.linlang.runtime.gpu.OpenClPlanRunner;
import org.linlang.runtime.gpu.cuda.CudaCompiler;
import org.linlang.runtime.gpu.cuda.CudaDriver;
import org.linlang.runtime.gpu.cuda.CudaPlanRunner;
import org.linlang.runtime.gpu.cuda.KernelCache;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.values.LinDeviceState;

/**
 * The device side of {@link CompiledCalls} under {@code --engine opencl} or {@code cuda}: a call's
 * graph becomes a {@link KernelPlan} (its kernels built once by the device, which caches them by
 * source), and each set of weight tensors gets one {@link DevicePlanRunner} per plan, so a model's
 * weights are uploaded on its first call and stay on the device for it and all its sessions. Per call, the arguments
 * are copied to the device and the outputs back; a session's states stay on the device between calls
 * ({@link LinDeviceState}, {@link DeviceTensor}): the runners of one device share its memory, so a state one
 * plan wrote (the prefill's) is read by another (the decode step's) where it is. A state's buffer is given
 * back when a newer value replaces it, when something copies it to the host, when its session is dropped
 * (found at the next call, through a reference queue) or when the context closes.
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

    /** The device's memory, shared by every runner (made with the device). */
    private DeviceMemory<?> memory;
    /** The device states handed to sessions, to give their buffers back once nothing holds them. */
    private final ReferenceQueue<LinDeviceState> dropped = new ReferenceQueue<>();
    private final Set<Tracked> tracked = new HashSet<>();

    private static final class Tracked extends PhantomReference<LinDeviceState> {
        final DeviceTensor value;

        Tracked(LinDeviceState state, ReferenceQueue<LinDeviceState> q) {
            super(state, q);
            this.value = state.value();
        }
    }

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

    /** Whether a plan's size guards hold for a call (as {@link CpuPlan#admits}), from the shapes of its inputs and states. */
    static boolean admits(KernelPlan plan, Map<String, long[]> shapes) {
        Graph g = plan.graph();
        if (g.guards().isEmpty()) return true;
        Map<String, Long> sizes = CpuPlan.callSizesOfShapes(g.nodes(), shapes);
        for (SizeGuard guard : g.guards()) {
            if (!Sizes.known(guard.left(), sizes) || !Sizes.known(guard.right(), sizes) || !guard.holds(sizes)) return false;
        }
        return true;
    }

    /**
     * Runs the plan on the runner of these weights, with states on the host ({@code inputs}) or on the
     * device ({@code onDevice}); states given neither way start as zeros (an empty KV cache has P = 0).
     * The outputs named in {@code keep} come back as {@link DeviceTensor}s, those in {@code skip} not at
     * all, the others as host tensors.
     */
    Map<String, Object> run(KernelPlan plan, Map<String, Tensor> inputs, Map<String, DeviceTensor> onDevice, Set<String> keep, Set<String> skip,
                            Map<String, Tensor> weights) {
        giveBackDropped();
        Graph g = plan.graph();
        Map<String, Tensor> values = new HashMap<>(inputs);
        Map<String, Long> sizes = null;
        for (Node n : g.nodesOf(Op.STATE)) {
            if (values.containsKey(n.name()) || onDevice.containsKey(n.name())) continue;
            if (sizes == null) sizes = CpuPlan.callSizesOfShapes(g.nodes(), shapes(inputs, onDevice));
            long[] shape = new long[n.type().rank()];
            for (int a = 0; a < shape.length; a++) shape[a] = Sizes.eval(n.type().dim(a), sizes);
            values.put(n.name(), Creation.zeros(DType.fromLin(n.type().dtype().lin()), shape));
        }
        for (Node n : g.nodesOf(Op.WEIGHT)) {
            Tensor w = weights.get(n.name());
            if (w == null) throw new IllegalArgumentException(g.title() + " needs weight '" + n.name() + "' (" + n.type() + "), which the instance does not have");
            values.put(n.name(), w);
        }
        return runner(plan, weights).run(values, onDevice, keep, skip);
    }

    static Map<String, long[]> shapes(Map<String, Tensor> host, Map<String, DeviceTensor> device) {
        Map<String, long[]> shapes = new HashMap<>();
        host.forEach((k, t) -> shapes.put(k, t.shape()));
        device.forEach((k, t) -> shapes.put(k, t.shape()));
        return shapes;
    }

    /** A session's state slot value for a device tensor a call kept; its buffer is given back once the value is unreachable. */
    LinDeviceState keep(DeviceTensor t) {
        LinDeviceState s = new LinDeviceState(t);
        tracked.add(new Tracked(s, dropped));
        return s;
    }

    /** Gives back the buffers of device states nothing holds any more (a dropped session, a state assigned from Lin code, a reset). */
    void giveBackDropped() {
        for (Reference<? extends LinDeviceState> r; (r = dropped.poll()) != null; ) {
            Tracked t = (Tracked) r;
            tracked.remove(t);
            t.value.free();
        }
    }

    /** The device's memory and its counters (null before the first call): for tests. */
    DeviceMemory<?> memory() { return memory; }

    private DevicePlanRunner<?> runner(KernelPlan plan, Map<String, Tensor> weights) {
        List<Resident> residents = runners.computeIfAbsent(plan, p -> new ArrayList<>());
        for (Resident r : residents) if (sameTensors(r.weights(), weights, plan.graph())) return r.runner();
        Map<String, Tensor> uploaded = new HashMap<>();
        for (Node n : plan.graph().nodesOf(Op.WEIGHT)) uploaded.put(n.name(), weights.get(n.name()));
        Resident r = new Resident(newRunner(plan), uploaded);
        residents.add(r);
        return r.runner();
    }

    /** Every runner: for tests. */
    List<DevicePlanRunner<?>> allRunners() {
        List<DevicePlanRunner<?>> all = new ArrayList<>();
        for (List<Resident> rs : runners.values()) for (Resident r : rs) all.add(r.runner());
        return all;
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
            if (openCl == null) {
                openCl = OpenClDevice.open(profile != null);
                memory = OpenClPlanRunner.memoryOf(openCl);
            }
            @SuppressWarnings("unchecked") DeviceMemory<cl_mem> m = (DeviceMemory<cl_mem>) memory;
            r = new OpenClPlanRunner(openCl, plan, Prelude.Target.OPENCL, m);
        } else {
            if (cuda == null) {
                CudaDriver driver = CudaDriver.open();
                cubins = new KernelCache(KernelCache.defaultDir(), CudaCompiler.find());
                cuda = driver;
                memory = CudaPlanRunner.memoryOf(cuda);
            }
            @SuppressWarnings("unchecked") DeviceMemory<Long> m = (DeviceMemory<Long>) memory;
            r = new CudaPlanRunner(cuda, cubins, plan, m);
        }
        if (profile != null) r.profileInto(profile);
        return r;
    }

    /** The OpenCL device (null before the first call or under cuda): for tests. */
    OpenClDevice openCl() { return openCl; }

    /** Gives back the sessions' device states, every runner's device memory and the OpenCL device (when the context closes). */
    void close() {
        for (Tracked t : tracked) t.value.free();
        tracked.clear();
        for (List<Resident> rs : runners.values()) for (Resident r : rs) r.runner().close();
        runners.clear();
        if (memory != null) memory.close();
        if (openCl != null) openCl.close();
        openCl = null;
    }
}
