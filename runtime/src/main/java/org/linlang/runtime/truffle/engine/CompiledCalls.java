package org.linlang.runtime.truffle.engine;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.ast.Param;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.ir.EntryPoint;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.runtime.cpu.CpuEngineException;
import org.linlang.runtime.cpu.CpuPlan;
import org.linlang.runtime.gpu.DeviceTensor;
import org.linlang.runtime.gpu.GpuUnavailableException;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.ops.Weights;
import org.linlang.runtime.truffle.values.LinBlockClass;
import org.linlang.runtime.truffle.values.LinDeviceState;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinTuple;

/**
 * Block and model calls of a script run on the cpu engine: {@code model(ids)} is compiled by the
 * middle end ({@code forward} of the block with this instance's parameters) and run as a
 * {@link CpuPlan} with the instance's weights. Plans are cached per block type, parameter values,
 * and the element types and ranks of the arguments (a plan holds for every B and T).
 *
 * <p>With engine cpu, a call the engine cannot run is an error that names the op and why; with
 * auto, it runs in the interpreter instead, and that is said once per block type on standard error.
 * With engine opencl or cuda, the same graph runs as a device plan ({@link DeviceCalls}), and what
 * the device kernels cannot run is an error likewise.
 */
public final class CompiledCalls {
    /** Returned when the interpreter should run the call (engine auto, and the plan was refused). */
    public static final Object INTERPRET = new Object();

    private record Key(LinBlockClass cls, List<Object> params, List<String> args) {}

