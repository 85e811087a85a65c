package org.linlang.compiler.ir;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * The type rule of every op: the result type from the input types and attributes, or an
 * {@link IrException} saying what is inconsistent. The builder types new nodes with it and the
 * verifier re-derives every node's type with it, so there is one rule per op.
 */
public final class OpRules {
    private OpRules() {}

    private static final Dim ONE = Dim.of(1);

    /**
     * The type of a node. {@code declared} is the type the node states for itself: required for
     * sources, reshapes, casts' targets, markers and constants, checked against the rule elsewhere.
     */
    public static TensorType infer(Op op, List<TensorType> in, Map<String, Object> a, Object payload, TensorType declared) {
        return switch (op.kind) {
            case SOURCE -> {
                arity(op, in, 0);
                need(declared != null, op.text() + " needs a type");
                if (op == Op.CONSTANT) need(a.get("value") != null, "constant needs a value");
                else need(a.get("name") instanceof String, op.text() + " needs a name");
                yield declared;
            }
            case GENERATOR -> generator(op, in, a, declared);
            case ELEMENTWISE -> elementwise(op, in, a);
            case REDUCE -> reduce(op, in, a);
            case MATMUL -> matmul(in, a);
            case LAYOUT -> layout(op, in, a, declared);
            case GATHER -> gather(op, in, a);
            case RECURRENCE -> recurrence(in, (RecurrenceCall) payload);
            case STATE_OUT -> {
                arity(op, in, 1);
                need(payload instanceof RecurrenceCall, "state_out must read a recurrence");
                RecurrenceCall rc = (RecurrenceCall) payload;
                int s = rc.stateNames().indexOf((String) a.get("state"));
                need(s >= 0, "recurrence " + rc.name() + " has no state " + a.get("state"));
                TensorType o = in.getFirst();
                List<Dim> lead = o.dims().subList(0, o.rank() - rc.outputTail().size());
                yield rc.stateType(s, lead);
            }
            case UNSUPPORTED -> {
                need(declared != null && a.get("reason") instanceof String, "an unsupported marker needs a type and a reason");
                yield declared;
            }
            case CALL -> {
                need(payload != null, "call needs its entry");
                yield null;
            }
        };
    }

    private static TensorType generator(Op op, List<TensorType> in, Map<String, Object> a, TensorType declared) {
        arity(op, in, 0);
        return switch (op) {
            case ARANGE -> new TensorType(DType.I64, List.of(((Dim) a.get("stop")).minus((Dim) a.get("start"))));
            case CAUSAL_MASK -> {
                // rows row_start … row_stop − 1 of the square mask (all of them when not given)
                Dim n = (Dim) a.get("size");
                need(n != null, "causal_mask needs a size");
                Dim from = a.get("row_start") instanceof Dim d ? d : Dim.of(0);
                Dim to = a.get("row_stop") instanceof Dim d ? d : n;
                yield new TensorType(DType.BOOL, List.of(to.minus(from), n));
            }
            case SIZE -> {
                need(a.get("dim") instanceof Dim, "size needs a dim");
                need(declared != null && declared.rank() == 0, "size is a scalar of a stated element type");
                yield declared;
            }
            default -> {
                need(declared != null, "random needs a type");
                yield declared;
            }
        };
    }

    // ---- elementwise --------------------------------------------------------------------------------

