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
