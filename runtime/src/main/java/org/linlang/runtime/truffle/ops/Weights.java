package org.linlang.runtime.truffle.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.runtime.checkpoint.CheckpointFiles;
import org.linlang.runtime.checkpoint.CheckpointOrigins;
import org.linlang.runtime.checkpoint.LoadProgress;
import org.linlang.runtime.checkpoint.TiedWeights;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.values.LinBlockClass;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinPendingParam;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinTuple;

/**
 * {@code m.load(path)} and {@code m.save(path)}: a model's tensor parameters by their dotted names
 * ({@code embed.weight}, {@code mixers.3.q_proj.weight}), as Hugging Face checkpoints name them. A
 * member that is a block adds its name and a dot; a list of blocks adds the name, the index and a dot.
 */
public final class Weights {
    private Weights() {}

    /** Where one parameter lives. */
    public record Slot(String name, LinInstance owner, int slot, long[] shape, DType dtype) {}

    /** Every tensor parameter under {@code root}, in declaration order (a block reachable twice counts once). */
    public static List<Slot> parameters(LinInstance root) {
        List<Slot> out = new ArrayList<>();
        walk(root, "", out, new IdentityHashMap<>());
        return out;
    }

    private static void walk(LinInstance inst, String prefix, List<Slot> out, Map<LinInstance, Boolean> seen) {
        if (seen.put(inst, Boolean.TRUE) != null) return;
        LinBlockClass cls = inst.blockClass();
        for (int i = 0; i < cls.slotCount(); i++) {
            String name = prefix + cls.slotName(i);
            Object v = inst.rawOnDevice(i); // a state on the device stays there: only parameters and fields are read
            if (cls.slotKind(i) == LinBlockClass.SlotKind.TENSOR_PARAM) {
                if (v instanceof LinPendingParam p) out.add(new Slot(name, inst, i, p.shape(), p.dtype()));
                else if (v instanceof LinTensor t) out.add(new Slot(name, inst, i, t.tensor().shape(), t.dtype()));
            } else if (cls.slotKind(i) == LinBlockClass.SlotKind.FIELD) {
                if (v instanceof LinInstance child) walk(child, name + ".", out, seen);
                Object[] items = v instanceof LinList l ? l.items() : v instanceof LinTuple t ? t.items() : null;
                if (items != null) {
                    for (int k = 0; k < items.length; k++) {
                        if (items[k] instanceof LinInstance child) walk(child, name + "." + k + ".", out, seen);
                    }
                }
            }
        }
    }

    /**
     * Reads every parameter from a safetensors file, or a checkpoint folder ({@link CheckpointFiles}:
     * a sharded index, model.safetensors, or all {@code *.safetensors}; config.json's tied embeddings).
     * Floating tensors convert to the parameter's element type once (a bf16 checkpoint loads into f32
     * parameters); tensors already of that type stay views of the mapped file. Anything else must match
     * exactly. Every problem is listed in one message. Large loads draw a progress bar on {@code progress}.
     */
    public static void load(LinInstance root, String path, Path resolved, OutputStream progress) {
        CheckpointFiles.Tensors read = CheckpointFiles.read(resolved, path);
        Map<String, Tensor> found = new LinkedHashMap<>(read.byName());
        if (Files.isDirectory(resolved)) TiedWeights.apply(found, resolved, path);
        List<Slot> params = parameters(root);
        List<String> problems = new ArrayList<>();
        Map<String, Boolean> expected = new LinkedHashMap<>();
        for (Slot s : params) {
            expected.put(s.name, Boolean.TRUE);
            Tensor t = found.get(s.name);
            if (t == null) {
                problems.add("missing " + s.name + ": expected " + LinTensor.typeText(s.dtype, s.shape));
            } else if (!Arrays.equals(t.shape(), s.shape)) {
                problems.add("wrong shape for " + s.name + ": expected " + LinTensor.shapeText(s.shape) + ", found " + LinTensor.shapeText(t.shape()));
            } else if (t.dtype() != s.dtype && !(t.dtype().isFloat() && s.dtype.isFloat())) {
                problems.add("wrong element type for " + s.name + ": expected " + s.dtype.lin() + ", found " + t.dtype().lin());
            }
        }
        for (var e : found.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                problems.add("unexpected " + e.getKey() + ": " + LinTensor.typeText(e.getValue().dtype(), e.getValue().shape())
                        + " (" + root.blockClass().name() + " has no such parameter)");
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 20);
            StringBuilder b = new StringBuilder("cannot load '" + path + "' into " + root.blockClass().kindWord() + " " + root + ": "
                    + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
            for (int i = 0; i < shown; i++) b.append("\n  ").append(problems.get(i));
            if (shown < problems.size()) b.append("\n  … and ").append(problems.size() - shown).append(" more");
            throw new IllegalArgumentException(b.toString());
        }
        long total = 0; // per parameter, so that a tied tensor counts as often as it is assigned
        for (Slot s : params) total += found.get(s.name).numel() * found.get(s.name).dtype().byteSize();
        LoadProgress bar = LoadProgress.start(progress, path, total, LoadProgress.THRESHOLD);
        for (Slot s : params) {
            Tensor t = found.get(s.name);
            Tensor value = t.dtype() == s.dtype ? t : t.to(s.dtype);
            if (value == t && t.storage().isMapped()) t.storage().load(); // page in now, not at the first forward
            s.owner.set(s.slot, new LinTensor(value));
            bar.advance(t.numel() * t.dtype().byteSize());
        }
        bar.finish();
        CheckpointOrigins.remember(root, resolved);
    }

    /** Writes every parameter (generating those not yet read or loaded) to a safetensors file. */
    public static void save(LinInstance root, String path, Path resolved) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Slot s : parameters(root)) out.put(s.name, s.owner.materialize(s.slot).tensor());
        try {
            SafeTensors.write(resolved, out);
        } catch (IOException e) {
            throw new IllegalArgumentException(TensorBuiltins.fileProblem("write", path, resolved, e));
        }
    }
}