    private static TensorType elementwise(Op op, List<TensorType> in, Map<String, Object> a) {
        if (op == Op.WHERE) {
            arity(op, in, 3);
            need(in.get(0).dtype() == DType.BOOL, "the condition of where must be bool, found " + in.get(0));
            List<Dim> s = broadcast(broadcast(in.get(0).dims(), in.get(1).dims()), in.get(2).dims());
            return new TensorType(DType.promote(in.get(1).dtype(), in.get(2).dtype()), s);
        }
        if (op == Op.CAST) {
            arity(op, in, 1);
            DType to = DType.parse((String) a.get("dtype"));
            need(to != null, "cast needs a dtype");
            return in.getFirst().withDtype(to);
        }
        if (op.isUnary()) {
            arity(op, in, 1);
            TensorType x = in.getFirst();
            if (op == Op.NOT) {
                need(x.dtype() == DType.BOOL, "not needs bool, found " + x);
                return x;
            }
            if (op == Op.NEG || op == Op.ABS || op == Op.RELU) {
                need(x.dtype() != DType.BOOL, op.text() + " needs numbers, found " + x);
                return x;
            }
            need(x.dtype() != DType.BOOL, op.text() + " needs numbers, found " + x);
            return x.dtype().isFloat() ? x : x.withDtype(DType.F32);
        }
        arity(op, in, 2);
        TensorType l = in.get(0), r = in.get(1);
        List<Dim> s = broadcast(l.dims(), r.dims());
        if (op == Op.AND || op == Op.OR) {
            need(l.dtype() == DType.BOOL && r.dtype() == DType.BOOL, op.text() + " needs bool operands, found " + l + " and " + r);
            return new TensorType(DType.BOOL, s);
        }
        if (op.isComparison()) return new TensorType(DType.BOOL, s);
        need(l.dtype() != DType.BOOL && r.dtype() != DType.BOOL, op.text() + " needs numbers, found " + l + " and " + r);
        DType dt = DType.promote(l.dtype(), r.dtype());
        if (op == Op.DIV && !dt.isFloat()) dt = DType.F32;
        return new TensorType(dt, s);
    }

    /** numpy broadcasting, aligned on the right: equal sizes, or a literal 1. */
    public static List<Dim> broadcast(List<Dim> a, List<Dim> b) {
        int n = Math.max(a.size(), b.size());
        var out = new ArrayList<Dim>();
        for (int i = n; i >= 1; i--) {
            Dim x = i <= a.size() ? a.get(a.size() - i) : null;
            Dim y = i <= b.size() ? b.get(b.size() - i) : null;
            if (x == null) out.add(y);
            else if (y == null) out.add(x);
            else if (x.equals(y)) out.add(x);
            else if (x.equals(ONE)) out.add(y);
            else if (y.equals(ONE)) out.add(x);
            else throw new IrException("cannot broadcast " + a + " with " + b + ": " + x + " differs from " + y);
        }
        return out;
    }

    // ---- reductions ---------------------------------------------------------------------------------

    private static TensorType reduce(Op op, List<TensorType> in, Map<String, Object> a) {
        arity(op, in, 1);
        TensorType x = in.getFirst();
        need(x.dtype() != DType.BOOL, op.text() + " needs numbers, found " + x);
        if (op == Op.SOFTMAX || op == Op.CUMSUM) {
            axis(a, "axis", x.rank());
            return op == Op.SOFTMAX && !x.dtype().isFloat() ? x.withDtype(DType.F32) : x;
        }
        @SuppressWarnings("unchecked")
        List<Integer> axes = (List<Integer>) a.get("axes");
        need(axes != null, op.text() + " needs axes");
        boolean keep = Boolean.TRUE.equals(a.get("keepdims"));
        var seen = new HashSet<Integer>();
        for (int ax : axes) need(ax >= 0 && ax < x.rank() && seen.add(ax), op.text() + ": axis " + ax + " is not an axis of " + x);
        var dims = new ArrayList<Dim>();
        for (int i = 0; i < x.rank(); i++) {
            if (!axes.contains(i)) dims.add(x.dim(i));
            else if (keep) dims.add(ONE);
        }
        DType dt = op == Op.ARGMAX ? DType.I64 : op == Op.MEAN && !x.dtype().isFloat() ? DType.F32 : x.dtype();
        return new TensorType(dt, dims);
    }

    // ---- matmul -------------------------------------------------------------------------------------

