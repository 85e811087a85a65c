package org.linlang.runtime.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Decl;
import org.linlang.compiler.recurrence.StepOp;
import org.linlang.compiler.recurrence.StepOps;

/**
 * A recurrence's step body compiled, for one set of step shapes, into a flat list of operations
 * over {@code float[]} slots: the generic sequential kernel ({@link GenericRecurrence}) runs it once
 * per token. The step is compiled into slot operations by {@link StepOps} (shared with the GPU's
 * generic step kernel, so that both engines compile and refuse the same steps): every expression
 * gets a slot of its own (values are never overwritten within a step, so a {@code let} or a state
 * is just the name of a slot), a state's home slot holds it between steps, and an assignment to a
 * state is copied home at the end of the step. Host values (literals, host parameters, sizes, loop
 * variables) are folded while compiling: host {@code if}s choose a branch and {@code for} loops over
 * host ranges are unrolled; an {@code if} on a tensor becomes a branch taken at run time. This class
 * turns each {@link StepOp} into a closure over a frame's slots.
 *
 * <p>The arithmetic is the interpreter's: each operation rounds to f32 as its tensors do, and the
 * transcendental functions are evaluated in double (as {@code Elementwise}); products accumulate
 * in double. What the step uses that is not compiled is refused in one sentence naming it.
 */
final class StepProgram {
    /** One operation of the step, on a frame's slots. */
    interface Op { void run(Frame f); }

    /** A worker's slots, and where the current token is. */
    static final class Frame {
        final float[][] slot;
        /** The row of the current token in the [B, T, H] order of the inputs and the output. */
        int row;
        float[][] inputs;
        float[] output;
        private double[] acc = new double[0];

        Frame(int[] sizes) {
            slot = new float[sizes.length][];
            for (int i = 0; i < sizes.length; i++) slot[i] = new float[sizes[i]];
        }

        /** Double accumulators for a product's row (grown once, on the first step). */
        double[] acc(int n) {
            if (acc.length < n) acc = new double[n];
            return acc;
        }
    }

    final List<Op> ops;
    /** Each state's home slot. */
    final int[] stateHome;
    final int[][] stateShape;
    final int[] outputShape;

    private final StepOps steps;
    private final String name;
    private final String where;

    /**
     * @param inputNames the per-step inputs, in the order of {@code inputs} in the frame
     * @param inputShapes their per-step shapes
     * @param host       the host parameters' values
     */
    StepProgram(Decl.Recurrence decl, List<String> inputNames, int[][] inputShapes, Map<String, Object> host, String where) {
        this.name = decl.name().name();
        this.where = where;
        try {
            this.steps = new StepOps(decl, inputNames, inputShapes, host);
        } catch (StepOps.Refusal r) {
            throw refuse(r.getMessage());
        }
        this.stateHome = steps.stateHome;
        this.stateShape = steps.stateShape;
        this.outputShape = steps.outputShape;
        this.ops = closures(steps.ops);
    }

    /** A fresh frame with the constants filled. */
    Frame frame() {
        Frame f = new Frame(steps.slotSizes());
        for (var c : steps.constants.entrySet()) java.util.Arrays.fill(f.slot[c.getKey()], c.getValue());
        return f;
    }

    /** The state's declared initial value, a number. */
    double stateInit(int i) {
        try {
            return steps.stateInit(i);
        } catch (StepOps.Refusal r) {
            throw refuse(r.getMessage());
        }
    }

    private List<Op> closures(List<StepOp> list) {
        List<Op> out = new ArrayList<>();
        for (StepOp op : list) out.add(closure(op));
        return out;
    }

