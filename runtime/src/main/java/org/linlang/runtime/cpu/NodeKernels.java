package org.linlang.runtime.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.Sizes;
import org.linlang.compiler.types.Dim;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Elementwise;
import org.linlang.runtime.tensor.Gathers;
import org.linlang.runtime.tensor.LinAlg;
import org.linlang.runtime.tensor.Reductions;
import org.linlang.runtime.tensor.Shapes;
import org.linlang.runtime.tensor.SmallProduct;
import org.linlang.runtime.tensor.Tensor;

/**
 * One node of the graph computed on its own, over whole tensors: the engine's path for everything
 * that is not a fused group ({@link FusedRows}), a recurrence ({@link RecurrenceKernel}) or a large
 * matrix product. The semantics are the interp engine's (the same tensor library), so the two
 * engines agree to rounding.
 */
final class NodeKernels {
    private NodeKernels() {}

    /** Products up to this many multiply-adds run in Java loops with double accumulators; larger ones on OpenBLAS. */
    static final long SMALL_PRODUCT = 1 << 16;

    static Tensor eval(Node n, Tensor[] in, Map<String, Long> sizes) {
        Tensor r = compute(n, in, sizes);
        DType want = dtype(n);
        return r.dtype() == want ? r : r.to(want);
    }

    private static final DType[] BY_COMPILER_TYPE = new DType[org.linlang.compiler.types.DType.values().length];

    static {
        for (var t : org.linlang.compiler.types.DType.values()) BY_COMPILER_TYPE[t.ordinal()] = DType.fromLin(t.lin());
    }

    /** The node's element type (a table lookup: it is asked for on every call, decoding steps included). */
    /**
     * The node computed into {@code into} (a contiguous tensor of its type: a workspace slot), for the
     * ops that move elements — shift, concat, take, a slice's copy — or null when this op has no such
     * form here.
     */
    static Tensor evalInto(Node n, Tensor[] in, Tensor into) {
        return switch (n.op()) {
            case SHIFT -> in[0].dtype() == into.dtype() ? Gathers.shift(in[0], ((Number) n.attr("by")).longValue(), n.intAttr("axis"), into) : null;
            case CONCAT -> {
                int axis = n.intAttr("axis");
                long at = 0;
                for (Tensor t : in) {
                    long len = t.dim(axis);
                    into.slice(axis, at, at + len, 1).copyFrom(t);
                    at += len;
                }
                yield into;
            }
            case TAKE -> {
                if (in[0].dtype() != into.dtype()) yield null;
                try {
                    yield Gathers.take(in[0], in[1], into);
                } catch (IllegalArgumentException e) {
                    throw new CpuEngineException(e.getMessage());
                }
            }
            default -> null;
        };
    }

    static DType dtype(Node n) { return BY_COMPILER_TYPE[n.type().dtype().ordinal()]; }

