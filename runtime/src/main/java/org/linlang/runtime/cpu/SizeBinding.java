package org.linlang.runtime.cpu;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Sizes;
import org.linlang.compiler.types.Dim;

/**
 * The values of a graph's symbolic sizes (B, T, and any dimension a function left open) read off
 * the tensors a call passes in, then checked: every axis of every given tensor must equal its
 * declared size, or the call is refused naming the tensor, its shape and the size it should have.
 */
final class SizeBinding {
    private final Map<String, Long> values = new LinkedHashMap<>();

    /** Binds from {@code (node, tensor)} pairs, first the axes that are one symbol (or c·symbol), then checks them all. */
    static Map<String, Long> bind(List<Map.Entry<Node, long[]>> given) {
        SizeBinding b = learnAll(given);
        for (var e : given) b.check(e.getKey(), e.getValue());
        return b.values;
    }

    /** The sizes the tensors give, not checked against the other axes (for deciding a graph's size guards). */
    static Map<String, Long> learn(List<Map.Entry<Node, long[]>> given) { return learnAll(given).values; }

    private static SizeBinding learnAll(List<Map.Entry<Node, long[]>> given) {
        SizeBinding b = new SizeBinding();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (var e : given) {
                List<Dim> dims = e.getKey().type().dims();
                long[] shape = e.getValue();
                if (dims.size() != shape.length) continue;
                for (int i = 0; i < dims.size(); i++) progress |= b.learn(dims.get(i), shape[i]);
            }
        }
        return b;
    }

    private boolean learn(Dim d, long size) {
        Dim.Scaled s = d.asScaledSym();
        if (s == null || values.containsKey(s.sym().name)) return false;
        if (s.coefficient() <= 0 || size % s.coefficient() != 0) return false;
        values.put(s.sym().name, size / s.coefficient());
        return true;
    }

    private void check(Node n, long[] shape) {
        List<Dim> dims = n.type().dims();
        boolean ok = dims.size() == shape.length;
        for (int i = 0; ok && i < dims.size(); i++) {
            ok = Sizes.known(dims.get(i), values) && Sizes.eval(dims.get(i), values) == shape[i];
        }
        if (!ok) {
            throw new CpuEngineException(n.op().text() + " '" + n.name() + "' has shape " + java.util.Arrays.toString(shape)
                    + ", but the compiled plan expects " + n.type() + (values.isEmpty() ? "" : " with " + values));
        }
    }
}
