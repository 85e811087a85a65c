package org.linlang.runtime.gpu;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * sizes (B, T, …) from the values given, upload the host inputs and states (weights once per
 * runner, then kept), run each group's steps in schedule order — a view shares its input's buffer,
 * a marker fails with its reason, a group fused into another runs nothing — and read back the
 * outputs. A device supplies only compilation, copies, launches and the GEMM; memory comes from
 * the device's {@link DeviceMemory}, which the runners of one device share.
 *
 * <p>Values live where {@link StepSlots} puts them: the intermediates in the slots of one workspace
 * per runner, kept from call to call and grown when a call's sizes need more (so a decode step of
 * repeated sizes takes no memory); the states' new values ({@code S'}) in buffers of their own,
 * which a caller may keep on the device ({@link DeviceTensor}) and give back as the next call's
 * states without a copy; a recurrence's new state written over the state it read where the buffer
 * plan says so.
 *
 * @param <M> the device's handle of a buffer
 */
public abstract class DevicePlanRunner<M> implements AutoCloseable {
    private final KernelPlan plan;
    private final Prelude.Target target;
    private final DeviceMemory<M> memory;
    private final boolean ownsMemory;
    private final Map<String, M> weights = new HashMap<>();
    private StepSlots slots;
    /** The workspace: one buffer per slot, and its size in bytes. */
    private final List<M> workspace = new ArrayList<>();
    private final List<Long> workspaceBytes = new ArrayList<>();
    /** The launch lists of the last walks (a decode loop alternates between a few sets of buffers), oldest first. */
    private final java.util.ArrayDeque<Recording> recordings = new java.util.ArrayDeque<>();
    private static final int RECORDINGS = 4;
    private long replays;
    /** An empty value (a KV cache before the first token, P = 0) still gets a buffer: devices refuse zero-byte ones. */
    private static final long MIN_BYTES = 16;
    /** Where each launch's device time goes; null (the default) times nothing. */
    private KernelProfile profile;

    /**
     * @param memory the device's memory, shared with its other runners (states move between the
     *               runners of one device); null for memory of this runner's own, released at {@link #close}
     */
    protected DevicePlanRunner(KernelPlan plan, Prelude.Target target, DeviceMemory<M> memory) {
        this.plan = plan;
        this.target = target;
        this.ownsMemory = memory == null;
        this.memory = memory != null ? memory : new DeviceMemory<>(this::alloc, this::free);
    }

    public KernelPlan plan() { return plan; }

    public DeviceMemory<M> memory() { return memory; }

    /** A new device buffer of {@code bytes} (for a runner with memory of its own; shared memory is made by the device's owner). */
    protected abstract M alloc(long bytes);

    protected abstract void free(M m);

    protected abstract void upload(M m, MemorySegment data);

    protected abstract void download(MemorySegment into, M m);

    /** Copies {@code bytes} from the start of one buffer to the start of another, on the device. */
    protected abstract void copy(M from, M to, long bytes);

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

    /** Times every launch of the later calls into {@code p} (null: stop timing); a profiled call walks the plan, never replays. */
    public synchronized void profileInto(KernelProfile p) { this.profile = p; }