    static long[] shape(Node n, Map<String, Long> sizes) {
        List<Dim> dims = n.type().dims();
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) s[i] = Sizes.eval(dims.get(i), sizes);
        return s;
    }

    private static Tensor compute(Node n, Tensor[] in, Map<String, Long> sizes) {
        Op op = n.op();
        return switch (op) {
            case CONSTANT -> constant(n, sizes);
            case ARANGE -> {
                long start = Sizes.eval(n.dimAttr("start"), sizes), stop = Sizes.eval(n.dimAttr("stop"), sizes);
                yield Creation.arange(start, stop, 1, DType.I64);
            }
            case SIZE -> Creation.of(DType.I64, new long[] {Sizes.eval(n.dimAttr("dim"), sizes)}).reshape().to(dtype(n));
            case CAUSAL_MASK -> {
                long size = Sizes.eval(n.dimAttr("size"), sizes);
                long from = n.attr("row_start") instanceof Dim d ? Sizes.eval(d, sizes) : 0;
                long to = n.attr("row_stop") instanceof Dim d ? Sizes.eval(d, sizes) : size;
                yield causalMask(size, from, to, (Long) n.attr("window"));
            }
            case RANDOM -> {
                long seed = ((Number) n.attr("seed")).longValue();
                yield "uniform".equals(n.attr("dist")) ? Creation.rand(shape(n, sizes), seed) : Creation.randn(shape(n, sizes), seed);
            }
            case NEG -> Elementwise.neg(in[0]);
            case NOT -> not(in[0]);
            case EXP -> Elementwise.exp(in[0]);
            case LOG -> Elementwise.log(in[0]);
            case SQRT -> Elementwise.sqrt(in[0]);
            case RSQRT -> Elementwise.rsqrt(in[0]);
            case TANH -> Elementwise.tanh(in[0]);
            case SIGMOID -> Elementwise.sigmoid(in[0]);
            case SILU -> Elementwise.silu(in[0]);
            case SOFTPLUS -> Elementwise.softplus(in[0]);
            case GELU -> Elementwise.gelu(in[0]);
            case RELU -> Elementwise.relu(in[0]);
            case ABS -> Elementwise.abs(in[0]);
            case ELU -> map(in[0], v -> v > 0 ? v : Math.expm1(v));
            case SIN -> map(in[0], Math::sin);
            case COS -> map(in[0], Math::cos);
            case CAST -> in[0].to(dtype(n));
            case ADD -> Elementwise.add(in[0], in[1]);
            case SUB -> Elementwise.sub(in[0], in[1]);
            case MUL -> Elementwise.mul(in[0], in[1]);
            case DIV -> Elementwise.div(in[0], in[1]);
            case POW -> Elementwise.pow(in[0], in[1]);
            case MOD -> floorMod(in[0], in[1]);
            case MAXIMUM -> Elementwise.maximum(in[0], in[1]);
            case MINIMUM -> Elementwise.minimum(in[0], in[1]);
            case EQ -> Elementwise.eq(in[0], in[1]);
            case NE -> Elementwise.ne(in[0], in[1]);
            case LT -> Elementwise.lt(in[0], in[1]);
            case LE -> Elementwise.le(in[0], in[1]);
            case GT -> Elementwise.gt(in[0], in[1]);
            case GE -> Elementwise.ge(in[0], in[1]);
            case AND, OR -> logical(op == Op.AND, in[0], in[1]);
            case WHERE -> Elementwise.where(in[0], in[1], in[2]);
            case SUM -> Reductions.sum(in[0], axes(n), n.flag("keepdims"));
            case MEAN -> Reductions.mean(in[0], axes(n), n.flag("keepdims"));
            case MAX -> Reductions.max(in[0], axes(n), n.flag("keepdims"));
            case MIN -> Reductions.min(in[0], axes(n), n.flag("keepdims"));
            case ARGMAX -> argmax(in[0], axes(n), n.flag("keepdims"));
            case SOFTMAX -> Reductions.softmax(in[0], n.intAttr("axis"));
            case CUMSUM -> Reductions.cumsum(in[0], n.intAttr("axis"));
            case MATMUL -> matmul(in[0], in[1], n.flag("transpose_a"), n.flag("transpose_b"));
            case RESHAPE -> in[0].contiguous().reshape(shape(n, sizes));
            case TRANSPOSE -> in[0].permute(n.intsAttr("perm").stream().mapToInt(Integer::intValue).toArray());
            case SLICE -> in[0].slice(n.intAttr("axis"), Sizes.eval(n.dimAttr("start"), sizes), Sizes.eval(n.dimAttr("stop"), sizes),
                    ((Number) n.attr("step")).longValue());
            case SELECT -> in[0].select(n.intAttr("axis"), Sizes.eval(n.dimAttr("index"), sizes));
            case SHIFT -> Gathers.shift(in[0], ((Number) n.attr("by")).longValue(), n.intAttr("axis"));
            case CONCAT -> Shapes.concat(converted(in, dtype(n)), n.intAttr("axis"));
            case STACK -> Shapes.stack(converted(in, dtype(n)), n.intAttr("axis"));
            case TAKE -> take(in[0], in[1]);
            default -> throw new CpuEngineException("the cpu engine has no kernel for " + op.text());
        };
    }

    private static Tensor constant(Node n, Map<String, Long> sizes) {
        Object v = n.attr("value");
        DType dt = dtype(n);
        Tensor one = switch (v) {
            case Boolean b -> Creation.of(new boolean[] {b});
            case Long l -> Creation.of(dt, new long[] {l});
            case Integer i -> Creation.of(dt, new long[] {i});
            case Number d -> Creation.scalar(d.doubleValue(), dt);
            default -> throw new CpuEngineException("the cpu engine cannot make a constant of " + v);
        };
        one = one.to(dt).reshape();
        long[] shape = shape(n, sizes);
        return shape.length == 0 ? one : one.reshape(ones(shape.length)).broadcastTo(shape);
    }

    private static long[] ones(int rank) {
        long[] s = new long[rank];
        Arrays.fill(s, 1);
        return s;
    }

    private static int[] axes(Node n) { return n.intsAttr("axes").stream().mapToInt(Integer::intValue).toArray(); }

    private static List<Tensor> converted(Tensor[] in, DType dt) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : in) out.add(t.to(dt));
        return out;
    }

    /** numpy's {@code @} with the flagged operands' last two axes swapped (read through strides). */
    static Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) { return matmul(a, b, ta, tb, null); }

    /** As above; a decoding product ({@link RowsTimesWeight}) writes into {@code into} when it is not null. */
    static Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb, Tensor into) {
        if (!ta && tb && RowsTimesWeight.fits(a, b)) return RowsTimesWeight.multiply(a, b, into); // decoding: x Wᵀ for a few rows
        Tensor x = ta ? a.transpose(-2, -1) : a;
        Tensor y = tb ? b.transpose(-2, -1) : b;
        long m = x.rank() == 1 ? 1 : x.dim(-2), k = x.dim(-1), nn = y.rank() == 1 ? 1 : y.dim(-1);
        long batch = 1;
        long[] bs = Shapes.broadcastShapes(Arrays.copyOf(x.shape(), Math.max(0, x.rank() - 2)), Arrays.copyOf(y.shape(), Math.max(0, y.rank() - 2)));
        for (long d : bs) batch *= d;
        if (batch * m * k * nn > SMALL_PRODUCT) return LinAlg.matmul(x, y);
        return SmallProduct.of(x, y); // in double, as the interp engine rounds it
    }

    /** Rows of {@code table} picked by integer ids; an id out of range is the engine's one-sentence error. */
    static Tensor take(Tensor table, Tensor ids) {
        try {
            return Gathers.take(table, ids);
        } catch (IllegalArgumentException e) {
            throw new CpuEngineException(e.getMessage());
        }
    }

    /** Rows {@code from … to − 1} of the {@code t × t} causal mask: query i sees key j when j ≤ i (and i − j < window). */
    static Tensor causalMask(long t, long from, long to, Long window) {
        int n = Math.toIntExact(t), rows = Math.toIntExact(to - from);
        boolean[] m = new boolean[Math.multiplyExact(rows, n)];
        for (int r = 0; r < rows; r++) {
            long i = from + r;
            long lo = window == null ? 0 : Math.max(0, i - window + 1), hi = Math.min(i, n - 1) + 1;
            if (lo < hi) java.util.Arrays.fill(m, (int) (r * n + lo), (int) (r * n + hi), true);
        }
        return Creation.of(m, rows, t);
    }

    private static Tensor map(Tensor x, java.util.function.DoubleUnaryOperator f) {
        Tensor src = x.to(x.dtype().isFloat() ? x.dtype() : DType.F32);
        double[] v = src.toDoubleArray();
        for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(v[i]);
        return Creation.of(src.dtype(), v, src.shape());
    }

    private static Tensor not(Tensor x) {
        long[] v = x.toLongArray();
        boolean[] o = new boolean[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i] == 0;
        return Creation.of(o, x.shape());
    }

    private static Tensor logical(boolean and, Tensor a, Tensor b) {
        long[] shape = Shapes.broadcastShapes(a.shape(), b.shape());
        long[] x = a.broadcastTo(shape).toLongArray(), y = b.broadcastTo(shape).toLongArray();
        boolean[] o = new boolean[x.length];
        for (int i = 0; i < o.length; i++) o[i] = and ? x[i] != 0 && y[i] != 0 : x[i] != 0 || y[i] != 0;
        return Creation.of(o, shape);
    }

    /** Python's {@code %}: the result takes the divisor's sign. */
    private static Tensor floorMod(Tensor a, Tensor b) {
        long[] shape = Shapes.broadcastShapes(a.shape(), b.shape());
        DType t = DType.promote(a.dtype(), b.dtype());
        if (t.isFloat()) {
            double[] x = a.broadcastTo(shape).toDoubleArray(), y = b.broadcastTo(shape).toDoubleArray();
            double[] o = new double[x.length];
            for (int i = 0; i < o.length; i++) {
                double r = x[i] % y[i];
                o[i] = r != 0 && (r < 0) != (y[i] < 0) ? r + y[i] : r;
            }
            return Creation.of(t, o, shape);
        }
        long[] x = a.broadcastTo(shape).toLongArray(), y = b.broadcastTo(shape).toLongArray();
        long[] o = new long[x.length];
        for (int i = 0; i < o.length; i++) {
            if (y[i] == 0) throw new CpuEngineException("integer modulo by zero");
            o[i] = Math.floorMod(x[i], y[i]);
        }
        return Creation.of(t, o, shape);
    }

    private static Tensor argmax(Tensor x, int[] axes, boolean keep) {
        if (axes.length != 1) throw new CpuEngineException("the cpu engine's argmax takes one axis, not " + axes.length);
        int axis = axes[0];
        Tensor moved = x.to(DType.F32).permute(moveLast(x.rank(), axis)).contiguous();
        long len = x.dim(axis);
        float[] v = moved.toFloatArray();
        long rows = len == 0 ? 0 : v.length / len;
        long[] o = new long[(int) rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            float bv = v[(int) (r * len)];
            for (int j = 1; j < len; j++) {
                float c = v[(int) (r * len + j)];
                if (!Float.isNaN(bv) && (c > bv || Float.isNaN(c))) {
                    bv = c;
                    best = j;
                }
            }
            o[r] = best;
        }
        long[] outShape = new long[x.rank() - 1];
        for (int i = 0, k = 0; i < x.rank(); i++) if (i != axis) outShape[k++] = x.dim(i);
        Tensor r = Creation.of(DType.I64, o, outShape);
        return keep ? r.unsqueeze(axis) : r;
    }

    private static int[] moveLast(int rank, int axis) {
        int[] p = new int[rank];
        for (int i = 0, k = 0; i < rank; i++) if (i != axis) p[k++] = i;
        p[rank - 1] = axis;
        return p;
    }
}
