package org.linlang.runtime.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.Grouping;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/**
 * An elementwise or row-wise group run as one pass over memory: the group's domain (the shape of its
 * result, or of its reduction's input) is cut into rows along the last axis, and each row is read
 * once, carried through every member of the group in a few row-sized scratch arrays that stay in L1,
 * and written once, only for the group's outputs. So {@code x * rsqrt(mean(x * x) + eps) * w} reads x
 * and w and writes the result, with no tensor per op. Rows are shared out over {@link WorkerPool}.
 *
 * <p>A member is either a full row of the domain or one value per row (a reduction with keepdims,
 * or what broadcasts from one); reductions, softmax and cumsum run along the last axis. Values
 * outside the group are read through their broadcast strides. The arithmetic is the interp
 * engine's: f32 values, transcendental functions and sums in double, rounded once per op. A group
 * with anything else (other element types, gathers, reductions over other axes) is not fused and
 * runs node by node ({@link #of} returns null).
 */
final class FusedRows {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int ROWS_PER_ITEM = 16;

    private final Node[] members;
    private final boolean[] full;           // a full row, or one value per row
    private final int[][] args;             // per member: slot of each input (>= 0 member, < 0 external ~index)
    private final List<Node> externals = new ArrayList<>();
    private final boolean[] isOutput;
    private final List<Dim> domain;

    private FusedRows(List<Node> ms, List<Dim> domain, List<Node> outputs) {
        this.domain = domain;
        members = ms.toArray(Node[]::new);
        full = new boolean[members.length];
        args = new int[members.length][];
        isOutput = new boolean[members.length];
        Map<Node, Integer> slot = new IdentityHashMap<>();
        for (int i = 0; i < members.length; i++) {
            Node m = members[i];
            full[i] = m.type().dims().equals(domain);
            args[i] = new int[m.inputs().size()];
            for (int a = 0; a < args[i].length; a++) {
                Node in = m.input(a);
                Integer s = slot.get(in);
                if (s == null) {
                    int e = externals.indexOf(in);
                    if (e < 0) {
                        externals.add(in);
                        e = externals.size() - 1;
                    }
                    s = ~e;
                }
                args[i][a] = s;
            }
            slot.put(m, i);
            isOutput[i] = outputs.contains(m);
        }
    }

    /** The fused form of a group, or null when the group has something a row pass cannot do. */
    static FusedRows of(Grouping.Group g, Graph graph) {
        if (g.kind() != Grouping.Kind.ELEMENTWISE && g.kind() != Grouping.Kind.ROWWISE) return null;
        List<Dim> domain = g.kind() == Grouping.Kind.ROWWISE ? g.anchor().input(0).type().dims() : widest(g.members());
        return of(g.members(), g.outputs(), domain);
    }

    /**
     * The elementwise epilogue of a matmul or recurrence group (the members that read the anchor,
     * such as a bias, an activation, a gate or a residual add) as one pass, or null.
     */
    static FusedRows epilogue(Grouping.Group g) {
        if (g.kind() != Grouping.Kind.MATMUL && g.kind() != Grouping.Kind.RECURRENCE) return null;
        java.util.Set<Node> after = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        after.add(g.anchor());
        List<Node> ms = new ArrayList<>();
        for (Node m : g.members()) {
            if (m == g.anchor() || m.op() == Op.STATE_OUT) continue;
            if (m.inputs().stream().anyMatch(after::contains)) {
                after.add(m);
                ms.add(m);
            }
        }
        if (ms.isEmpty()) return null;
        List<Node> outs = ms.stream().filter(g.outputs()::contains).toList();
        return of(ms, outs, g.anchor().type().dims());
    }

    /**
     * One node of a group that runs node by node, as a row pass of its own, or null: the same pass as
     * its node kernel, but into the memory the run gives it (a workspace slot) instead of a fresh
     * tensor.
     */
    static FusedRows single(Node n) {
        if (n.op().kind != Op.Kind.ELEMENTWISE && n.op().kind != Op.Kind.REDUCE && n.op() != Op.SOFTMAX && n.op() != Op.CUMSUM) return null;
        if (n.inputs().isEmpty()) return null;
        List<Dim> domain = n.op().shrinks() ? n.input(0).type().dims() : n.type().dims();
        for (Node in : n.inputs()) if (in.type().rank() > domain.size()) return null;
        return of(List.of(n), List.of(n), domain, true);
    }

