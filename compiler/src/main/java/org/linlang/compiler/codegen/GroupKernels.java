package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.ir.Grouping.Group;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.OpRules;
import org.linlang.compiler.ir.RecurrenceCall;
import org.linlang.compiler.types.Dim;

/**
 * What one fused group of the plan runs, for each target: the CUDA steps (library GEMMs for
 * matrix products, generated kernels for the rest) and the portable steps (generated kernels
 * only: a matrix product is a loop over its inner dimension, with its epilogue in the same
 * kernel). {@code temporaries} are values that only live between the steps of this group (a
 * materialised recurrence input, a GEMM result before its epilogue): the runtime allocates them.
 * {@code fusedInto} names the group whose kernel does this group's work (the scores and softmax
 * of an attention, computed by its flash kernel): such a group runs nothing and writes no buffer.
 */
public record GroupKernels(Group group, List<Step> cuda, List<Step> portable, List<Node> temporaries, String fusedInto) {

    GroupKernels(Group group, List<Step> cuda, List<Step> portable, List<Node> temporaries) {
        this(group, cuda, portable, temporaries, null);
    }

    public List<Step> steps(Prelude.Target target) { return target == Prelude.Target.CUDA ? cuda : portable; }

    static GroupKernels of(Group g) {
        String base = g.label();
        Set<Node> buffers = identity(g.inputs());
        return switch (g.kind()) {
            case VIEW, UNSUPPORTED -> new GroupKernels(g, List.of(), List.of(), List.of());
            case ROWWISE -> {
                KernelSource row = RowKernel.build(base + "_rowwise", g, buffers);
                List<Step> s = row != null ? List.of(new Step.Launch(row)) : byShape(base + "_rowwise", g.outputs(), buffers, "rowwise, a row per item");
                yield new GroupKernels(g, s, s, List.of());
            }
            case ELEMENTWISE -> {
                List<Step> s = byShape(base + "_" + g.kind().word(), g.outputs(), buffers, g.kind().word());
                yield new GroupKernels(g, s, s, List.of());
            }
            case MATMUL -> matmul(g, base, buffers);
            case RECURRENCE -> recurrence(g, base, buffers);
        };
    }

    /** A group whose work the kernel of {@code into} does. */
    static GroupKernels fused(Group g, Group into) { return new GroupKernels(g, List.of(), List.of(), List.of(), into.label()); }

    /** The group of an attention's P·V: the flash kernel writes the product, then the group's epilogue (gate, transposes). */
    static GroupKernels attention(AttentionPattern p) {
        Group g = p.home();
        String base = g.label();
        Node pv = p.pv();
        var steps = new ArrayList<Step>();
        steps.add(new Step.Launch(FlashAttentionKernel.build(base + "_attention", p)));
        // CUDA takes the tensor-core twin of the prefill form where it applies (bf16 q, k, v, tiles of 16)
        var cuda = new ArrayList<Step>();
        cuda.add(FlashAttentionTensorCores.refusal(p) == null ? new Step.Launch(FlashAttentionTensorCores.build(base + "_attention", p)) : steps.getFirst());
        var temps = new ArrayList<Node>();
        if (!g.outputs().contains(pv)) temps.add(pv);
        var rest = g.outputs().stream().filter(o -> o != pv).toList();
        if (!rest.isEmpty()) {
            Set<Node> after = identity(g.inputs());
            after.removeAll(p.chain());
            after.add(pv);
            List<Step> epilogue = byShape(base + "_epilogue", rest, after, "epilogue of " + base);
            steps.addAll(epilogue);
            cuda.addAll(epilogue);
        }
        return new GroupKernels(g, cuda, steps, temps);
    }

    /** One elementwise kernel per shape among the outputs. */
    static List<Step> byShape(String name, List<Node> outputs, Set<Node> buffers, String role) {
        Map<List<Dim>, List<Node>> shapes = new LinkedHashMap<>();
        for (Node o : outputs) shapes.computeIfAbsent(o.type().dims(), d -> new ArrayList<>()).add(o);
        var out = new ArrayList<Step>();
        int i = 0;
        for (List<Node> same : shapes.values()) {
            out.add(new Step.Launch(ElementwiseKernel.build(shapes.size() == 1 ? name : name + "_" + i++, same, buffers, role)));
        }
        return out;
    }

