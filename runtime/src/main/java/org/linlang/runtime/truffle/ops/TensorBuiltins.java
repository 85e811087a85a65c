package org.linlang.runtime.truffle.ops;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.runtime.checkpoint.Checkpoint;
import org.linlang.runtime.checkpoint.CheckpointModels;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Elementwise;
import org.linlang.runtime.tensor.Npy;
import org.linlang.runtime.tensor.Reductions;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Shapes;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.tensor.TensorFormatException;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinNone;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinTensorDict;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * The builtins that work on tensors, as the compiler's {@code Builtins} registry documents them (that
 * registry holds their signatures and documentation; this one their implementations). Each takes a
 * {@link BuiltinCall} and returns a Lin value; problems are {@link IllegalArgumentException}s whose
 * message the calling node reports at the call.
 */
public final class TensorBuiltins {
    private TensorBuiltins() {}

    @FunctionalInterface
    public interface Impl {
        Object apply(BuiltinCall c);
    }

    /** A builtin: its name, the fewest positional arguments it takes, and what it does. */
    public record Def(String name, int minArgs, int maxArgs, Impl impl) {}

    private static final Map<String, Def> ALL = new LinkedHashMap<>();

    private static void add(String name, int min, int max, Impl impl) { ALL.put(name, new Def(name, min, max, impl)); }

    /** The tensor builtin of that name, or null. */
    public static Def get(String name) { return ALL.get(name); }

    public static Map<String, Def> all() { return java.util.Collections.unmodifiableMap(ALL); }

    private static final int MANY = Integer.MAX_VALUE;

    static {
        add("sum", 1, 1, c -> reduce(c, "sum"));
        add("mean", 1, 1, c -> reduce(c, "mean"));
        add("max", 1, MANY, c -> reduce(c, "max"));
        add("min", 1, MANY, c -> reduce(c, "min"));
        add("argmax", 1, 1, TensorBuiltins::argmax);
        add("softmax", 1, 1, c -> {
            Tensor x = c.tensor(0);
            if (x.rank() == 0) throw new IllegalArgumentException("softmax needs at least one dimension");
            return new LinTensor(Reductions.softmax(x, c.axis(x, -1)));
        });
        add("cumsum", 1, 1, c -> {
            Tensor x = c.tensor(0);
            return new LinTensor(Reductions.cumsum(x, c.axis(x, null)));
        });
        add("outer", 2, 2, c -> new LinTensor(TensorOps.outer(c.tensor(0), c.tensor(1))));
        add("transpose", 1, 3, c -> {
            Tensor x = c.tensor(0);
            if (x.rank() < 2) throw new IllegalArgumentException("transpose needs at least two dimensions, got " + LinTensor.shapeText(x.shape()));
            int a = c.axis("a", 1, x, x.rank(), -2);
            int b = c.axis("b", 2, x, x.rank(), -1);
            return new LinTensor(x.transpose(a, b));
        });
        add("zeros", 1, 1, c -> new LinTensor(Creation.zeros(dtype(c), shape(c.arg(0)))));
        add("ones", 1, 1, c -> new LinTensor(Creation.ones(dtype(c), shape(c.arg(0)))));
        add("rand", 1, 1, c -> new LinTensor(Creation.rand(shape(c.arg(0)), seed(c)).to(dtype(c))));
        add("randn", 1, 1, c -> new LinTensor(Creation.randn(shape(c.arg(0)), seed(c)).to(dtype(c))));
        add("full", 2, 2, c -> new LinTensor(Creation.full(number(c.arg(1), "the fill value"), dtype(c), shape(c.arg(0)))));
        add("arange", 1, 2, TensorBuiltins::arange);
        add("zeros_like", 1, 1, c -> {
            Tensor x = c.tensor(0);
            return new LinTensor(Creation.zeros(x.dtype(), x.shape()));
        });
        add("ones_like", 1, 1, c -> {
            Tensor x = c.tensor(0);
            return new LinTensor(Creation.ones(x.dtype(), x.shape()));
        });
        add("concat", 1, MANY, c -> join(c, false));
        add("split", 2, 2, TensorBuiltins::split);
        add("stack", 1, MANY, c -> join(c, true));
        add("shift", 2, 2, c -> {
            Tensor x = c.tensor(0);
            return new LinTensor(Gather.shift(x, c.integer(c.arg(1), "the shift"), c.axis(x, null)));
        });
        add("take", 2, 2, c -> new LinTensor(Gather.take(c.tensor(0), c.tensor(1))));
        add("causal_mask", 1, 1, c -> {
            long t = c.integer(c.arg(0), "the sequence length");
            Long w = c.has("window") ? c.integer(c.named("window"), "window") : null;
            return new LinTensor(Gather.causalMask(t, w));
        });
        add("shape", 1, 1, c -> {
            if (!(c.arg(0) instanceof LinTensor t)) throw new IllegalArgumentException("shape() needs a tensor, got " + LinValues.aTypeName(c.arg(0)));
            return LinTensor.shapeList(t.tensor().shape());
        });
        add("where", 3, 3, TensorBuiltins::where);
        add("pow", 2, 2, c -> binaryMath(c, TensorOps.Op.POW));
        add("maximum", 2, 2, c -> binaryMath(c, null));
        add("minimum", 2, 2, c -> binaryMath(c, null));
        add("load", 1, 1, TensorBuiltins::load);
        add("save", 1, 2, TensorBuiltins::save);
    }