    /** The members in graph order (inputs first), the ones written out, and the domain; null when a row pass cannot do them. */
    static FusedRows of(List<Node> ms, List<Node> outputs, List<Dim> domain) { return of(ms, outputs, domain, false); }

    private static FusedRows of(List<Node> ms, List<Node> outputs, List<Dim> domain, boolean single) {
        if (domain.isEmpty() || outputs.isEmpty()) return null;
        List<Dim> row = new ArrayList<>(domain);
        row.set(row.size() - 1, Dim.of(1));
        List<Dim> reduced = domain.subList(0, domain.size() - 1);
        for (Node m : ms) {
            if (m.type().dtype() != DType.F32 || !fusible(m, domain.size())) return null;
            List<Dim> d = m.type().dims();
            if (!d.equals(domain) && !d.equals(row) && !(m.op().shrinks() && d.equals(reduced))) return null;
            for (Node in : m.inputs()) {
                if (ms.contains(in)) continue;
                if (!in.type().dtype().isFloat() || !broadcastsTo(in.type().dims(), domain)) return null;
            }
        }
        if (!single && ms.size() < 2 && outputs.size() == ms.size() && ms.getFirst().op().kind != Op.Kind.REDUCE) {
            return null; // one op: the node kernel is the same pass
        }
        return new FusedRows(ms, domain, outputs);
    }

    private static List<Dim> widest(List<Node> ms) {
        List<Dim> best = List.of();
        for (Node m : ms) if (m.type().rank() > best.size()) best = m.type().dims();
        return best;
    }

    private static boolean fusible(Node m, int rank) {
        Op op = m.op();
        return switch (op) {
            case NEG, EXP, LOG, SQRT, RSQRT, TANH, SIGMOID, SILU, SOFTPLUS, RELU, ABS, ELU, SIN, COS,
                 ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM -> true;
            case SUM, MEAN, MAX, MIN -> m.intsAttr("axes").equals(List.of(rank - 1));
            case SOFTMAX, CUMSUM -> m.intAttr("axis") == rank - 1;
            default -> false;
        };
    }

    private static boolean broadcastsTo(List<Dim> from, List<Dim> to) {
        if (from.size() > to.size()) return false;
        for (int i = 1; i <= from.size(); i++) {
            Dim f = from.get(from.size() - i), t = to.get(to.size() - i);
            if (!f.equals(t) && !f.equals(Dim.of(1))) return false;
        }
        return true;
    }

    /** Whether this pass computes the node (it is one of its members). */
    boolean computes(Node n) {
        for (Node m : members) if (m == n) return true;
        return false;
    }