    /** Whether the JVM has the incubating Vector API the kernels are written with (it must be added by a JVM option). */
    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private final Engine engine;
    private final PrintStream err;
    /** A key's plans, one per outcome of the size comparisons its graph depends on (SizeGuard), or the refusal's message. */
    private final Map<Key, List<CpuPlan>> plans = new HashMap<>();
    private final Map<Key, String> refusals = new HashMap<>();
    private final Set<LinBlockClass> toldInterp = new HashSet<>();
    /** State tensors a compiled call made and stored in a session, so nothing else can hold them: updated in place next time. */
    private final Set<Tensor> ownStates = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());
    /** Under engine opencl or cuda: the device plans (per key, one per outcome of the size guards) and their runners. */
    private final DeviceCalls device;
    private final Map<Key, List<KernelPlan>> devicePlans = new HashMap<>();

    public CompiledCalls(Engine engine, PrintStream err) {
        this.engine = engine;
        this.err = err;
        this.device = engine.onDevice() ? new DeviceCalls(engine) : null;
    }

    /** Gives back what the device engines hold (device memory, the OpenCL context); the cpu engine holds nothing. */
    public void close() {
        if (device != null) device.close();
    }

    public Engine engine() { return engine; }

    /** The device calls (null under the interp, cpu and auto engines): for tests. */
    DeviceCalls deviceCalls() { return device; }

    /** How many device plans the calls compiled, and how many runners (weight sets on the device) they hold: for tests. */
    int[] deviceCounts() {
        int plans = 0;
        for (List<KernelPlan> v : devicePlans.values()) plans += v.size();
        return new int[] {plans, device == null ? 0 : device.runnerCount()};
    }

    /**
     * Runs {@code instance(arguments)} on the cpu engine, or returns {@link #INTERPRET}. Refusals
     * under engine cpu are {@link CpuEngineException}s with one sentence.
     */
    public Object call(LinInstance instance, String[] argNames, Object[] arguments, boolean insideMethod) {
        LinBlockClass cls = instance.blockClass();
        LinBlockClass.Definition def = cls.definition();
        String what = cls.kindWord() + " " + cls.name();
        if (def == null) return refuse(cls, what + " was defined outside a checked program (a REPL input), so it cannot be compiled");
        Decl.Method forward = forwardOf(def.decl());
        if (forward == null) return INTERPRET;
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        List<String> argSig = new ArrayList<>();
        Map<String, String> argTypes = new LinkedHashMap<>();
        Map<String, Integer> argRanks = new LinkedHashMap<>();
        List<Param> params = forward.params();
        for (int i = 0; i < arguments.length; i++) {
            String name = argNames != null && i < argNames.length && argNames[i] != null ? argNames[i]
                    : i < params.size() ? params.get(i).name().name() : null;
            if (name == null) return refuse(cls, what + "'s forward takes " + params.size() + " arguments, not " + arguments.length);
            if (!(arguments[i] instanceof LinTensor t)) {
                return refuse(cls, "the cpu engine compiles calls of " + what + " with tensor arguments, and " + name + " is not a tensor");
            }
            inputs.put(name, t.tensor());
            argSig.add(name + ":" + t.dtype().lin() + "/" + t.rank());
            argTypes.put(name, t.dtype().lin());
            argRanks.put(name, t.rank());
        }
        Map<String, Long> ints = new LinkedHashMap<>();
        Map<String, Object> host = new LinkedHashMap<>();
        List<Object> paramValues = new ArrayList<>();
        for (int i = 0; i < cls.slotCount(); i++) {
            LinBlockClass.SlotKind k = cls.slotKind(i);
            if (k != LinBlockClass.SlotKind.INT_PARAM && k != LinBlockClass.SlotKind.PARAM) continue;
            Object v = instance.raw(i);
            paramValues.add(v);
            if (k == LinBlockClass.SlotKind.INT_PARAM && v instanceof Long l) ints.put(cls.slotName(i), l);
            else if (v instanceof Double || v instanceof Boolean || v instanceof String || v instanceof Long) host.put(cls.slotName(i), v);
            else return refuse(cls, "the cpu engine cannot compile " + what + ": its parameter " + cls.slotName(i) + " is not a number, bool or string");
        }
        if (!VECTOR_API && !engine.onDevice()) {
            return refuse(cls, "the cpu engine's kernels need the Vector API: start the JVM with --add-modules=jdk.incubator.vector");
        }
        Key key = new Key(cls, paramValues, argSig);
        if (refusals.containsKey(key)) return refuse(cls, refusals.get(key));
        // block states, as LinMethodCallNode keeps them: a session's, and any instance's inside a block method, are read
        // and written back (converted to their declared type); a plain instance called from outside starts empty and
        // drops them (it is pure)
        boolean keep = instance.isSession() || insideMethod;
        Map<String, StateSlot> states = new HashMap<>();
        Map<String, DeviceTensor> onDevice = new HashMap<>();
        if (keep) {
            states(instance, "", states, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
            for (var e : states.entrySet()) {
                StateSlot s = e.getValue();
                // the device engines read a state kept on the device where it is; anything else copies it to the host
                Object v = device != null ? s.owner().rawOnDevice(s.slot()) : s.owner().raw(s.slot());
                if (v instanceof LinTensor t) inputs.put(e.getKey(), t.tensor());
                else if (v instanceof LinDeviceState d) onDevice.put(e.getKey(), d.value());
            }
        }
        if (device != null) return callOnDevice(key, instance, def, ints, host, argTypes, argRanks, inputs, onDevice, states, keep, what);
        List<CpuPlan> variants = plans.computeIfAbsent(key, k -> new ArrayList<>());
        CpuPlan p = null;
        for (CpuPlan v : variants) if (v.admits(inputs)) p = v;
        if (p == null) {
            Object compiled = compileGraph(def, ints, host, argTypes, argRanks, DeviceCalls.shapes(inputs, Map.of()), what);
            if (compiled instanceof String refusal) {
                refusals.put(key, refusal);
                return refuse(cls, refusal);
            }
            p = (CpuPlan) compiled;
            variants.add(p);
        }
        Map<String, Tensor> weights = weightsOf(instance);
        // a session's state that an earlier compiled call wrote, and that keeps its shape, is updated in place: a
        // decoding step then writes no new state tensors (a state from anywhere else may be shared, so it is replaced)
        Map<String, Tensor> into = new HashMap<>();
        if (keep) {
            for (String name : p.stateNames()) {
                StateSlot s = states.get(name);
                if (s != null && s.owner().raw(s.slot()) instanceof LinTensor t && ownStates.contains(t.tensor()) && p.keepsShape(name)) {
                    into.put(name + "'", t.tensor());
                }
            }
        }
        Map<String, Tensor> out;
        try {
            out = p.runInto(inputs, weights::get, into);
        } catch (CpuEngineException e) {
            return refuse(cls, e.getMessage()); // e.g. arguments of another rank than the plan's (a Linear on [N, d])
        }
        if (keep) {
            for (var e : out.entrySet()) {
                if (!e.getKey().endsWith("'") || into.get(e.getKey()) == e.getValue()) continue;
                String name = e.getKey().substring(0, e.getKey().length() - 1);
                StateSlot s = states.get(name);
                if (s == null) continue;
                Tensor v = e.getValue().to(p.stateType(name));
                if (!sharesWithAny(v, inputs.values()) && !sharesWithAny(v, weights.values())) ownStates.add(v);
                s.owner().set(s.slot(), new LinTensor(v));
            }
        }
        return result(out);
    }

    /**
     * The call as a device plan: compiled once per key and outcome of its size guards, run by the
     * instance's runner. A session's states stay on the device: those a call wrote replace the old
     * ones in their slots as {@link LinDeviceState}s (the old buffers given back, unless the new state
     * was written over the old one), and the next call reads them there. A plain call drops them.
     */
    private Object callOnDevice(Key key, LinInstance instance, LinBlockClass.Definition def, Map<String, Long> ints, Map<String, Object> host,
                                Map<String, String> argTypes, Map<String, Integer> argRanks, Map<String, Tensor> inputs,
                                Map<String, DeviceTensor> onDevice, Map<String, StateSlot> states, boolean keep, String what) {
        LinBlockClass cls = instance.blockClass();
        Map<String, long[]> shapes = DeviceCalls.shapes(inputs, onDevice);
        List<KernelPlan> variants = devicePlans.computeIfAbsent(key, k -> new ArrayList<>());
        KernelPlan p = null;
        for (KernelPlan v : variants) if (DeviceCalls.admits(v, shapes)) p = v;
        if (p == null) {
            Object compiled = compileGraph(def, ints, host, argTypes, argRanks, shapes, what);
            if (compiled instanceof Graph g) compiled = device.plan(g, what);
            if (compiled instanceof String refusal) {
                refusals.put(key, refusal);
                return refuse(cls, refusal);
            }
            p = (KernelPlan) compiled;
            variants.add(p);
        }
        Set<String> kept = new HashSet<>(), dropped = new HashSet<>();
        for (Graph.Output o : p.graph().outputs()) {
            if (!o.name().endsWith("'")) continue;
            boolean slot = states.containsKey(o.name().substring(0, o.name().length() - 1));
            (keep && slot ? kept : dropped).add(o.name());
        }
        Map<String, Tensor> weights = weightsOf(instance);
        Map<String, Object> out;
        try {
            out = device.run(p, inputs, onDevice, kept, dropped, weights);
        } catch (GpuUnavailableException | IllegalArgumentException e) {
            return refuse(cls, "engine " + engine.word() + ": " + e.getMessage());
        }
        Map<String, Tensor> results = new LinkedHashMap<>();
        for (var e : out.entrySet()) {
            if (e.getValue() instanceof DeviceTensor d) {
                StateSlot s = states.get(e.getKey().substring(0, e.getKey().length() - 1));
                Object old = s.owner().rawOnDevice(s.slot());
                s.owner().set(s.slot(), device.keep(d));
                if (old instanceof LinDeviceState o) o.value().free(); // nothing if the new state was written over it
            } else {
                results.put(e.getKey(), (Tensor) e.getValue());
            }
        }
        return result(results);
    }

    private static boolean sharesWithAny(Tensor t, java.util.Collection<Tensor> others) {
        for (Tensor o : others) if (o.sharesStorageWith(t)) return true;
        return false;
    }

    /** The plan of a call: compiled for its arguments' element types and ranks, and its sizes where a shape depends on them. */
    private Object compileGraph(LinBlockClass.Definition def, Map<String, Long> ints, Map<String, Object> host, Map<String, String> argTypes,
                           Map<String, Integer> argRanks, Map<String, long[]> call, String what) {
        try {
            EntryPoint entry = EntryPoint.resolve(def.program(), def.decl().name().name(), ints).withHostArgs(host)
                    .withInputElementTypes(argTypes).withInputRanks(argRanks).withCallSizes(sources -> CpuPlan.callSizesOfShapes(sources, call));
            Graph g = KernelGraph.build(def.program(), entry).graph();
            return engine.onDevice() ? g : CpuPlan.of(g);
        } catch (IrException e) {
            return "the " + (engine.onDevice() ? engine.word() : "cpu") + " engine cannot compile " + what + ": " + e.getMessage();
        } catch (CpuEngineException e) {
            return e.getMessage();
        }
    }

    private Object refuse(LinBlockClass cls, String why) {
        if (engine != Engine.AUTO) throw new CpuEngineException(why + " (use --engine interp or auto)");
        if (toldInterp.add(cls)) err.println("lin: engine auto runs calls of " + cls.name() + " on interp: " + why);
        return INTERPRET;
    }

    private record StateSlot(LinInstance owner, int slot) {}

    /** The state members under {@code inst} by dotted path, as the graph names them ({@code layers.0.keys}). */
    private static void states(LinInstance inst, String prefix, Map<String, StateSlot> out, Set<LinInstance> seen) {
        if (!seen.add(inst)) return;
        LinBlockClass cls = inst.blockClass();
        for (int i = 0; i < cls.slotCount(); i++) {
            String name = prefix + cls.slotName(i);
            if (cls.slotKind(i) == LinBlockClass.SlotKind.STATE) out.put(name, new StateSlot(inst, i));
            if (cls.slotKind(i) != LinBlockClass.SlotKind.FIELD) continue;
            Object v = inst.raw(i);
            if (v instanceof LinInstance child) states(child, name + ".", out, seen);
            Object[] items = v instanceof org.linlang.runtime.truffle.values.LinList l ? l.items() : v instanceof LinTuple t ? t.items() : null;
            if (items != null) {
                for (int k = 0; k < items.length; k++) if (items[k] instanceof LinInstance child) states(child, name + "." + k + ".", out, seen);
            }
        }
    }

    private static Decl.Method forwardOf(Decl.Block b) {
        for (Decl.Member m : b.members()) if (m instanceof Decl.Method mm && mm.name().name().equals("forward")) return mm;
        return null;
    }

    /** The graph's outputs as a Lin value: {@code out} alone, or {@code out.0, out.1, …} as a tuple (nested by dots). */
    private static Object result(Map<String, Tensor> out) {
        if (out.containsKey("out")) return new LinTensor(out.get("out"));
        return tuple(out, "out.");
    }

    private static Object tuple(Map<String, Tensor> out, String prefix) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; ; i++) {
            String name = prefix + i;
            if (out.containsKey(name)) items.add(new LinTensor(out.get(name)));
            else if (out.keySet().stream().anyMatch(k -> k.startsWith(name + "."))) items.add(tuple(out, name + "."));
            else break;
        }
        return new LinTuple(items.toArray());
    }

    /** The instance's parameters by dotted path (its own and its sub-blocks'), as the plans name their weight inputs. */
    private static Map<String, Tensor> weightsOf(LinInstance instance) {
        Map<String, Tensor> weights = new HashMap<>();
        for (Weights.Slot s : Weights.parameters(instance)) {
            if (s.owner().read(s.slot()) instanceof LinTensor t) weights.put(s.name(), t.tensor());
        }
        return weights;
    }
}