    // ---- reductions ----------------------------------------------------------------------------

    private static Object reduce(BuiltinCall c, String kind) {
        boolean hasAxis = c.has("axis");
        if (c.count() > 1 || (!hasAxis && BuiltinCall.items(c.arg(0)) != null)) {
            if (hasAxis) throw new IllegalArgumentException(kind + " with an axis takes one tensor");
            Object[] values = c.count() > 1 ? c.args() : BuiltinCall.items(c.arg(0));
            return ScalarReductions.reduce(kind, values);
        }
        if (!(c.arg(0) instanceof LinTensor lt)) {
            throw new IllegalArgumentException(kind + "() needs a tensor or a list, got " + LinValues.aTypeName(c.arg(0)));
        }
        Tensor x = lt.tensor();
        Tensor r;
        if (!hasAxis) {
            r = switch (kind) {
                case "sum" -> Reductions.sum(x);
                case "mean" -> Reductions.mean(x);
                case "max" -> Reductions.max(x);
                default -> Reductions.min(x);
            };
        } else {
            int[] axes = {c.axis(x, null)};
            boolean keep = c.bool("keepdims", true);
            r = switch (kind) {
                case "sum" -> Reductions.sum(x, axes, keep);
                case "mean" -> Reductions.mean(x, axes, keep);
                case "max" -> Reductions.max(x, axes, keep);
                default -> Reductions.min(x, axes, keep);
            };
        }
        return new LinTensor(r);
    }

    private static Object argmax(BuiltinCall c) {
        Tensor x = c.tensor(0);
        if (!c.has("axis")) return new LinTensor(Gather.argmax(x.reshape(-1), 0, false));
        return new LinTensor(Gather.argmax(x, c.axis(x, null), c.bool("keepdims", false)));
    }

    // ---- creation ------------------------------------------------------------------------------