    /** Computes the group's outputs where the run places them (its workspace, the caller's buffers), else into fresh tensors. */
    void run(CpuPlan.Run run) {
        long[] shape = new long[domain.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = org.linlang.compiler.ir.Sizes.eval(domain.get(i), run.sizes);
        int len = (int) shape[shape.length - 1];
        long rows = 1;
        for (int i = 0; i < shape.length - 1; i++) rows *= shape[i];
        Operand[] ext = new Operand[externals.size()];
        for (int e = 0; e < ext.length; e++) ext[e] = Operand.of(run.value(externals.get(e)), shape);
        Tensor[] outs = new Tensor[members.length];
        MemorySegment[] outSeg = new MemorySegment[members.length];
        long[] outBase = new long[members.length];
        for (int i = 0; i < members.length; i++) {
            if (!isOutput[i]) continue;
            outs[i] = run.destination(members[i]);
            if (outs[i] == null) outs[i] = Creation.zeros(NodeKernels.shape(members[i], run.sizes));
            outSeg[i] = outs[i].storage();
            outBase[i] = outs[i].offset() * 4; // a workspace's scratch places values inside one block
        }
        long total = rows;
        int items = (int) ((total + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM);
        int threads = WorkerPool.shared().threads();
        float[][][] scratch = new float[threads][members.length][];
        WorkerPool.Task task = (item, worker) -> {
            float[][] tiles = scratch[worker];
            if (tiles[0] == null) for (int i = 0; i < tiles.length; i++) tiles[i] = new float[full[i] ? len : 1];
            long r0 = (long) item * ROWS_PER_ITEM, r1 = Math.min(total, r0 + ROWS_PER_ITEM);
            float[] extRow = new float[len];
            float[][] extTiles = new float[ext.length][];
            for (long r = r0; r < r1; r++) rowPass(r, len, ext, extTiles, extRow, tiles, outSeg, outBase);
        };
        if (total * len < 1 << 14) for (int i = 0; i < items; i++) task.run(i, 0); // a few rows (decoding): not worth waking a thread
        else WorkerPool.shared().run(items, task);
        for (int i = 0; i < members.length; i++) if (isOutput[i]) run.put(members[i], outs[i]);
    }

    private void rowPass(long r, int len, Operand[] ext, float[][] extTiles, float[] spare, float[][] tiles, MemorySegment[] outSeg,
                         long[] outBase) {
        for (int e = 0; e < ext.length; e++) {
            Operand o = ext[e];
            if (extTiles[e] == null) extTiles[e] = new float[o.perRow ? 1 : len];
            o.read(r, extTiles[e], len);
        }
        for (int i = 0; i < members.length; i++) {
            float[] out = tiles[i];
            int n = full[i] ? len : 1;
            int[] a = args[i];
            float[] x = a.length > 0 ? (a[0] >= 0 ? tiles[a[0]] : extTiles[~a[0]]) : null;
            float[] y = a.length > 1 ? (a[1] >= 0 ? tiles[a[1]] : extTiles[~a[1]]) : null;
            if (x != null && x.length == 1 && len > 1 && members[i].op().kind == Op.Kind.REDUCE) {
                java.util.Arrays.fill(spare, x[0]); // a reduction along a row that broadcasts one value
                x = spare;
            }
            compute(members[i].op(), x, y, out, n, len);
            if (outSeg[i] != null) MemorySegment.copy(out, 0, outSeg[i], F32, outBase[i] + r * n * 4L, n);
        }
    }

    /** One member over one row: x, y are a full row or one value (length 1, broadcast). */
    private static void compute(Op op, float[] x, float[] y, float[] o, int n, int len) {
        switch (op) {
            case SUM, MEAN -> {
                double s = 0;
                for (int j = 0; j < len; j++) s += x[j];
                o[0] = (float) (op == Op.MEAN ? s / len : s);
            }
            case MAX, MIN -> {
                float m = x[0];
                for (int j = 1; j < len; j++) {
                    float v = x[j];
                    if (Float.isNaN(m) || Float.isNaN(v)) m = Float.NaN;
                    else m = op == Op.MAX ? Math.max(m, v) : Math.min(m, v);
                }
                o[0] = m;
            }
            case SOFTMAX -> {
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) m = Math.max(m, x[j]);
                double s = 0;
                for (int j = 0; j < len; j++) {
                    float e = (float) Math.exp((float) (x[j] - m));
                    o[j] = e;
                    s += e;
                }
                float sum = (float) s;
                for (int j = 0; j < len; j++) o[j] = o[j] / sum;
            }
            case CUMSUM -> {
                double s = 0;
                for (int j = 0; j < len; j++) {
                    s += x[j];
                    o[j] = (float) s;
                }
            }
            default -> {
                if (y == null) unary(op, x, o, n);
                else binary(op, x, y, o, n);
            }
        }
    }

    private static void unary(Op op, float[] x, float[] o, int n) {
        boolean one = x.length == 1;
        for (int j = 0; j < n; j++) {
            double a = x[one ? 0 : j];
            o[j] = switch (op) {
                case NEG -> (float) -a;
                case EXP -> (float) Math.exp(a);
                case LOG -> (float) Math.log(a);
                case SQRT -> (float) Math.sqrt(a);
                case RSQRT -> (float) (1 / Math.sqrt(a));
                case TANH -> (float) Math.tanh(a);
                case SIGMOID -> (float) (1 / (1 + Math.exp(-a)));
                case SILU -> (float) (a / (1 + Math.exp(-a)));
                case SOFTPLUS -> (float) (Math.max(a, 0.0) + Math.log1p(Math.exp(-Math.abs(a))));
                case RELU -> (float) Math.max(a, 0.0);
                case ABS -> (float) Math.abs(a);
                case ELU -> (float) (a > 0 ? a : Math.expm1(a));
                case SIN -> (float) Math.sin(a);
                case COS -> (float) Math.cos(a);
                default -> throw new IllegalStateException(op.text());
            };
        }
    }

    private static final jdk.incubator.vector.VectorSpecies<Float> SPECIES = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;

    /** x op y over a row; a length-1 operand broadcasts. The four arithmetic ops run on the Vector API. */
    private static void binary(Op op, float[] x, float[] y, float[] o, int n) {
        boolean xs = x.length == 1 && n > 1, ys = y.length == 1 && n > 1;
        if (op == Op.ADD || op == Op.SUB || op == Op.MUL || op == Op.DIV) {
            vectorArithmetic(op, x, y, o, n, xs, ys);
            return;
        }
        int sx = xs ? 0 : 1, sy = ys ? 0 : 1;
        switch (op) {
            case POW -> { for (int j = 0; j < n; j++) o[j] = (float) Math.pow(x[j * sx], y[j * sy]); }
            case MAXIMUM -> { for (int j = 0; j < n; j++) o[j] = Math.max(x[j * sx], y[j * sy]); }
            case MINIMUM -> { for (int j = 0; j < n; j++) o[j] = Math.min(x[j * sx], y[j * sy]); }
            default -> throw new IllegalStateException(op.text());
        }
    }

    private static void vectorArithmetic(Op op, float[] x, float[] y, float[] o, int n, boolean xs, boolean ys) {
        jdk.incubator.vector.VectorOperators.Binary vop = switch (op) {
            case ADD -> jdk.incubator.vector.VectorOperators.ADD;
            case SUB -> jdk.incubator.vector.VectorOperators.SUB;
            case MUL -> jdk.incubator.vector.VectorOperators.MUL;
            default -> jdk.incubator.vector.VectorOperators.DIV;
        };
        int step = SPECIES.length(), j = 0;
        int bound = SPECIES.loopBound(n);
        if (!xs && !ys) {
            for (; j < bound; j += step) {
                jdk.incubator.vector.FloatVector.fromArray(SPECIES, x, j).lanewise(vop, jdk.incubator.vector.FloatVector.fromArray(SPECIES, y, j))
                        .intoArray(o, j);
            }
        } else if (ys && !xs) {
            float c = y[0];
            for (; j < bound; j += step) jdk.incubator.vector.FloatVector.fromArray(SPECIES, x, j).lanewise(vop, c).intoArray(o, j);
        } else if (xs && !ys) {
            var c = jdk.incubator.vector.FloatVector.broadcast(SPECIES, x[0]);
            for (; j < bound; j += step) c.lanewise(vop, jdk.incubator.vector.FloatVector.fromArray(SPECIES, y, j)).intoArray(o, j);
        }
        int sx = xs ? 0 : 1, sy = ys ? 0 : 1;
        for (; j < n; j++) {
            float a = x[j * sx], b = y[j * sy];
            o[j] = switch (op) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                default -> a / b;
            };
        }
    }