    static Set<Node> identity(List<Node> nodes) {
        Set<Node> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(nodes);
        return s;
    }

    private static GroupKernels matmul(Group g, String base, Set<Node> buffers) {
        List<Step> portable = byShape(base + "_matmul", g.outputs(), buffers, "matmul (portable loop) with epilogue");
        Node mm = g.anchor();
        var temps = new ArrayList<Node>();
        var cuda = new ArrayList<Step>();
        Set<Node> after = identity(g.inputs());
        Node a = operand(g, mm.input(0), buffers, cuda, temps, base + "_a");
        Node b = operand(g, mm.input(1), buffers, cuda, temps, base + "_b");
        after.addAll(temps);
        cuda.add(gemm(mm, mm.input(0), mm.input(1), a, b));
        after.add(mm);
        var rest = g.outputs().stream().filter(o -> o != mm).toList();
        if (!g.outputs().contains(mm)) temps.add(mm);
        if (!rest.isEmpty()) cuda.addAll(byShape(base + "_epilogue", rest, after, "epilogue of " + base));
        return new GroupKernels(g, cuda, portable, temps);
    }

    /**
     * The buffer a GEMM reads for an operand: the operand itself when it is a buffer, the buffer
     * under a chain of reshapes (row-major reshapes do not move data), else the operand
     * materialised by a kernel (a transposed view, a prologue).
     */
    private static Node operand(Group g, Node x, Set<Node> buffers, List<Step> steps, List<Node> temps, String name) {
        Node root = x;
        while (!buffers.contains(root) && root.op() == Op.RESHAPE) root = root.input(0);
        if (buffers.contains(root)) return root;
        steps.add(new Step.Launch(ElementwiseKernel.build(name, List.of(x), buffers, "operand of " + g.label())));
        temps.add(x);
        return x;
    }

    /** The GEMM of {@code mm}, its sizes from the logical operands, reading the buffers {@code a} and {@code b}. */
    private static Step.Gemm gemm(Node mm, Node la, Node lb, Node a, Node b) {
        boolean ta = mm.flag("transpose_a"), tb = mm.flag("transpose_b");
        List<Dim> x = OpRules.swapped(la.type().dims(), ta), y = OpRules.swapped(lb.type().dims(), tb);
        if (x.size() == 1) x = List.of(Dim.of(1), x.getFirst());
        if (y.size() == 1) y = List.of(y.getFirst(), Dim.of(1));
        Dim m = x.get(x.size() - 2), k = x.getLast(), n = y.getLast();
        List<Dim> outBatch = mm.type().dims().subList(0, Math.max(0, mm.type().rank() - 2));
        Dim batch = Dim.of(1);
        for (Dim d : outBatch) batch = batch.times(d);
        Dim sa = stride(x, outBatch, m.times(k), "left", mm), sb = stride(y, outBatch, k.times(n), "right", mm);
        if (sb.equals(Dim.of(0)) && !ta && !sa.equals(Dim.of(0))) {
            // a shared right operand (a weight): the batch folds into the rows, one large GEMM
            return new Step.Gemm(mm, a, b, ta, tb, batch.times(m), n, k, Dim.of(1), Dim.of(0), Dim.of(0));
        }
        return new Step.Gemm(mm, a, b, ta, tb, m, n, k, batch, sa, sb);
    }

    /** The batch stride of an operand: its matrix size when it has every batch axis, 0 when it has none. */
    private static Dim stride(List<Dim> dims, List<Dim> outBatch, Dim matrix, String side, Node mm) {
        List<Dim> own = dims.subList(0, dims.size() - 2);
        Dim count = Dim.of(1);
        for (Dim d : own) count = count.times(d);
        if (own.isEmpty() || count.equals(Dim.of(1))) return Dim.of(0);
        if (own.equals(outBatch)) return matrix;
        throw new CodegenException("matmul " + mm + ": the " + side + " operand is broadcast over some batch axes only, which one strided GEMM cannot express");
    }