    /** A shape argument: a list (or tuple) of ints, or one int. */
    static long[] shape(Object v) {
        Object[] items = BuiltinCall.items(v);
        if (items == null) {
            if (v instanceof Long n) items = new Object[] {n};
            else throw new IllegalArgumentException("a shape is a list of ints such as [2, 3], got " + LinValues.aTypeName(v));
        }
        long[] s = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            if (!(items[i] instanceof Long d)) throw new IllegalArgumentException("a shape lists ints, got " + LinValues.aTypeName(items[i]));
            if (d < 0) throw new IllegalArgumentException("a shape cannot have a negative dimension, got " + org.linlang.runtime.truffle.values.LinFormat.repr(v));
            s[i] = d;
        }
        return s;
    }

    private static DType dtype(BuiltinCall c) {
        Object v = c.named("dtype");
        if (v == null) return DType.F32;
        if (v instanceof String s) return DType.fromLin(s);
        throw new IllegalArgumentException("dtype must be one of f32, f16, bf16, i32, i64, bool");
    }

    private static long seed(BuiltinCall c) {
        if (c.has("seed")) return c.integer(c.named("seed"), "seed");
        return c.context() == null ? 0 : nextSeed(c);
    }

    private static long nextSeed(BuiltinCall c) { return Seeds.next(c.context()); }

    static double number(Object v, String what) {
        if (v instanceof Long l) return l;
        if (v instanceof Double d) return d;
        if (v instanceof Boolean b) return b ? 1 : 0;
        if (v instanceof LinTensor t && t.rank() == 0) return t.tensor().item();
        throw new IllegalArgumentException(what + " must be a number, got " + LinValues.aTypeName(v));
    }

    private static Object arange(BuiltinCall c) {
        long start = c.count() == 2 ? c.integer(c.arg(0), "the start of arange") : 0;
        long stop = c.integer(c.arg(c.count() - 1), "the end of arange");
        long n = Math.max(0, stop - start);
        long[] values = new long[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) values[i] = start + i;
        return new LinTensor(Creation.of(values, n));
    }

    // ---- joining -------------------------------------------------------------------------------

    /** split(x, [a, b, …], axis = A): views of consecutive pieces along an axis, as a tuple. */
    private static Object split(BuiltinCall c) {
        Tensor x = c.tensor(0);
        Object[] items = BuiltinCall.items(c.arg(1));
        if (items == null) throw new IllegalArgumentException("split takes the sizes of the pieces as a list, e.g. [2, 3]");
        int axis = c.axis(x, -1);
        long[] sizes = new long[items.length];
        long total = 0;
        for (int i = 0; i < items.length; i++) {
            sizes[i] = c.integer(items[i], "each size");
            if (sizes[i] < 0) throw new IllegalArgumentException("split sizes must not be negative, got " + sizes[i]);
            total += sizes[i];
        }
        if (total != x.dim(axis)) {
            throw new IllegalArgumentException("split sizes add up to " + total + " but axis " + axis + " of "
                    + LinTensor.shapeText(x.shape()) + " has " + x.dim(axis));
        }
        List<Tensor> parts = Shapes.split(x, axis, sizes);
        Object[] out = new Object[parts.size()];
        for (int i = 0; i < out.length; i++) out[i] = new LinTensor(parts.get(i));
        return new org.linlang.runtime.truffle.values.LinTuple(out);
    }

    private static Object join(BuiltinCall c, boolean stack) {
        Object[] parts = c.count() == 1 && BuiltinCall.items(c.arg(0)) != null ? BuiltinCall.items(c.arg(0)) : c.args();
        if (parts.length == 0) throw new IllegalArgumentException("nothing to " + (stack ? "stack" : "concatenate"));
        List<Tensor> ts = new ArrayList<>();
        for (Object p : parts) ts.add(TensorOps.tensorOf(p, "each part of " + c.name()));
        Tensor first = ts.getFirst();
        if (stack) {
            int axis = c.axis("axis", -1, first, first.rank() + 1, 0);
            for (Tensor t : ts) {
                if (!Arrays.equals(t.shape(), first.shape())) {
                    throw new IllegalArgumentException("stack needs equal shapes, got " + TensorOps.shapes(ts));
                }
            }
            return new LinTensor(Shapes.stack(ts, axis));
        }
        if (first.rank() == 0) throw new IllegalArgumentException("cannot concatenate scalars; stack them");
        int axis = c.axis(first, -1);
        for (Tensor t : ts) {
            boolean fits = t.rank() == first.rank();
            for (int i = 0; fits && i < t.rank(); i++) fits = i == axis || t.dim(i) == first.dim(i);
            if (!fits) {
                throw new IllegalArgumentException("concat needs equal shapes except along axis " + axis + ", got " + TensorOps.shapes(ts));
            }
        }
        return new LinTensor(Shapes.concat(ts, axis));
    }

    // ---- elementwise with broadcasting ---------------------------------------------------------

    private static Object where(BuiltinCall c) {
        Object cond = c.arg(0), a = c.arg(1), b = c.arg(2);
        Tensor condition = cond instanceof Boolean flag ? Creation.of(new boolean[] {flag}) : c.tensor(0);
        if (condition.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("the condition of where must be bool, got " + LinTensor.typeText(condition.dtype(), condition.shape()));
        }
        Tensor reference = a instanceof LinTensor ta ? ta.tensor() : b instanceof LinTensor tb ? tb.tensor()
                : (a instanceof Double || b instanceof Double ? Creation.scalar(0) : Creation.of(DType.I64, new long[] {0}));
        Tensor x = TensorOps.operand(a, reference, TensorOps.Op.ADD);
        Tensor y = TensorOps.operand(b, reference, TensorOps.Op.ADD);
        return new LinTensor(Elementwise.where(condition, x, y));
    }

    private static Object binaryMath(BuiltinCall c, TensorOps.Op pow) {
        Object a = c.arg(0), b = c.arg(1);
        boolean max = c.name().equals("maximum");
        if (!TensorOps.involvesTensor(a, b)) {
            double x = number(a, "the first argument of " + c.name()), y = number(b, "the second argument of " + c.name());
            boolean ints = a instanceof Long && b instanceof Long;
            if (pow != null) {
                if (ints && (Long) b >= 0) return (long) Math.pow(x, y);
                return Math.pow(x, y);
            }
            if (ints) return max ? Math.max((Long) a, (Long) b) : Math.min((Long) a, (Long) b);
            return max ? Math.max(x, y) : Math.min(x, y);
        }
        if (pow != null) return TensorOps.binary(pow, a, b);
        Tensor other = a instanceof LinTensor t ? t.tensor() : ((LinTensor) b).tensor();
        Tensor x = TensorOps.operand(a, other, TensorOps.Op.ADD), y = TensorOps.operand(b, other, TensorOps.Op.ADD);
        return new LinTensor(max ? Elementwise.maximum(x, y) : Elementwise.minimum(x, y));
    }

    // ---- files ---------------------------------------------------------------------------------

    private static Object load(BuiltinCall c) {
        if (!(c.arg(0) instanceof String path)) throw new IllegalArgumentException("load takes a path (a string), got " + LinValues.aTypeName(c.arg(0)));
        Path file = c.readable(path);
        if (Files.isDirectory(file) && Files.isRegularFile(file.resolve(Checkpoint.CONFIG))) {
            return CheckpointModels.build(c.context().env(), Checkpoint.open(file, path), path);
        }
        try {
            if (path.endsWith(".npy")) return new LinTensor(Npy.read(file));
            Map<String, LinTensor> out = new LinkedHashMap<>();
            SafeTensors.read(file).tensors().forEach((k, t) -> out.put(k, new LinTensor(t)));
            return new LinTensorDict(path, out);
        } catch (IOException e) {
            throw new IllegalArgumentException(fileProblem("read", path, file, e));
        }
    }

    private static Object save(BuiltinCall c) {
        if (!(c.arg(0) instanceof String path)) throw new IllegalArgumentException("save takes a path (a string) first, got " + LinValues.aTypeName(c.arg(0)));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : c.named().entrySet()) tensors.put(e.getKey(), TensorOps.tensorOf(e.getValue(), "'" + e.getKey() + "'"));
        if (c.count() == 2) tensors.put("tensor", TensorOps.tensorOf(c.arg(1), "the tensor to save"));
        Path file = c.writable(path);
        try {
            if (path.endsWith(".npy")) {
                if (tensors.size() != 1) throw new IllegalArgumentException("a .npy file holds one tensor; save(\"" + path + "\", x = …) with exactly one, or use .safetensors");
                Npy.write(file, tensors.values().iterator().next());
            } else {
                if (tensors.isEmpty()) throw new IllegalArgumentException("nothing to save: name the tensors, as in save(\"" + path + "\", weight = w)");
                SafeTensors.write(file, tensors);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(fileProblem("write", path, file, e));
        }
        return LinNone.INSTANCE;
    }

    /**
     * "cannot read 'x.safetensors': no such file". {@code path} is the path as the program wrote it,
     * {@code file} the host path it was resolved to (messages show the former).
     */
    public static String fileProblem(String verb, String path, Path file, IOException e) {
        if (e instanceof TensorFormatException) {
            String m = e.getMessage();
            return m.startsWith(file.toString()) ? path + m.substring(file.toString().length()) : m;
        }
        String why = e instanceof NoSuchFileException ? (verb.equals("read") ? "no such file" : "no such folder")
                : e instanceof AccessDeniedException ? "permission denied"
                : verb.equals("read") && Files.isDirectory(Path.of(path)) ? "it is a folder"
                : String.valueOf(e.getMessage());
        return "cannot " + verb + " '" + path + "': " + why;
    }
}