    private static TensorType matmul(List<TensorType> in, Map<String, Object> a) {
        arity(Op.MATMUL, in, 2);
        List<Dim> x = swapped(in.get(0).dims(), Boolean.TRUE.equals(a.get("transpose_a")));
        List<Dim> y = swapped(in.get(1).dims(), Boolean.TRUE.equals(a.get("transpose_b")));
        need(!x.isEmpty() && !y.isEmpty(), "matmul needs operands with dimensions, found " + in.get(0) + " and " + in.get(1));
        DType dt = DType.promote(in.get(0).dtype(), in.get(1).dtype());
        need(dt != DType.BOOL, "matmul needs numbers");
        boolean xv = x.size() == 1, yv = y.size() == 1;
        Dim xk = x.getLast();
        Dim yk = yv ? y.getFirst() : y.get(y.size() - 2);
        need(xk.equals(yk), "matmul: inner dimensions " + xk + " and " + yk + " differ (" + in.get(0) + " @ " + in.get(1) + ")");
        if (xv && yv) return new TensorType(dt, List.of());
        if (yv) return new TensorType(dt, x.subList(0, x.size() - 1));
        if (xv) {
            var d = new ArrayList<>(y.subList(0, y.size() - 2));
            d.add(y.getLast());
            return new TensorType(dt, d);
        }
        var d = new ArrayList<>(broadcast(x.subList(0, x.size() - 2), y.subList(0, y.size() - 2)));
        d.add(x.get(x.size() - 2));
        d.add(y.getLast());
        return new TensorType(dt, d);
    }

    /** The dims with the last two swapped (a transposed operand), or as they are. */
    public static List<Dim> swapped(List<Dim> d, boolean swap) {
        if (!swap) return d;
        need(d.size() >= 2, "a transposed matmul operand needs two dimensions");
        var out = new ArrayList<>(d);
        java.util.Collections.swap(out, out.size() - 1, out.size() - 2);
        return out;
    }

    // ---- layout and gathers -------------------------------------------------------------------------

    private static TensorType layout(Op op, List<TensorType> in, Map<String, Object> a, TensorType declared) {
        arity(op, in, 1);
        TensorType x = in.getFirst();
        if (op == Op.RESHAPE) {
            need(declared != null, "reshape needs a target type");
            need(declared.dtype() == x.dtype(), "reshape keeps the element type: " + x + " as " + declared);
            need(declared.count().equals(x.count()), "reshape must keep the number of elements: " + x + " as " + declared);
            return declared;
        }
        @SuppressWarnings("unchecked")
        List<Integer> perm = (List<Integer>) a.get("perm");
        need(perm != null && perm.size() == x.rank() && new HashSet<>(perm).size() == x.rank()
                && perm.stream().allMatch(p -> p >= 0 && p < x.rank()), "transpose needs a permutation of " + x.rank() + " axes, found " + perm);
        var dims = new ArrayList<Dim>();
        for (int p : perm) dims.add(x.dim(p));
        return x.withDims(dims);
    }