    private static GroupKernels recurrence(Group g, String base, Set<Node> buffers) {
        Node rec = g.anchor();
        RecurrenceCall rc = rec.recurrence();
        if (GenericStepKernel.takes(rc)) return GenericStepKernel.group(g, base, buffers); // outside the fast families: the step body itself
        List<Node> stateOuts = g.members().stream().filter(m -> m.op() == Op.STATE_OUT).toList();
        RecurrenceBinding bind = RecurrenceBinding.of(rec, !stateOuts.isEmpty());
        var temps = new ArrayList<Node>();
        var steps = new ArrayList<Step>();
        var boundBuffers = new LinkedHashMap<String, Node>();
        for (var e : bind.roles().entrySet()) {
            Node x = e.getValue();
            Node root = x;
            while (!buffers.contains(root) && root.op() == Op.RESHAPE) root = root.input(0);
            if (buffers.contains(root)) x = root; // a reshaped buffer is read in place
            if (!buffers.contains(x)) {
                if (!temps.contains(x)) {
                    steps.add(new Step.Launch(ElementwiseKernel.build(base + "_" + e.getKey(), List.of(x), buffers, "prologue of " + base)));
                    temps.add(x);
                }
            }
            boundBuffers.put(e.getKey(), x);
        }
        if (bind.state() != null) {
            Node s0 = bind.state();
            if (!buffers.contains(s0)) {
                steps.add(new Step.Launch(ElementwiseKernel.build(base + "_s0", List.of(s0), buffers, "initial state of " + base)));
                temps.add(s0);
            }
            boundBuffers.put("s0", s0);
        }
        boundBuffers.put("o", rec);
        if (!stateOuts.isEmpty()) boundBuffers.put("s1", stateOuts.getFirst());
        var sizes = Map.of("n_B", bind.lead().getFirst(), "n_T", bind.lead().get(1), "n_H", bind.heads());
        String name = base + "_" + rc.name();
        KernelSource k = rc.algorithm() == RecurrenceCall.Algorithm.CHUNKED
                ? RecurrenceKernels.chunked(name, bind.spec(), bind.batchHeads())
                : RecurrenceKernels.sequential(name, bind.spec(), bind.batchHeads().times(Dim.of(bind.spec().v())));
        // CUDA takes the tensor-core twin of the chunked kernel where it applies (bf16 inputs, tiles of 16)
        var cuda = new ArrayList<>(steps);
        boolean tensorCores = rc.algorithm() == RecurrenceCall.Algorithm.CHUNKED && TensorCoreRecurrence.eligible(bind.spec());
        steps.add(new Step.Launch(bound(k, boundBuffers, sizes)));
        cuda.add(new Step.Launch(bound(tensorCores ? TensorCoreRecurrence.chunked(name, bind.spec(), bind.batchHeads()) : k, boundBuffers, sizes)));
        if (!g.outputs().contains(rec)) temps.add(rec);
        var rest = g.outputs().stream().filter(o -> o != rec && o.op() != Op.STATE_OUT).toList();
        if (!rest.isEmpty()) {
            Set<Node> after = identity(g.inputs());
            after.addAll(temps);
            after.add(rec);
            List<Step> epilogue = byShape(base + "_epilogue", rest, after, "epilogue of " + base);
            steps.addAll(epilogue);
            cuda.addAll(epilogue);
        }
        return new GroupKernels(g, cuda, steps, temps);
    }

    /** A spec kernel with its buffer parameters bound to graph values and its sizes to dimensions. */
    static KernelSource bound(KernelSource k, Map<String, Node> buffers, Map<String, Dim> sizes) {
        var params = new ArrayList<KernelParam>();
        for (KernelParam p : k.params()) {
            if (p.size()) params.add(KernelParam.sizeOf(p.name(), sizes.get(p.name())));
            else {
                Node n = buffers.get(p.name());
                if (n == null) throw new IllegalStateException(k.name() + ": no value for " + p.name());
                params.add(KernelParam.buffer(p.name(), p.dtype(), n, p.written()));
            }
        }
        return new KernelSource(k.name(), k.body(), params, k.launch(), k.role());
    }
}
