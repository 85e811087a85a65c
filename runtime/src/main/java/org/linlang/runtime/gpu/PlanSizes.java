package org.linlang.runtime.gpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.types.Dim;
import org.linlang.compiler.types.Sym;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/** The sizes of a plan's symbolic dimensions (B, T, …) bound from the tensors of one call, and what follows from them. */
public final class PlanSizes {
    private PlanSizes() {}

    public static Tensor contiguous(Tensor t, Node n) {
        DType want = DType.fromLin(n.type().dtype().lin());
        Tensor c = t.to(want).contiguous();
        if (c.offset() != 0) c = c.copy();
        return c;
    }

    /** Binds each symbolic size from the tensors' shapes, checking every axis. */
    public static Map<Sym, Long> bind(Graph g, Map<String, Tensor> values) {
        Map<String, long[]> shapes = new HashMap<>();
        values.forEach((k, t) -> shapes.put(k, t.shape()));
        return bindShapes(g, shapes);
    }

    /** Binds each symbolic size from the shapes of the values given by name (on the host or the device), checking every axis. */
    public static Map<Sym, Long> bindShapes(Graph g, Map<String, long[]> shapes) {
        var sizes = new HashMap<Sym, Long>();
        var pending = new ArrayList<Node>();
        for (Node n : g.nodes()) {
            if (n.op() != Op.INPUT && n.op() != Op.WEIGHT && n.op() != Op.STATE) continue;
            long[] t = shapes.get(n.name());
            if (t == null) throw new IllegalArgumentException("missing tensor '" + n.name() + "' of type " + n.type());
            if (t.length != n.type().rank()) {
                throw new IllegalArgumentException("tensor '" + n.name() + "' has shape " + Arrays.toString(t) + ", expected " + n.type());
            }
            for (int a = 0; a < t.length; a++) {
                Sym s = n.type().dim(a).asSym();
                if (s != null) {
                    Long prev = sizes.putIfAbsent(s, t[a]);
                    if (prev != null && prev != t[a]) {
                        throw new IllegalArgumentException("tensor '" + n.name() + "' has " + s + " = " + t[a] + " on axis " + a + ", but " + s + " = " + prev + " elsewhere");
                    }
                }
            }
            pending.add(n);
        }
        for (Node n : pending) {
            long[] t = shapes.get(n.name());
            for (int a = 0; a < t.length; a++) {
                long want = eval(n.type().dim(a), sizes);
                if (want != t[a]) {
                    throw new IllegalArgumentException("tensor '" + n.name() + "' has shape " + Arrays.toString(t) + ", expected " + n.type());
                }
            }
        }
        return sizes;
    }

    public static long eval(Dim d, Map<Sym, Long> sizes) {
        var binding = new HashMap<Sym, Dim>();
        for (Sym s : d.symbols()) {
            Long v = sizes.get(s);
            if (v == null) throw new IllegalArgumentException("the size " + s + " is not given by any tensor");
            binding.put(s, Dim.of(v));
        }
        Dim c = d.substitute(binding);
        return c.constant();
    }

    public static long[] shape(Node n, Map<Sym, Long> sizes) {
        long[] s = new long[n.type().rank()];
        for (int a = 0; a < s.length; a++) s[a] = eval(n.type().dim(a), sizes);
        return s;
    }

    public static long bytes(Node n, Map<Sym, Long> sizes) {
        long c = 1;
        for (long x : shape(n, sizes)) c *= x;
        return c * DType.fromLin(n.type().dtype().lin()).byteSize();
    }

}