    private static TensorType gather(Op op, List<TensorType> in, Map<String, Object> a) {
        switch (op) {
            case SLICE -> {
                arity(op, in, 1);
                TensorType x = in.getFirst();
                int ax = axis(a, "axis", x.rank());
                Dim start = (Dim) a.get("start"), stop = (Dim) a.get("stop");
                long step = ((Number) a.get("step")).longValue();
                need(step > 0, "slice step must be positive");
                Dim n = stop.minus(start);
                if (step != 1) {
                    need(n.isConstant(), "a strided slice needs constant bounds");
                    n = Dim.of(Math.max(0, (n.constant() + step - 1) / step));
                }
                need(!n.isConstant() || n.constant() >= 0, "slice has negative length");
                var dims = new ArrayList<>(x.dims());
                dims.set(ax, n);
                return x.withDims(dims);
            }
            case SELECT -> {
                arity(op, in, 1);
                TensorType x = in.getFirst();
                int ax = axis(a, "axis", x.rank());
                need(a.get("index") instanceof Dim, "select needs an index");
                var dims = new ArrayList<>(x.dims());
                dims.remove(ax);
                return x.withDims(dims);
            }
            case SHIFT -> {
                arity(op, in, 1);
                axis(a, "axis", in.getFirst().rank());
                need(a.get("by") instanceof Number, "shift needs an amount");
                return in.getFirst();
            }
            case CONCAT, STACK -> {
                need(!in.isEmpty(), op.text() + " needs inputs");
                TensorType f = in.getFirst();
                int rank = f.rank();
                int ax = axis(a, "axis", op == Op.STACK ? rank + 1 : rank);
                Dim total = Dim.of(0);
                DType dt = null;
                for (TensorType t : in) {
                    need(t.rank() == rank, op.text() + " needs inputs of one rank: " + f + " and " + t);
                    for (int k = 0; k < rank; k++) {
                        if (op == Op.CONCAT && k == ax) continue;
                        need(t.dim(k).equals(f.dim(k)), op.text() + " needs equal sizes off the axis: " + f + " and " + t);
                    }
                    if (op == Op.CONCAT) total = total.plus(t.dim(ax));
                    dt = DType.promote(dt, t.dtype());
                }
                var dims = new ArrayList<>(f.dims());
                if (op == Op.STACK) dims.add(ax, Dim.of(in.size())); else dims.set(ax, total);
                return new TensorType(dt, dims);
            }
            case TAKE -> {
                arity(op, in, 2);
                TensorType table = in.get(0), ids = in.get(1);
                need(ids.dtype() == DType.I32 || ids.dtype() == DType.I64, "take needs integer ids, found " + ids);
                need(table.rank() >= 1, "take needs a table with rows");
                var dims = new ArrayList<>(ids.dims());
                dims.addAll(table.dims().subList(1, table.rank()));
                return table.withDims(dims);
            }
            default -> throw new IllegalStateException(op.text());
        }
    }

    // ---- recurrences --------------------------------------------------------------------------------

    private static TensorType recurrence(List<TensorType> in, RecurrenceCall rc) {
        need(rc != null, "recurrence needs its call");
        int steps = rc.stepInputs();
        need(in.size() == steps + rc.stateInputs(), "recurrence " + rc.name() + " takes " + (steps + rc.stateInputs()) + " inputs, has " + in.size());
        need(rc.stateInputs() == 0 || rc.stateInputs() == rc.stateNames().size(), "recurrence " + rc.name() + ": state inputs must cover every state");
        need(steps > 0, "recurrence " + rc.name() + " needs a tensor input");
        TensorType first = in.getFirst();
        int leadRank = first.rank() - rc.inputTails().getFirst().size();
        need(leadRank >= 2, "recurrence " + rc.name() + " needs [batch, time, …] before the step's shape, found " + first);
        List<Dim> lead = first.dims().subList(0, leadRank);
        for (int i = 0; i < steps; i++) {
            var expected = new ArrayList<>(lead);
            expected.addAll(rc.inputTails().get(i));
            need(in.get(i).dims().equals(expected), "recurrence " + rc.name() + ": input " + rc.inputNames().get(i) + " is " + in.get(i)
                    + ", expected " + expected);
        }
        for (int j = 0; j < rc.stateInputs(); j++) {
            TensorType want = rc.stateType(j, lead);
            TensorType got = in.get(steps + j);
            need(got.dims().equals(want.dims()), "recurrence " + rc.name() + ": state " + rc.stateNames().get(j) + " is " + got + ", expected " + want);
        }
        var dims = new ArrayList<>(lead);
        dims.addAll(rc.outputTail());
        return new TensorType(rc.outputDtype() != null ? rc.outputDtype() : first.dtype(), dims);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static int axis(Map<String, Object> a, String key, int rank) {
        Object v = a.get(key);
        need(v instanceof Integer, "needs an " + key);
        int ax = (Integer) v;
        need(ax >= 0 && ax < rank, key + " " + ax + " is out of range for rank " + rank);
        return ax;
    }

    private static void arity(Op op, List<TensorType> in, int n) {
        need(in.size() == n, op.text() + " takes " + n + " input" + (n == 1 ? "" : "s") + ", has " + in.size());
    }

    static void need(boolean ok, String message) {
        if (!ok) throw new IrException(message);
    }
}
