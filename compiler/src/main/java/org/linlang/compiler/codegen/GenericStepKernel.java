package org.linlang.compiler.codegen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ir.GraphBuilder;
import org.linlang.compiler.ir.Grouping.Group;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.RecurrenceCall;
import org.linlang.compiler.ir.TensorType;
import org.linlang.compiler.recurrence.StepOp;
import org.linlang.compiler.recurrence.StepOps;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * The GPU twin of the cpu engine's generic sequential kernel: one portable kernel generated from a
 * recurrence's own step body ({@link StepOps}) for the recurrences the fast families
 * ({@link RecurrenceKernels}) do not take — the general and nonlinear classes, KDA, several states,
 * several writes, a vector state, an output read between updates.
 *
 * <p>One work-group per sequence (batch × heads), tokens in order. The group's items share out the
 * elements of each operation of the step (element {@code e} to item {@code e mod local}), with a
 * barrier only where an operation reads what another item wrote (or overwrites what another item
 * read), and one at the end of each token. Every value of the step has a slot of f32 in local memory
 * when all of them fit in {@link #LOCAL_BUDGET}; otherwise the slots live in a global scratch buffer
 * of {@code [B, H…, slots]} floats, one row per sequence. States are f32, read from the initial
 * state (or the declared constant) before the first token and written to the final states after the
 * last. Sums ({@code @}, {@code sum}) accumulate in f32; the transcendental functions are the f32
 * ones of the prelude, so results agree with the interpreter (double inside its functions) to f32
 * rounding, not bit for bit. It is sequential over tokens: as fast as one work-group's pass over the
 * step per token, however long the sequence.
 */
public final class GenericStepKernel {
    private GenericStepKernel() {}

    /** What plans call it. */
    public static final String ROLE = "sequential (generic step kernel)";
    /** Local memory the slots may use (under the 48 KiB of static shared memory, leaving room for the compiler's own). */
    public static final int LOCAL_BUDGET = 40 * 1024;
    /** The most work items per group. */
    static final int MAX_LOCAL = 256;

    /** Whether a recurrence is one the fast families refuse by its class or shape, so that its step body runs here. */
    static boolean takes(RecurrenceCall rc) {
        return rc.form() != null && RecurrenceBinding.outsideFamilies(rc.form()) != null;
    }

    /** A recurrence group on the generic kernel: prologue kernels for inputs computed in the group, the kernel, the epilogue. */
    static GroupKernels group(Group g, String base, Set<Node> buffers) {
        Node rec = g.anchor();
        RecurrenceCall rc = rec.recurrence();
        var temps = new ArrayList<Node>();
        var steps = new ArrayList<Step>();
        Node[] read = new Node[rec.inputs().size()];
        for (int i = 0; i < read.length; i++) {
            Node x = rec.input(i), root = x;
            while (!buffers.contains(root) && root.op() == Op.RESHAPE) root = root.input(0);
            if (buffers.contains(root)) x = root; // a reshaped buffer is read in place
            else if (!temps.contains(x)) {
                String what = i < rc.stepInputs() ? "input " + rc.inputNames().get(i) : "initial state " + rc.inputNames().get(i);
                steps.add(new Step.Launch(ElementwiseKernel.build(base + "_" + (i < rc.stepInputs() ? "in_" : "s0_") + rc.inputNames().get(i),
                        List.of(x), buffers, what + " of " + base)));
                temps.add(x);
            }
            read[i] = x;
        }
        Node[] finals = new Node[rc.stateNames().size()];
        for (Node m : g.members()) if (m.op() == Op.STATE_OUT) finals[rc.stateNames().indexOf((String) m.attr("state"))] = m;
        Kernel k = build(base + "_" + rc.name(), rec, read, finals);
        steps.add(new Step.Launch(k.source()));
        if (k.scratch() != null) temps.add(k.scratch());
        if (!g.outputs().contains(rec)) temps.add(rec);
        var rest = g.outputs().stream().filter(o -> o != rec && o.op() != Op.STATE_OUT).toList();
        if (!rest.isEmpty()) {
            Set<Node> after = GroupKernels.identity(g.inputs());
            after.addAll(temps);
            after.add(rec);
            steps.addAll(GroupKernels.byShape(base + "_epilogue", rest, after, "epilogue of " + base));
        }
        return new GroupKernels(g, steps, steps, temps);
    }

    /** The kernel, and the global scratch buffer it needs ({@code [B, H…, slots]} f32), or null when its slots are in local memory. */
    record Kernel(KernelSource source, Node scratch) {}

    /**
     * The kernel of recurrence node {@code rec}, reading its inputs from {@code read} (the node's
     * inputs, or the buffers they are views of) and writing the final state {@code j} to
     * {@code finals[j]} where that is not null.
     */
    static Kernel build(String name, Node rec, Node[] read, Node[] finals) {
        RecurrenceCall rc = rec.recurrence();
        String rn = rc.name();
        int outRank = rc.outputTail().size();
        List<Dim> lead = rec.type().dims().subList(0, rec.type().rank() - outRank);
        if (lead.size() < 2) throw new CodegenException("recurrence " + rn + " has no time axis");
        int steps = rc.stepInputs();
        int[][] shapes = new int[steps][];
        for (int i = 0; i < steps; i++) shapes[i] = known(rc.inputTails().get(i), rn, "input '" + rc.inputNames().get(i) + "'");
        for (int j = 0; j < rc.stateTails().size(); j++) known(rc.stateTails().get(j), rn, "state '" + rc.stateNames().get(j) + "'");
        known(rc.outputTail(), rn, "the output");
        StepOps p;
        try {
            p = new StepOps(rc.decl(), rc.inputNames().subList(0, steps), shapes, rc.hostArgs());
        } catch (StepOps.Refusal r) {
            throw new CodegenException("recurrence " + rn + ": " + r.getMessage());
        }

        int widest = p.widest(), local = 32;
        while (local < widest && local < MAX_LOCAL) local *= 2;
        // the slots, then one partial sum per item for the whole sums (the last slot)
        int[] size = Arrays.copyOf(p.slotSizes(), p.slotSizes().length + 1);
        size[size.length - 1] = local;
        int[] offset = new int[size.length];
        int total = 0;
        for (int s = 0; s < size.length; s++) {
            offset[s] = total;
            total += size[s];
        }
        if (!hasSum(p.ops)) total -= local;
        total = Math.max(total, 1);
        boolean global = 4L * total > LOCAL_BUDGET;

        Dim heads = Dim.of(1);
        for (int i = 2; i < lead.size(); i++) heads = heads.times(lead.get(i));
        var params = new ArrayList<KernelParam>();
        String[] inName = new String[steps];
        for (int i = 0; i < steps; i++) {
            DType d = read[i].type().dtype();
            if (d != DType.F32 && d != DType.BF16) {
                throw new CodegenException("recurrence " + rn + ": input '" + rc.inputNames().get(i) + "' is " + d.lin() + "; the generic step kernel reads f32 or bf16");
            }
            inName[i] = "in_" + rc.inputNames().get(i);
            params.add(KernelParam.buffer(inName[i], d, read[i], false));
        }
        int ns = rc.stateNames().size();
        for (int j = 0; j < rc.stateInputs(); j++) {
            Node s0 = read[steps + j];
            DType d = s0.type().dtype();
            if (d != DType.F32 && d != DType.BF16) {
                throw new CodegenException("recurrence " + rn + ": initial state '" + rc.stateNames().get(j) + "' is " + d.lin() + "; the generic step kernel reads f32 or bf16");
            }
            params.add(KernelParam.buffer("s0_" + rc.stateNames().get(j), d, s0, false));
        }
        params.add(KernelParam.buffer("o", rec.type().dtype(), rec, true));
        for (int j = 0; j < ns; j++) if (finals[j] != null) params.add(KernelParam.buffer("s1_" + rc.stateNames().get(j), DType.F32, finals[j], true));
        Node scratch = null;
        if (global) {
            var dims = new ArrayList<Dim>();
            dims.add(lead.getFirst());
            dims.addAll(lead.subList(2, lead.size()));
            dims.add(Dim.of(total));
            scratch = new GraphBuilder().input(name + ".scratch", new TensorType(DType.F32, dims));
            params.add(KernelParam.buffer("scratch", DType.F32, scratch, true));
        }
        params.add(KernelParam.sizeOf("n_B", lead.getFirst()));
        params.add(KernelParam.sizeOf("n_T", lead.get(1)));
        params.add(KernelParam.sizeOf("n_H", heads));

        var e = new Emit(offset, size.length - 1, local, global, inName, params, rec.type().dtype());
        var b = e.b;
        b.append("KERNEL ").append(name).append("(").append(String.join(", ", params.stream().map(KernelParam::declaration).toList())).append(") {\n");
        b.append(global ? "    GLOBAL float* W = scratch + GROUP_ID * (i64)" + total + ";\n" : "    LOCAL_MEM float W[" + total + "];\n");
        b.append("    i64 seq = GROUP_ID;\n");
        b.append("    i32 lid = LOCAL_ID;\n");
        b.append("    i64 h = seq % n_H;\n");
        b.append("    i64 bi = seq / n_H;\n");
        for (var c : p.constants.entrySet()) e.loop(1, size[c.getKey()], "W[" + offset[c.getKey()] + " + e] = " + CTypes.floatLiteral(c.getValue()) + ";");
        for (int j = 0; j < ns; j++) {
            int n = size[p.stateHome[j]];
            String from = rc.stateInputs() > 0
                    ? CTypes.load(read[steps + j].type().dtype(), "s0_" + rc.stateNames().get(j), "seq * (i64)" + n + " + e")
                    : CTypes.floatLiteral(stateInit(p, j, rn));
            e.loop(1, n, "W[" + offset[p.stateHome[j]] + " + e] = " + from + ";");
        }
        e.barrier(1);
        b.append("    for (i64 t = 0; t < n_T; t++) {\n");
        b.append("        i64 row = (bi * n_T + t) * n_H + h;\n");
        e.ops(p.ops, 2);
        e.barrier(2); // the next token overwrites what this one read
        b.append("    }\n");
        for (int j = 0; j < ns; j++) {
            if (finals[j] == null) continue;
            int n = size[p.stateHome[j]];
            e.loop(1, n, "s1_" + rc.stateNames().get(j) + "[seq * (i64)" + n + " + e] = W[" + offset[p.stateHome[j]] + " + e];");
        }
        b.append("}\n");
        String role = ROLE + (global ? ", slots in global memory" : "");
        var launch = new LaunchConfig(lead.getFirst().times(heads).times(Dim.of(local)), local, global ? 0 : 4 * total);
        return new Kernel(new KernelSource(name, b.toString(), params, launch, role), scratch);
    }

    private static double stateInit(StepOps p, int state, String recurrence) {
        try {
            return p.stateInit(state);
        } catch (StepOps.Refusal r) {
            throw new CodegenException("recurrence " + recurrence + ": " + r.getMessage());
        }
    }

    private static boolean hasSum(List<StepOp> ops) {
        for (StepOp op : ops) {
            if (op instanceof StepOp.SumAll) return true;
            if (op instanceof StepOp.Branch b && (hasSum(b.then()) || hasSum(b.otherwise()))) return true;
        }
        return false;
    }

    /** A per-step shape that must be known when the plan is made. */
    private static int[] known(List<Dim> tail, String recurrence, String what) {
        int[] s = new int[tail.size()];
        for (int i = 0; i < s.length; i++) {
            if (!tail.get(i).isConstant()) {
                throw new CodegenException("recurrence " + recurrence + ": the generic step kernel needs the step's shapes when the plan is made, but "
                        + what + " is " + tail + " per step");
            }
            s[i] = (int) tail.get(i).constant();
        }
        return s;
    }

    /** The kernel text of the step's operations, with the barriers their data flow needs. */
    private static final class Emit {
        final StringBuilder b = new StringBuilder();
        final int[] offset;
        /** The slot of the whole sums' partial sums, one per item. */
        final int partials;
        final int local;
        final boolean global;
        final String[] inName;
        final List<KernelParam> params;
        final DType out;
        /** Slots written since the last barrier: whether only by items that own their elements ({@code e mod local}). */
        Map<Integer, Boolean> dirty = new HashMap<>();
        /** Slots read since the last barrier: whether only by the items owning the elements read. */
        Map<Integer, Boolean> readSince = new HashMap<>();

        Emit(int[] offset, int partials, int local, boolean global, String[] inName, List<KernelParam> params, DType out) {
            this.offset = offset;
            this.partials = partials;
            this.local = local;
            this.global = global;
            this.inName = inName;
            this.params = params;
            this.out = out;
        }

        void indent(int depth) { b.append("    ".repeat(depth)); }

        /** Elements 0..n shared out: item {@code lid} takes {@code e = lid, lid + local, …}. */
        void loop(int depth, int n, String body) {
            indent(depth);
            b.append("for (i32 e = lid; e < ").append(n).append("; e += ").append(local).append(") ").append(body).append('\n');
        }

        void barrier(int depth) {
            indent(depth);
            b.append(global ? "BARRIER_GLOBAL();\n" : "BARRIER();\n");
            dirty = new HashMap<>();
            readSince = new HashMap<>();
        }

        String w(int slot, String index) { return "W[" + offset[slot] + " + " + index + "]"; }

        void ops(List<StepOp> ops, int depth) {
            for (StepOp op : ops) {
                if (op instanceof StepOp.SumAll s) {
                    // two phases: each item's strided partial sum, then item 0 adds the partial sums
                    phase(depth, List.of(new StepOp.Use(s.src(), true)), List.of(new StepOp.Use(partials, true)),
                            "{ float acc = 0.0f; for (i32 e = lid; e < " + s.n() + "; e += " + local + ") acc += " + w(s.src(), "e") + "; "
                                    + w(partials, "lid") + " = acc; }\n");
                    phase(depth, List.of(new StepOp.Use(partials, false)), List.of(new StepOp.Use(s.dst(), true)),
                            "if (lid == 0) { float acc = 0.0f; for (i32 p = 0; p < " + local + "; p++) acc += " + w(partials, "p") + "; "
                                    + w(s.dst(), "0") + " = acc; }\n");
                    continue;
                }
                if (hazard(op.reads(), op.writes())) barrier(depth);
                emit(op, depth);
                track(op.reads(), op.writes());
            }
        }

        private void phase(int depth, List<StepOp.Use> reads, List<StepOp.Use> writes, String code) {
            if (hazard(reads, writes)) barrier(depth);
            indent(depth);
            b.append(code);
            track(reads, writes);
        }

        private void track(List<StepOp.Use> reads, List<StepOp.Use> writes) {
            for (StepOp.Use u : reads) readSince.merge(u.slot(), u.aligned(), Boolean::logicalAnd);
            for (StepOp.Use u : writes) dirty.merge(u.slot(), u.aligned(), Boolean::logicalAnd);
        }

        /** Whether an op touches an element another item wrote, or overwrites one another item read, since the last barrier. */
        boolean hazard(List<StepOp.Use> reads, List<StepOp.Use> writes) {
            for (StepOp.Use u : reads) {
                Boolean w = dirty.get(u.slot());
                if (w != null && !(w && u.aligned())) return true;
            }
            for (StepOp.Use u : writes) {
                Boolean w = dirty.get(u.slot()), r = readSince.get(u.slot());
                if (w != null && !(w && u.aligned())) return true;
                if (r != null && !(r && u.aligned())) return true;
            }
            return false;
        }

        void emit(StepOp op, int depth) {
            switch (op) {
                case StepOp.Load l -> loop(depth, l.n(), w(l.dst(), "e") + " = "
                        + CTypes.load(params.get(l.input()).dtype(), inName[l.input()], "row * (i64)" + l.n() + " + e") + ";");
                case StepOp.Unary u -> loop(depth, u.n(), w(u.dst(), "e") + " = " + unary(u.fn(), w(u.src(), "e")) + ";");
                case StepOp.Binary x -> loop(depth, StepOps.numel(x.shape()), w(x.dst(), "e") + " = "
                        + binary(x.op(), w(x.a(), index(x.aShape(), x.shape())), w(x.c(), index(x.cShape(), x.shape()))) + ";");
                case StepOp.MatMul m -> loop(depth, m.m() * m.n(), "{ i32 i = e / " + m.n() + "; i32 j = e % " + m.n()
                        + "; float acc = 0.0f; for (i32 p = 0; p < " + m.k() + "; p++) acc += " + w(m.a(), "i * " + m.k() + " + p") + " * "
                        + w(m.b(), "p * " + m.n() + " + j") + "; " + w(m.dst(), "e") + " = acc; }");
                case StepOp.Outer o -> loop(depth, o.m() * o.n(), w(o.dst(), "e") + " = " + w(o.a(), "e / " + o.n()) + " * " + w(o.b(), "e % " + o.n()) + ";");
                case StepOp.Transpose t -> loop(depth, t.m() * t.n(), w(t.dst(), "e") + " = " + w(t.src(), "(e % " + t.m() + ") * " + t.n() + " + e / " + t.m()) + ";");
                case StepOp.SumAll s -> throw new IllegalStateException("expanded in ops");
                case StepOp.SumAxis s -> loop(depth, s.outer() * s.inner(), "{ i32 i = e / " + s.inner() + "; i32 j = e % " + s.inner()
                        + "; float acc = 0.0f; for (i32 p = 0; p < " + s.len() + "; p++) acc += " + w(s.src(), "(i * " + s.len() + " + p) * " + s.inner() + " + j")
                        + "; " + w(s.dst(), "e") + " = acc; }");
                case StepOp.Copy c -> loop(depth, c.n(), w(c.dst(), "e") + " = " + w(c.src(), "e") + ";");
                case StepOp.Emit x -> loop(depth, x.n(), CTypes.store(out, "o", "row * (i64)" + x.n() + " + e", w(x.src(), "e")));
                case StepOp.Branch br -> {
                    indent(depth);
                    b.append("if (").append(w(br.cond(), "0")).append(" != 0.0f) {\n");
                    var before = snapshot();
                    ops(br.then(), depth + 1);
                    var afterThen = snapshot();
                    restore(before);
                    indent(depth);
                    b.append("} else {\n");
                    ops(br.otherwise(), depth + 1);
                    indent(depth);
                    b.append("}\n");
                    // either branch may have run: what each left unsynchronised stays so
                    afterThen[0].forEach((k, v) -> dirty.merge(k, v, Boolean::logicalAnd));
                    afterThen[1].forEach((k, v) -> readSince.merge(k, v, Boolean::logicalAnd));
                }
            }
        }

        @SuppressWarnings("unchecked")
        private Map<Integer, Boolean>[] snapshot() { return new Map[] {new HashMap<>(dirty), new HashMap<>(readSince)}; }

        private void restore(Map<Integer, Boolean>[] s) {
            dirty = new HashMap<>(s[0]);
            readSince = new HashMap<>(s[1]);
        }

        /** The flat index into a tensor of shape {@code from} broadcast to {@code to}, at element {@code e} of {@code to}. */
        static String index(int[] from, int[] to) {
            if (Arrays.equals(from, to)) return "e";
            if (StepOps.numel(from) == 1) return "0";
            int off = to.length - from.length;
            var terms = new ArrayList<String>();
            int strideFrom = 1, strideTo = 1;
            int[] toStride = new int[to.length];
            for (int d = to.length - 1; d >= 0; d--) {
                toStride[d] = strideTo;
                strideTo *= to[d];
            }
            for (int d = from.length - 1; d >= 0; d--) {
                if (from[d] != 1) {
                    int k = d + off;
                    String coord = "(e / " + toStride[k] + ") % " + to[k];
                    terms.add(strideFrom == 1 ? "(" + coord + ")" : "(" + coord + ") * " + strideFrom);
                }
                strideFrom *= from[d];
            }
            return String.join(" + ", terms);
        }

        static String unary(String fn, String x) {
            return switch (fn) {
                case "neg" -> "-" + x;
                case "abs" -> "FABSF(" + x + ")";
                case "relu" -> "lin_relu(" + x + ")";
                case "exp" -> "EXPF(" + x + ")";
                case "log" -> "LOGF(" + x + ")";
                case "sqrt" -> "SQRTF(" + x + ")";
                case "rsqrt" -> "(1.0f / SQRTF(" + x + "))";
                case "tanh" -> "TANHF(" + x + ")";
                case "sigmoid" -> "lin_sigmoid(" + x + ")";
                case "silu" -> "lin_silu(" + x + ")";
                // as the interpreter: max(x, 0) + log1p(exp(-|x|)), finite for every x
                case "softplus" -> "(FMAXF(" + x + ", 0.0f) + LOG1PF(EXPF(-FABSF(" + x + "))))";
                default -> throw new IllegalStateException(fn);
            };
        }

        static String binary(Expr.BinaryOp op, String a, String c) {
            return switch (op) {
                case ADD -> a + " + " + c;
                case SUB -> a + " - " + c;
                case MUL -> a + " * " + c;
                case DIV -> a + " / " + c;
                case POW -> "POWF(" + a + ", " + c + ")";
                case EQ -> "(" + a + " == " + c + " ? 1.0f : 0.0f)";
                case NE -> "(" + a + " != " + c + " ? 1.0f : 0.0f)";
                case LT -> "(" + a + " < " + c + " ? 1.0f : 0.0f)";
                case LE -> "(" + a + " <= " + c + " ? 1.0f : 0.0f)";
                case GT -> "(" + a + " > " + c + " ? 1.0f : 0.0f)";
                case GE -> "(" + a + " >= " + c + " ? 1.0f : 0.0f)";
                default -> throw new IllegalStateException(op.symbol);
            };
        }
    }
}