    /** A value from outside the group, read one row at a time through its broadcast strides. */
    private record Operand(MemorySegment seg, long offset, long[] outerStrides, long[] outerShape, long lastStride, boolean perRow,
                           boolean f32) {
        static Operand of(Tensor t, long[] domain) {
            Tensor f = t.dtype() == org.linlang.runtime.tensor.DType.F32 ? t : t.to(org.linlang.runtime.tensor.DType.F32);
            Tensor b = f.broadcastTo(domain);
            long[] st = b.strides();
            int r = domain.length;
            long last = st[r - 1];
            boolean perRow = last == 0 || domain[r - 1] == 1;
            return new Operand(b.storage(), b.offset(), java.util.Arrays.copyOf(st, r - 1), java.util.Arrays.copyOf(domain, r - 1), last,
                    perRow, true);
        }

        void read(long row, float[] into, int len) {
            long at = offset;
            long rest = row;
            for (int i = outerShape.length - 1; i >= 0; i--) {
                long s = outerShape[i];
                at += (rest % s) * outerStrides[i];
                rest /= s;
            }
            if (perRow) {
                into[0] = seg.get(F32, at * 4);
            } else if (lastStride == 1) {
                MemorySegment.copy(seg, F32, at * 4, into, 0, len);
            } else {
                for (int j = 0; j < len; j++) into[j] = seg.get(F32, (at + j * lastStride) * 4);
            }
        }
    }
}
