package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.types.Dim;

/**
 * A kernel with one work item per element of its outputs (which share one shape): the
 * {@link Emitter} computes each output at the item's index from the buffers, and stores it. This
 * is the kernel of elementwise and row-wise groups (a row's reduction is a loop inside the item),
 * the prologue and epilogue of matrix products and recurrences, and the portable form of a matrix
 * product (its inner dimension a loop).
 */
final class ElementwiseKernel {
    private ElementwiseKernel() {}

    static final int LOCAL = 128;

    static KernelSource build(String name, List<Node> outputs, Set<Node> buffers, String role) {
        List<Dim> dims = outputs.getFirst().type().dims();
        for (Node o : outputs) {
            if (!o.type().dims().equals(dims)) throw new IllegalArgumentException("outputs of one kernel need one shape: " + outputs);
        }
        var sizes = new SizeNames();
        var e = new Emitter(buffers, sizes);
        Dim count = outputs.getFirst().type().count();
        e.line("i64 gid = GLOBAL_ID;");
        e.line("if (gid >= " + sizes.c(count) + ") return;");
        List<String> idx = e.decode(dims, "gid");
        var values = new ArrayList<String>();
        for (Node o : outputs) values.add(e.value(o, idx));
        var params = new ArrayList<KernelParam>();
        for (var r : e.reads().entrySet()) params.add(KernelParam.buffer(r.getValue(), r.getKey().type().dtype(), r.getKey(), false));
        for (int k = 0; k < outputs.size(); k++) {
            Node o = outputs.get(k);
            params.add(KernelParam.buffer("out" + k, o.type().dtype(), o, true));
            e.line(CTypes.store(o.type().dtype(), "out" + k, "gid", values.get(k)));
        }
        params.addAll(sizes.params());
        String sig = "KERNEL " + name + "(" + String.join(", ", params.stream().map(KernelParam::declaration).toList()) + ")";
        String body = sig + " {\n" + e.text() + "}\n";
        return new KernelSource(name, body, params, new LaunchConfig(count, LOCAL, 0), role);
    }
}
