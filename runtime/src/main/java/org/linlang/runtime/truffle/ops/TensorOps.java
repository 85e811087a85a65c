package org.linlang.runtime.truffle.ops;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Elementwise;
import org.linlang.runtime.tensor.Index;
import org.linlang.runtime.tensor.LinAlg;
import org.linlang.runtime.tensor.Shapes;
import org.linlang.runtime.tensor.SmallProduct;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * The operators of Lin on tensors. Problems are {@link IllegalArgumentException}s with a message for
 * the user; the nodes turn them into runtime errors at their place in the source.
 *
 * <p>Scalars are weak, as in PyTorch: an int or float next to a tensor takes the tensor's element type
 * ({@code 2.0 * x} of a bf16 {@code x} is bf16); only a float next to an integer or bool tensor makes
 * the result f32.
 */
public final class TensorOps {
    private TensorOps() {}

    /** The binary operators that apply to tensors. */
    public enum Op {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), POW("**"), MATMUL("@"),
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), AND("and"), OR("or");

        public final String symbol;

        Op(String symbol) { this.symbol = symbol; }
    }

    public static boolean isTensor(Object v) { return v instanceof LinTensor; }

    /** Whether a binary operator on these operands is a tensor operation (at least one is a tensor). */
    public static boolean involvesTensor(Object a, Object b) { return a instanceof LinTensor || b instanceof LinTensor; }

    @TruffleBoundary
    public static LinTensor binary(Op op, Object a, Object b) {
        Tensor fast = fastBinary(op, a, b);
        if (fast != null) return new LinTensor(fast);
        Tensor other = a instanceof LinTensor t ? t.tensor() : ((LinTensor) b).tensor();
        Tensor x = operand(a, other, op);
        Tensor y = operand(b, other, op);
        Tensor r = switch (op) {
            case ADD -> Elementwise.add(x, y);
            case SUB -> Elementwise.sub(x, y);
            case MUL -> Elementwise.mul(x, y);
            case DIV -> Elementwise.div(x, y);
            case POW -> Elementwise.pow(x, y);
            case MOD -> Kernels.floorMod(x, y);
            case MATMUL -> matmul(x, y);
            case EQ -> Elementwise.eq(x, y);
            case NE -> Elementwise.ne(x, y);
            case LT -> Elementwise.lt(x, y);
            case LE -> Elementwise.le(x, y);
            case GT -> Elementwise.gt(x, y);
            case GE -> Elementwise.ge(x, y);
            case AND, OR -> Kernels.logical(op == Op.AND, x, y);
        };
        return new LinTensor(r);
    }

    /** Small dense f32 operands: {@link F32}'s loops; else null. */
    private static Tensor fastBinary(Op op, Object a, Object b) {
        if (a instanceof LinTensor x && b instanceof LinTensor y) {
            if (op == Op.MATMUL) return F32.matmul(x.tensor(), y.tensor());
            return F32.same(op, x.tensor(), y.tensor());
        }
        if (a instanceof LinTensor x && b instanceof Double d) return F32.withScalar(op, x.tensor(), (float) (double) d, false);
        if (a instanceof Double d && b instanceof LinTensor y) return F32.withScalar(op, y.tensor(), (float) (double) d, true);
        if (a instanceof LinTensor x && b instanceof Long l) return F32.withScalar(op, x.tensor(), (float) (long) l, false);
        if (a instanceof Long l && b instanceof LinTensor y) return F32.withScalar(op, y.tensor(), (float) (long) l, true);
        return null;
    }

    /** A Lin value as an operand of a tensor operation with {@code other}: scalars are weak. */
    static Tensor operand(Object v, Tensor other, Op op) {
        return switch (v) {
            case LinTensor t -> t.tensor();
            case Long l -> {
                DType t = other.dtype() == DType.BOOL ? DType.I64 : other.dtype();
                yield Creation.of(t, new long[] {l});
            }
            case Double d -> Creation.scalar(d, other.dtype().isFloat() ? other.dtype() : DType.F32);
            case Boolean b -> Creation.of(new boolean[] {b});
            default -> throw new IllegalArgumentException("operator " + op.symbol + " does not apply to "
                    + LinValues.aTypeName(v) + " and a tensor");
        };
    }

    /** A Lin value that must be a tensor: tensors, and numbers as 0-d f32 (or i64) tensors. */
    @TruffleBoundary
    public static Tensor tensorOf(Object v, String what) {
        return switch (v) {
            case LinTensor t -> t.tensor();
            case Long l -> Creation.of(DType.I64, new long[] {l});
            case Double d -> Creation.scalar(d);
            case Boolean b -> Creation.of(new boolean[] {b});
            default -> throw new IllegalArgumentException(what + " must be a tensor, got " + LinValues.aTypeName(v));
        };
    }

    // ---- unary ---------------------------------------------------------------------------------

    public enum Fn { EXP, LOG, SQRT, RSQRT, TANH, SIGMOID, SILU, SOFTPLUS, GELU, RELU, ABS, ELU, SIN, COS, NEG, NOT }

    @TruffleBoundary
    public static LinTensor unary(Fn fn, LinTensor value) {
        Tensor x = value.tensor();
        if (x.dtype() == DType.BOOL && fn != Fn.NOT) {
            throw new IllegalArgumentException(fn.name().toLowerCase(java.util.Locale.ROOT) + " does not apply to a bool tensor");
        }
        Tensor r = switch (fn) {
            case EXP -> Elementwise.exp(x);
            case LOG -> Elementwise.log(x);
            case SQRT -> Elementwise.sqrt(x);
            case RSQRT -> Elementwise.rsqrt(x);
            case TANH -> Elementwise.tanh(x);
            case SIGMOID -> Elementwise.sigmoid(x);
            case SILU -> Elementwise.silu(x);
            case SOFTPLUS -> Elementwise.softplus(x);
            case GELU -> Elementwise.gelu(x);
            case RELU -> Elementwise.relu(x);
            case ABS -> Elementwise.abs(x);
            case NEG -> Elementwise.neg(x);
            case ELU -> Kernels.map(x, v -> v > 0 ? v : Math.expm1(v));
            case SIN -> Kernels.map(x, Math::sin);
            case COS -> Kernels.map(x, Math::cos);
            case NOT -> {
                if (x.dtype() != DType.BOOL) throw new IllegalArgumentException("'not' needs a bool tensor, got " + value.typeText());
                yield Kernels.not(x);
            }
        };
        return new LinTensor(r);
    }

    // ---- products ------------------------------------------------------------------------------

    /** Products up to this many multiply-adds run in Java loops (double accumulators); larger ones on OpenBLAS. */
    static final long SMALL_PRODUCT = 1 << 16;

    /**
     * numpy's {@code @}. Small products (the vector-matrix steps of recurrences, attention on short
     * sequences) are computed here in double and rounded once, which is both faster than a call into
     * OpenBLAS and more accurate; larger ones go to {@link LinAlg#matmul}.
     */
    @TruffleBoundary
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("@ needs tensors with at least one dimension, got "
                    + LinTensor.shapeText(a.shape()) + " @ " + LinTensor.shapeText(b.shape()) + "; use * to scale");
        }
        Tensor fast = F32.matmul(a, b);
        if (fast != null) return fast;
        Tensor x = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor y = b.rank() == 1 ? b.unsqueeze(1) : b;
        long m = x.dim(-2), k = x.dim(-1), n = y.dim(-1);
        if (y.dim(-2) != k) {
            throw new IllegalArgumentException("cannot multiply " + LinTensor.shapeText(a.shape()) + " @ " + LinTensor.shapeText(b.shape())
                    + ": inner dimensions " + k + " and " + y.dim(-2) + " differ");
        }
        long[] batch = Shapes.broadcastShapes(Arrays.copyOf(x.shape(), x.rank() - 2), Arrays.copyOf(y.shape(), y.rank() - 2));
        long count = 1;
        for (long d : batch) count *= d;
        DType type = DType.promote(a.dtype(), b.dtype());
        DType outType = type.isFloat() ? type : DType.F32;
        if (count * m * k * n > SMALL_PRODUCT) return LinAlg.matmul(a, b);
        return SmallProduct.of(a, b).to(outType);
    }

    /** {@code outer(a, b)}: {@code [.., M]} and {@code [.., N]} give {@code [.., M, N]}, leading axes broadcast. */
    @TruffleBoundary
    public static Tensor outer(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("outer needs vectors (at least one dimension each), got "
                    + LinTensor.shapeText(a.shape()) + " and " + LinTensor.shapeText(b.shape()));
        }
        Tensor fast = F32.outer(a, b);
        return fast != null ? fast : Elementwise.mul(a.unsqueeze(-1), b.unsqueeze(-2));
    }

    // ---- indexing and reshaping ----------------------------------------------------------------

    /** One item of {@code x[…]} as evaluated: an index, a slice (null bounds are open) or {@code ..}. */
    public sealed interface Item {
        record At(long index) implements Item {}

        record Slice(Long lo, Long hi, Long step) implements Item {}

        record Rest() implements Item {}
    }

    /** {@code x[items]}: numpy basic indexing with Lin's rules (no more items than axes, one {@code ..}). */
    @TruffleBoundary
    public static Tensor index(Tensor x, List<Item> items) {
        long[] shape = x.shape();
        int rank = shape.length;
        int rest = -1;
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof Item.Rest) {
                if (rest >= 0) throw new IllegalArgumentException("an index may contain '..' only once");
                rest = i;
            }
        }
        int explicit = items.size() - (rest >= 0 ? 1 : 0);
        if (explicit > rank) {
            throw new IllegalArgumentException("too many indices: " + explicit + " for a tensor of shape " + LinTensor.shapeText(shape));
        }
        Index[] out = new Index[items.size()];
        for (int i = 0; i < items.size(); i++) {
            int axis = rest < 0 || i < rest ? i : rank - (items.size() - i);
            out[i] = switch (items.get(i)) {
                case Item.At at -> {
                    long p = at.index() < 0 ? at.index() + shape[axis] : at.index();
                    if (p < 0 || p >= shape[axis]) {
                        throw new IllegalArgumentException("index " + at.index() + " is out of range for axis " + axis + " of size "
                                + shape[axis] + " (the tensor is " + LinTensor.shapeText(shape) + ")");
                    }
                    yield Index.at(p);
                }
                case Item.Slice s -> {
                    long step = s.step() == null ? 1 : s.step();
                    if (step <= 0) throw new IllegalArgumentException("slice step must be positive, got " + step);
                    yield Index.range(s.lo(), s.hi(), step);
                }
                case Item.Rest r -> Index.ellipsis();
            };
        }
        return x.index(out);
    }

    /**
     * {@code x as [dims]}. When the target starts with {@code ..}, {@code leading} is how many of the
     * value's axes it stands for ({@code -1}: not known before running; then the longest run of leading
     * axes that leaves the right number of elements for the rest).
     */
    @TruffleBoundary
    public static Tensor reshape(Tensor x, long[] dims, boolean hasRest, int explicitRankOfValue, String targetText) {
        long[] shape = x.shape();
        long[] target = dims;
        if (hasRest) {
            int lead;
            if (explicitRankOfValue >= 0) {
                lead = shape.length - explicitRankOfValue;
            } else {
                long want = 1;
                for (long d : dims) want *= d;
                lead = -1;
                for (int p = shape.length; p >= 0 && lead < 0; p--) {
                    long tail = 1;
                    for (int i = p; i < shape.length; i++) tail *= shape[i];
                    if (tail == want) lead = p;
                }
                if (lead < 0) lead = 0;
            }
            if (lead < 0 || lead > shape.length) {
                throw new IllegalArgumentException("cannot reshape " + LinTensor.shapeText(shape) + " as " + targetText);
            }
            target = new long[lead + dims.length];
            System.arraycopy(shape, 0, target, 0, lead);
            System.arraycopy(dims, 0, target, lead, dims.length);
        }
        long have = x.numel();
        long want = 1;
        for (long d : target) {
            if (d < 0) throw new IllegalArgumentException("cannot reshape to " + LinTensor.shapeText(target) + ": negative dimension");
            want *= d;
        }
        if (have != want) {
            throw new IllegalArgumentException("cannot reshape " + LinTensor.shapeText(shape) + " (" + have + " elements) as "
                    + targetText + " = " + LinTensor.shapeText(target) + " (" + want + " elements)");
        }
        return x.reshape(target);
    }

    /** Element type conversion: {@code x as bf16}. */
    @TruffleBoundary
    public static Tensor convert(Tensor x, DType to) { return x.to(to); }

    /** Shapes of a list, for messages. */
    static String shapes(List<Tensor> ts) {
        List<String> out = new ArrayList<>();
        for (Tensor t : ts) out.add(LinTensor.shapeText(t.shape()));
        return String.join(", ", out);
    }
}