    /** The outputs of the graph by name, for the inputs, weights and states given by name (all on the host). */
    public Map<String, Tensor> run(Map<String, Tensor> values) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        run(values, Map.of(), Set.of(), Set.of()).forEach((k, v) -> out.put(k, (Tensor) v));
        return out;
    }

    /**
     * Runs the plan with some values already on the device: {@code host} and {@code device} give
     * the inputs, weights and states by name (a device tensor must come from this device's memory).
     * Returns each output by name: a {@link DeviceTensor} for those named in {@code keep} (the
     * caller owns it), none for those in {@code skip}, a host tensor for the others. A device
     * tensor given for a state whose new value is kept may be written over by it: it is then
     * moved into the returned one ({@link DeviceTensor#live()} turns false).
     */
    public synchronized Map<String, Object> run(Map<String, Tensor> host, Map<String, DeviceTensor> device, Set<String> keep, Set<String> skip) {
        long start = System.nanoTime();
        Graph g = plan.graph();
        if (slots == null) slots = new StepSlots(plan, target);
        Map<String, long[]> shapes = new HashMap<>();
        host.forEach((k, t) -> shapes.put(k, t.shape()));
        device.forEach((k, t) -> shapes.put(k, t.shape()));
        Map<Sym, Long> sizes = PlanSizes.bindShapes(g, shapes);
        Map<Node, M> buffers = new IdentityHashMap<>();
        var taken = new ArrayList<M>(); // taken from the device's memory for this call, given back at the end unless kept
        Map<M, DeviceTensor> givenOnDevice = new IdentityHashMap<>();
        Set<String> keptStates = new java.util.HashSet<>();
        for (String k : keep) if (k.endsWith("'")) keptStates.add(k.substring(0, k.length() - 1));
        List<DeviceTensor> movedInputs = new ArrayList<>();
        var out = new LinkedHashMap<String, Object>();
        try {
            for (Node n : g.nodes()) {
                if (n.op() != Op.INPUT && n.op() != Op.WEIGHT && n.op() != Op.STATE) continue;
                boolean weight = n.op() == Op.WEIGHT;
                if (weight && weights.containsKey(n.name())) {
                    buffers.put(n, weights.get(n.name()));
                    continue;
                }
                long bytes = PlanSizes.bytes(n, sizes);
                DeviceTensor d = device.get(n.name());
                if (d != null) {
                    DType want = DType.fromLin(n.type().dtype().lin());
                    if (d.dtype() != want || !d.on(memory)) {
                        throw new IllegalArgumentException("device tensor '" + n.name() + "' is " + d.dtype() + (d.on(memory) ? "" : " on another device")
                                + ", the plan reads " + want);
                    }
                    @SuppressWarnings("unchecked") M m = (M) d.buffer();
                    givenOnDevice.put(m, d);
                    buffers.put(n, m);
                    continue;
                }
                Tensor t = host.get(n.name());
                M m = weight ? memory.allocResident(Math.max(bytes, MIN_BYTES)) : memory.take(Math.max(bytes, MIN_BYTES));
                if (weight) weights.put(n.name(), m);
                else taken.add(m);
                if (bytes > 0) uploadCounted(m, PlanSizes.contiguous(t, n).storage().asSlice(0, bytes));
                buffers.put(n, m);
            }
            growWorkspace(sizes);
            bindWritten(buffers, taken, keptStates, givenOnDevice, movedInputs, sizes);
            List<Object> key = key(sizes, buffers);
            Recording rec = null;
            for (Recording r : recordings) if (r.key().equals(key)) rec = r;
            if (rec != null && profile == null) {
                replay(rec.launches());
                replays++;
            } else {
                List<Launched> launched = new ArrayList<>();
                walk(buffers, sizes, launched);
                recordings.addLast(new Recording(key, List.copyOf(launched)));
                if (recordings.size() > RECORDINGS) forget(recordings.removeFirst().launches());
            }
            // each kept output leaves with a buffer of its own: one this call took for it, or a copy
            var handedOut = java.util.Collections.newSetFromMap(new IdentityHashMap<M, Boolean>());
            for (Graph.Output o : g.outputs()) {
                if (!keep.contains(o.name()) || skip.contains(o.name())) continue;
                Node n = o.node();
                M m = buffers.get(slots.root(n));
                if (m == null) throw new IllegalStateException("output " + o.name() + " has no buffer");
                long bytes = PlanSizes.bytes(n, sizes);
                boolean own = taken.contains(m) && slots.slot(slots.root(n)) < 0 && !slots.given(slots.root(n)) || movedFrom(m, movedInputs);
                if (!own || !handedOut.add(m)) {
                    M c = memory.take(Math.max(bytes, MIN_BYTES));
                    taken.add(c);
                    if (bytes > 0) copy(m, c, bytes);
                    handedOut.add(c);
                    m = c;
                }
                taken.remove(m);
                out.put(o.name(), new DeviceTensor(this, m, DType.fromLin(n.type().dtype().lin()), PlanSizes.shape(n, sizes)));
            }
            finish();
            for (Graph.Output o : g.outputs()) {
                if (keep.contains(o.name()) || skip.contains(o.name())) continue;
                Node n = o.node();
                M m = buffers.get(slots.root(n));
                if (m == null) throw new IllegalStateException("output " + o.name() + " has no buffer");
                Tensor t = Creation.zeros(DType.fromLin(n.type().dtype().lin()), PlanSizes.shape(n, sizes));
                long bytes = PlanSizes.bytes(n, sizes);
                if (bytes > 0) downloadCounted(t.storage().asSlice(0, bytes), m);
                out.put(o.name(), t);
            }
            for (DeviceTensor d : movedInputs) d.moved();
            if (profile != null) profile.endCall((System.nanoTime() - start) / 1e9);
            var ordered = new LinkedHashMap<String, Object>();
            for (Graph.Output o : g.outputs()) if (out.containsKey(o.name())) ordered.put(o.name(), out.get(o.name()));
            return ordered;
        } catch (RuntimeException e) {
            if (profile != null) profile.dropCall();
            for (Object v : out.values()) if (v instanceof DeviceTensor d && !movedFrom(d.buffer(), movedInputs)) d.free();
            throw e;
        } finally {
            for (M m : taken) memory.give(m);
            memory.endOfRun();
        }
    }

    /** Runs each group's steps in schedule order, recording every launch. */
    private void walk(Map<Node, M> buffers, Map<Sym, Long> sizes, List<Launched> launched) {
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
                    M a = read(gm.a(), buffers, "a GEMM"), b = read(gm.b(), buffers, "a GEMM");
                    var p = new Product(gm, a, b, read(gm.out(), buffers, "a GEMM's result"),
                            PlanSizes.eval(gm.m(), sizes), PlanSizes.eval(gm.n(), sizes), PlanSizes.eval(gm.k(), sizes),
                            PlanSizes.eval(gm.batch(), sizes), PlanSizes.eval(gm.strideA(), sizes), PlanSizes.eval(gm.strideB(), sizes));
                    LaunchTimer timer = profile == null ? null : startTimer();
                    run(p);
                    if (timer != null) timed(timer, LaunchCost.gemm(gk, gm, sizes));
                    launched.add(p);
                    continue;
                }
                KernelSource k = ((Step.Launch) s).kernel();
                var args = new ArrayList<Object>();
                for (KernelParam p : k.params()) {
                    if (p.size()) args.add(PlanSizes.eval(p.dim(), sizes));
                    else args.add(read(p.node(), buffers, k.name()));
                }
                long threads = PlanSizes.eval(k.launch().threads(), sizes);
                if (threads == 0) continue;
                var l = new Kernel(k, args, threads);
                LaunchTimer timer = profile == null ? null : startTimer();
                run(l);
                if (timer != null) timed(timer, LaunchCost.launch(gk, k, sizes));
                launched.add(l);
            }
        }
    }

    private void timed(LaunchTimer timer, LaunchCost cost) {
        timer.stop();
        profile.add(cost, timer);
    }

    private static <M> boolean movedFrom(M m, List<DeviceTensor> moved) {
        for (DeviceTensor d : moved) if (d.buffer().equals(m)) return true;
        return false;
    }

    /** Makes each workspace slot as large as its largest value at these sizes (a slot too small is replaced). */
    private void growWorkspace(Map<Sym, Long> sizes) {
        for (int s = 0; s < slots.slotCount(); s++) {
            long need = MIN_BYTES;
            for (Node n : slots.members(s)) need = Math.max(need, PlanSizes.bytes(n, sizes));
            if (s < workspace.size() && workspaceBytes.get(s) >= need) continue;
            if (s < workspace.size()) {
                memory.give(workspace.get(s));
                workspace.set(s, memory.take(need));
                workspaceBytes.set(s, need);
            } else {
                workspace.add(memory.take(need));
                workspaceBytes.add(need);
            }
        }
    }

    /** The buffer a step reads: written by an earlier step, or given. */
    private M read(Node n, Map<Node, M> buffers, String reader) {
        M m = buffers.get(n);
        if (m == null) throw new IllegalStateException(reader + " reads " + n + ", which no earlier step wrote");
        return m;
    }

    /**
     * The buffer of every value a step writes, before any step runs: its workspace slot; for a value
     * under a state output, a buffer of its own; for a new state the buffer plan writes over its old
     * one, the old one's buffer — when the old one came from the host (an upload of this call) or its
     * new value is kept (the device tensor given then moves into the new one); else a buffer of its own.
     */
    private void bindWritten(Map<Node, M> buffers, List<M> taken, Set<String> keptStates, Map<M, DeviceTensor> givenOnDevice,
                             List<DeviceTensor> moved, Map<Sym, Long> sizes) {
        for (Node n : slots.slotted()) buffers.put(n, workspace.get(slots.slot(n)));
        for (Node n : slots.ownBuffers()) {
            M m = memory.take(Math.max(PlanSizes.bytes(n, sizes), MIN_BYTES));
            taken.add(m);
            buffers.put(n, m);
        }
        for (var e : slots.inPlace().entrySet()) {
            Node n = e.getKey(), state = e.getValue();
            M old = buffers.get(state), m;
            DeviceTensor d = old == null ? null : givenOnDevice.get(old);
            if (old != null && d == null && taken.contains(old)) {
                m = old;
            } else if (d != null && keptStates.contains(state.name())) {
                m = old;
                moved.add(d);
            } else {
                m = memory.take(Math.max(PlanSizes.bytes(n, sizes), MIN_BYTES));
                taken.add(m);
            }
            buffers.put(n, m);
        }
    }

    /** What a recorded launch list depends on: the sizes, and the buffer of every value, in the graph's order. */
    private List<Object> key(Map<Sym, Long> sizes, Map<Node, M> buffers) {
        List<Object> key = new ArrayList<>();
        sizes.entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(Sym::toString)))
                .forEach(e -> key.add(e.getKey() + "=" + e.getValue()));
        for (Node n : plan.graph().nodes()) {
            M m = buffers.get(n);
            if (m != null) key.add(m);
        }
        return key;
    }

    /** One thing a walk did on the device, as it did it: a kernel with its arguments, or a GEMM. */
    protected sealed interface Launched permits Kernel, Product {}

    /** A generated kernel's launch: arguments are buffers or {@code Long} sizes, in parameter order. */
    protected record Kernel(KernelSource kernel, List<Object> args, long threads) implements Launched {}

    /** A GEMM at evaluated sizes, on buffers. */
    protected record Product(Step.Gemm gemm, Object a, Object b, Object out, long m, long n, long k, long batch, long strideA, long strideB)
            implements Launched {}

    /** The launches of one walk, and what they depended on. */
    private record Recording(List<Object> key, List<Launched> launches) {}

    private void run(Launched l) {
        switch (l) {
            case Kernel k -> launch(k.kernel(), k.args(), k.threads());
            case Product p -> {
                @SuppressWarnings("unchecked") M a = (M) p.a(), b = (M) p.b(), out = (M) p.out();
                gemm(p.gemm(), a, b, out, p.m(), p.n(), p.k(), p.batch(), p.strideA(), p.strideB());
            }
        }
    }

    /**
     * Runs a launch list recorded by an earlier walk with the same sizes and buffers (a decode step
     * like the one before): the same launches, without walking the plan or evaluating a size. A device
     * may replay it faster (CUDA: a captured graph).
     */
    protected void replay(List<Launched> launches) {
        for (Launched l : launches) run(l);
    }

    /** A recorded launch list is dropped (the runner keeps the last few): a device lets go of what it made for it. */
    protected void forget(List<Launched> launches) {}

    /** Calls that replayed a recorded launch list instead of walking the plan: for tests. */
    public synchronized long replays() { return replays; }

    private void uploadCounted(M m, MemorySegment data) {
        upload(m, data);
        memory.countUpload(data.byteSize());
    }

    private void downloadCounted(MemorySegment into, M m) {
        download(into, m);
        memory.countDownload(into.byteSize());
    }

    /** A device tensor's host copy. */
    Tensor downloadValue(DeviceTensor d) {
        @SuppressWarnings("unchecked") M m = (M) d.buffer();
        Tensor t = Creation.zeros(d.dtype(), d.shape());
        synchronized (this) {
            if (d.bytes() > 0) downloadCounted(t.storage().asSlice(0, d.bytes()), m);
        }
        return t;
    }

    /** A device tensor's buffer goes back to the device's memory. */
    void giveBack(Object buffer) {
        @SuppressWarnings("unchecked") M m = (M) buffer;
        memory.give(m);
    }

    /** The weights kept on the device, by name. */
    public List<String> residentWeights() { return List.copyOf(weights.keySet()); }

    /** How many values the plan's steps write into the workspace, and how many slots they share (0, 0 before the first run). */
    public int[] slotPlan() { return slots == null ? new int[2] : new int[] {slots.valueCount(), slots.slotCount()}; }

    /** How many workspace buffers this runner keeps, and their bytes: for tests and reports. */
    public long[] workspaceFootprint() {
        long bytes = 0;
        for (long b : workspaceBytes) bytes += b;
        return new long[] {workspace.size(), bytes};
    }

    /** Gives back the weights and the workspace; with memory of its own, releases all of it. */
    @Override
    public synchronized void close() {
        for (M m : weights.values()) memory.freeResident(m);
        weights.clear();
        for (M m : workspace) memory.give(m);
        workspace.clear();
        workspaceBytes.clear();
        if (ownsMemory) memory.close();
    }

    @Override
    public String toString() { return getClass().getSimpleName() + Arrays.asList(plan.graph().title()); }
}