    private Op closure(StepOp op) {
        return switch (op) {
            case StepOp.Load l -> {
                int i = l.input(), so = l.dst(), len = l.n();
                yield f -> System.arraycopy(f.inputs[i], f.row * len, f.slot[so], 0, len);
            }
            case StepOp.Unary u -> unary(u.fn(), u.src(), u.dst(), u.n());
            case StepOp.Binary b -> binary(b);
            case StepOp.MatMul m -> matmul(m.a(), m.b(), m.dst(), m.m(), m.k(), m.n());
            case StepOp.Outer o -> {
                int m = o.m(), n = o.n(), sa = o.a(), sb = o.b(), so = o.dst();
                yield f -> {
                    float[] x = f.slot[sa], y = f.slot[sb], r = f.slot[so];
                    for (int i = 0; i < m; i++) {
                        float xi = x[i];
                        for (int j = 0; j < n; j++) r[i * n + j] = xi * y[j];
                    }
                };
            }
            case StepOp.Transpose t -> {
                int m = t.m(), n = t.n(), sa = t.src(), so = t.dst();
                yield f -> {
                    float[] a = f.slot[sa], o = f.slot[so];
                    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) o[j * m + i] = a[i * n + j];
                };
            }
            case StepOp.SumAll s -> {
                int sa = s.src(), so = s.dst(), n = s.n();
                yield f -> {
                    double acc = 0;
                    float[] a = f.slot[sa];
                    for (int i = 0; i < n; i++) acc += a[i];
                    f.slot[so][0] = (float) acc;
                };
            }
            case StepOp.SumAxis s -> sumAxis(s.src(), s.dst(), s.outer(), s.len(), s.inner());
            case StepOp.Copy c -> copy(c.src(), c.dst(), c.n());
            case StepOp.Emit e -> {
                int slot = e.src(), n = e.n();
                yield f -> System.arraycopy(f.slot[slot], 0, f.output, f.row * n, n);
            }
            case StepOp.Branch br -> {
                Op[] th = closures(br.then()).toArray(Op[]::new), el = closures(br.otherwise()).toArray(Op[]::new);
                int cs = br.cond();
                yield f -> {
                    for (Op o : f.slot[cs][0] != 0 ? th : el) o.run(f);
                };
            }
        };
    }

    private static Op binary(StepOp.Binary b) {
        int[] ia = indexMap(b.aShape(), b.shape()), ic = indexMap(b.cShape(), b.shape());
        int sa = b.a(), sc = b.c(), so = b.dst(), n = StepOps.numel(b.shape());
        return switch (b.op()) {
            case ADD -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] + q[ic[i]]; };
            case SUB -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] - q[ic[i]]; };
            case MUL -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] * q[ic[i]]; };
            case DIV -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] / q[ic[i]]; };
            case POW -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) Math.pow(p[ia[i]], q[ic[i]]); };
            case EQ -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] == q[ic[i]] ? 1 : 0; };
            case NE -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] != q[ic[i]] ? 1 : 0; };
            case LT -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] < q[ic[i]] ? 1 : 0; };
            case LE -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] <= q[ic[i]] ? 1 : 0; };
            case GT -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] > q[ic[i]] ? 1 : 0; };
            case GE -> f -> { float[] p = f.slot[sa], q = f.slot[sc], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = p[ia[i]] >= q[ic[i]] ? 1 : 0; };
            default -> throw new IllegalStateException(b.op().symbol);
        };
    }

    private static Op unary(String fn, int sa, int so, int n) {
        return switch (fn) {
            case "neg" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = -a[i]; };
            case "abs" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = Math.abs(a[i]); };
            case "relu" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = Math.max(a[i], 0f); };
            case "exp" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) Math.exp(a[i]); };
            case "log" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) Math.log(a[i]); };
            case "sqrt" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) Math.sqrt(a[i]); };
            case "rsqrt" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) (1 / Math.sqrt(a[i])); };
            case "tanh" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) Math.tanh(a[i]); };
            case "sigmoid" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) (1 / (1 + Math.exp(-a[i]))); };
            case "silu" -> f -> { float[] a = f.slot[sa], o = f.slot[so]; for (int i = 0; i < n; i++) o[i] = (float) (a[i] / (1 + Math.exp(-a[i]))); };
            case "softplus" -> f -> {
                float[] a = f.slot[sa], o = f.slot[so];
                for (int i = 0; i < n; i++) o[i] = (float) (Math.max(a[i], 0.0) + Math.log1p(Math.exp(-Math.abs((double) a[i]))));
            };
            default -> throw new IllegalStateException(fn);
        };
    }

    /** {@code a @ b} for vectors and matrices, accumulated in double. */
    private static Op matmul(int sa, int sb, int so, int m, int k, int n) {
        return f -> {
            float[] x = f.slot[sa], y = f.slot[sb], o = f.slot[so];
            if (m == 1) { // a vector times a matrix: rows of b in order, columns accumulated
                double[] acc = f.acc(n);
                java.util.Arrays.fill(acc, 0, n, 0);
                for (int p = 0; p < k; p++) {
                    double xp = x[p];
                    int row = p * n;
                    for (int j = 0; j < n; j++) acc[j] += xp * y[row + j];
                }
                for (int j = 0; j < n; j++) o[j] = (float) acc[j];
                return;
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (double) x[i * k + p] * y[p * n + j];
                    o[i * n + j] = (float) s;
                }
            }
        };
    }

    private static Op sumAxis(int sa, int so, int on, int len, int in) {
        return f -> {
            float[] a = f.slot[sa], o = f.slot[so];
            for (int p = 0; p < on; p++) {
                for (int q = 0; q < in; q++) {
                    double acc = 0;
                    for (int i = 0; i < len; i++) acc += a[(p * len + i) * in + q];
                    o[p * in + q] = (float) acc;
                }
            }
        };
    }

    /** For each element of {@code to}, the element of a tensor of shape {@code from} broadcast to it. */
    private static int[] indexMap(int[] from, int[] to) {
        int n = StepOps.numel(to);
        int[] map = new int[n];
        int off = to.length - from.length;
        int[] idx = new int[to.length];
        for (int i = 0; i < n; i++) {
            int src = 0;
            for (int d = 0; d < from.length; d++) src = src * from[d] + (from[d] == 1 ? 0 : idx[d + off]);
            map[i] = src;
            for (int d = to.length - 1; d >= 0; d--) {
                if (++idx[d] < to[d]) break;
                idx[d] = 0;
            }
        }
        return map;
    }

    private static Op copy(int from, int to, int n) {
        return f -> System.arraycopy(f.slot[from], 0, f.slot[to], 0, n);
    }

    static int numel(int[] s) { return StepOps.numel(s); }

    private CpuEngineException refuse(String why) {
        return new CpuEngineException("the cpu engine cannot run recurrence " + name + " in " + where + ": " + why);
    }
}
