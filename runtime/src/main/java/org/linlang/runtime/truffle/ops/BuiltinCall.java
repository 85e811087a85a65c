package org.linlang.runtime.truffle.ops;

import java.util.Map;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinContext;
import org.linlang.runtime.truffle.values.LinList;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinTuple;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * One call of a tensor builtin as its implementation sees it: the evaluated positional and named
 * arguments, how each axis argument designates its axis ({@link Axis}, decided from the checker's
 * types), and the context (for seeds and files).
 */
public record BuiltinCall(String name, Object[] args, Map<String, Object> named, Map<String, Axis> axes, LinContext context,
                          com.oracle.truffle.api.nodes.Node location) {

    /** The host path of a file the program may read (the context's file access decides). */
    public java.nio.file.Path readable(String path) {
        return org.linlang.runtime.truffle.session.LinSandbox.fileForReading(context.env(), path, location);
    }

    /** The host path of a file the program may write. */
    public java.nio.file.Path writable(String path) {
        return org.linlang.runtime.truffle.session.LinSandbox.fileForWriting(context.env(), path, location);
    }

    public int count() { return args.length; }

    public Object arg(int i) { return args[i]; }

    public boolean has(String n) { return named.containsKey(n); }

    public Object named(String n) { return named.get(n); }

    /** Argument {@code i} as a tensor: numbers become 0-d tensors. */
    public Tensor tensor(int i) { return TensorOps.tensorOf(args[i], ordinal(i) + " argument of " + name); }

    /** The axis of {@code x} that the argument {@code key} (named, or positional {@code position}) designates, or {@code dflt}. */
    public int axis(String key, int position, Tensor x, int rankForAxis, Integer dflt) {
        Object v;
        boolean present;
        if (position >= 0 && position < args.length) {
            v = args[position];
            present = true;
        } else {
            present = named.containsKey(key);
            v = named.get(key);
        }
        if (!present) {
            if (dflt == null) throw new IllegalArgumentException(name + " needs an axis: axis = a dimension name or an index");
            return Axis.fixed(dflt).resolve(x.shape(), rankForAxis, null);
        }
        return axes.getOrDefault(key, Axis.INDEX).resolve(x.shape(), rankForAxis, v);
    }

    public int axis(Tensor x, Integer dflt) { return axis("axis", -1, x, x.rank(), dflt); }

    public boolean bool(String n, boolean dflt) {
        Object v = named.get(n);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw new IllegalArgumentException(n + " must be true or false, got " + LinValues.aTypeName(v));
    }

    public long integer(Object v, String what) {
        if (v instanceof Long l) return l;
        if (v instanceof LinTensor t && t.rank() == 0 && !t.dtype().isFloat()) return t.tensor().getLong();
        throw new IllegalArgumentException(what + " must be an int, got " + LinValues.aTypeName(v));
    }

    /** The elements of a list or tuple argument, else null. */
    public static Object[] items(Object v) {
        if (v instanceof LinList l) return l.items();
        if (v instanceof LinTuple t) return t.items();
        return null;
    }

    static String ordinal(int i) {
        return switch (i) {
            case 0 -> "the first";
            case 1 -> "the second";
            case 2 -> "the third";
            default -> "argument " + (i + 1) + " as the";
        };
    }
}
