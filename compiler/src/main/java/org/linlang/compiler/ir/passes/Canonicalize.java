package org.linlang.compiler.ir.passes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.GraphBuilder;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.OpRules;
import org.linlang.compiler.ir.Pass;
import org.linlang.compiler.ir.Rewriter;
import org.linlang.compiler.ir.Scalars;
import org.linlang.compiler.ir.TensorType;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * Pass 2: one form for equal computations, so that later passes see fewer, simpler nodes.
 * <ul>
 *   <li>constant folding: an elementwise op on constants is a constant, and so is a size that is
 *       one number (T of a {@code step}, once T is 1);</li>
 *   <li>identities: {@code x + 0}, {@code 0 + x}, {@code x - 0}, {@code x * 1}, {@code 1 * x},
 *       {@code x / 1}, {@code x ** 1}, {@code -(-x)}, a cast to the same type, a shift by 0, a
 *       whole slice, a reduction over axes of size 1 (kept), {@code where} of a constant
 *       condition — each only when the result has the operand's type;</li>
 *   <li>a slice of a causal mask's rows is a causal mask of those rows ({@code row_start}, {@code row_stop});</li>
 *   <li>layout: a reshape of a reshape is one reshape (none when it gives back the shape), a
 *       transpose of a transpose is one permutation (none when it is the identity), and a
 *       transpose of the last two axes of a matmul operand becomes the matmul's
 *       {@code transpose_a}/{@code transpose_b};</li>
 *   <li>common subexpressions: two nodes with the same op, inputs and attributes are one;</li>
 *   <li>dead nodes are dropped.</li>
 * </ul>
 * It repeats until the graph stops shrinking.
 */
public final class Canonicalize implements Pass {
    @Override public String name() { return "canonicalize"; }

    @Override public Graph run(Graph g) {
        Graph cur = g;
        for (int round = 0; round < 8; round++) {
            Graph next = once(cur);
            boolean same = next.nodes().size() == cur.nodes().size();
            cur = next;
            if (same) break;
        }
        return cur;
    }

    private record Key(Op op, List<Integer> inputs, Map<String, Object> attrs, TensorType type) {}

    private static Graph once(Graph g) {
        Map<Key, Node> seen = new HashMap<>();
        return Rewriter.rewrite(g, (n, ins, b) -> {
            Node s = simplify(n, ins, b);
            if (s != null) return s;
            if (!shareable(n)) return null;
            Node c = b.copy(n, ins);
            Key k = new Key(c.op(), c.inputs().stream().map(Node::id).toList(), c.attrs(), c.type());
            Node prev = seen.putIfAbsent(k, c);
            return prev != null ? prev : c;
        });
    }

    private static boolean shareable(Node n) {
        return switch (n.op()) {
            case INPUT, WEIGHT, STATE, RANDOM, RECURRENCE, STATE_OUT, UNSUPPORTED, CALL -> false;
            default -> true;
        };
    }

    /** A simpler node for {@code n} reading {@code ins}, or null. */
    private static Node simplify(Node n, List<Node> ins, GraphBuilder b) {
        Op op = n.op();
        if (op.kind == Op.Kind.ELEMENTWISE && !ins.isEmpty() && ins.stream().allMatch(Canonicalize::isConstant)) {
            Node folded = fold(n, ins, b);
            if (folded != null) return folded;
        }
        TensorType t = n.type();
        switch (op) {
            case ADD -> {
                if (isValue(ins.get(1), 0) && same(ins.get(0), t)) return ins.get(0);
                if (isValue(ins.get(0), 0) && same(ins.get(1), t)) return ins.get(1);
            }
            case SUB -> { if (isValue(ins.get(1), 0) && same(ins.get(0), t)) return ins.get(0); }
            case MUL -> {
                if (isValue(ins.get(1), 1) && same(ins.get(0), t)) return ins.get(0);
                if (isValue(ins.get(0), 1) && same(ins.get(1), t)) return ins.get(1);
            }
            case DIV, POW -> { if (isValue(ins.get(1), 1) && same(ins.get(0), t)) return ins.get(0); }
            case NEG -> { if (ins.getFirst().op() == Op.NEG) return ins.getFirst().input(0); }
            case CAST -> { if (same(ins.getFirst(), t)) return ins.getFirst(); }
            case SHIFT -> { if (((Number) n.attr("by")).longValue() == 0) return ins.getFirst(); }
            case SIZE -> { if (n.dimAttr("dim").isConstant()) return b.size(n.dimAttr("dim"), t.dtype()); }
            case SLICE -> {
                Node x = ins.getFirst();
                int ax = n.intAttr("axis");
                // rows of a causal mask are a causal mask of those rows: decoding builds T rows, not (P + T)²
                if (x.op() == Op.CAUSAL_MASK && ax == 0 && ((Number) n.attr("step")).longValue() == 1) {
                    Dim from = x.attr("row_start") instanceof Dim d ? d : Dim.of(0);
                    return b.add(Op.CAUSAL_MASK, List.of(), GraphBuilder.attrs("size", x.dimAttr("size"), "window", x.attr("window"),
                            "row_start", from.plus(n.dimAttr("start")), "row_stop", from.plus(n.dimAttr("stop"))));
                }
                if (n.dimAttr("start").equals(Dim.of(0)) && n.dimAttr("stop").equals(x.type().dim(ax))
                        && ((Number) n.attr("step")).longValue() == 1) return x;
            }
            case SUM, MEAN, MAX, MIN -> {
                Node x = ins.getFirst();
                if (n.flag("keepdims") && n.intsAttr("axes").stream().allMatch(a -> x.type().dim(a).equals(Dim.of(1))) && same(x, t)) return x;
            }
            case WHERE -> {
                Node c = ins.getFirst();
                if (isConstant(c)) {
                    Node pick = Scalars.truth(c.attr("value")) ? ins.get(1) : ins.get(2);
                    if (same(pick, t)) return pick;
                }
            }
            case RESHAPE -> {
                Node x = ins.getFirst();
                if (x.op() == Op.RESHAPE) x = x.input(0);
                if (same(x, t)) return x;
                if (x != ins.getFirst()) return b.add(Op.RESHAPE, List.of(x), Map.of(), null, t);
            }
            case TRANSPOSE -> {
                Node x = ins.getFirst();
                List<Integer> perm = n.intsAttr("perm");
                if (x.op() == Op.TRANSPOSE) {
                    List<Integer> inner = x.intsAttr("perm");
                    var composed = new ArrayList<Integer>();
                    for (int p : perm) composed.add(inner.get(p));
                    perm = composed;
                    x = x.input(0);
                }
                if (isIdentity(perm)) return x;
                if (x != ins.getFirst()) return b.add(Op.TRANSPOSE, List.of(x), GraphBuilder.attrs("perm", List.copyOf(perm)));
            }
            case MATMUL -> {
                Node x = ins.get(0), y = ins.get(1);
                boolean ta = n.flag("transpose_a"), tb = n.flag("transpose_b");
                boolean changed = false;
                if (swapsLastTwo(x)) {
                    x = x.input(0);
                    ta = !ta;
                    changed = true;
                }
                if (swapsLastTwo(y)) {
                    y = y.input(0);
                    tb = !tb;
                    changed = true;
                }
                if (changed) return b.add(Op.MATMUL, List.of(x, y), GraphBuilder.attrs("transpose_a", ta ? true : null, "transpose_b", tb ? true : null));
            }
            default -> { }
        }
        return null;
    }

    private static boolean same(Node x, TensorType t) { return x.type().equals(t); }

    private static boolean isConstant(Node n) { return n.op() == Op.CONSTANT; }

    private static boolean isValue(Node n, double v) {
        return isConstant(n) && !(n.attr("value") instanceof Boolean) && Scalars.number(n.attr("value")) == v;
    }

    private static boolean isIdentity(List<Integer> perm) {
        for (int i = 0; i < perm.size(); i++) if (perm.get(i) != i) return false;
        return true;
    }

    /** A transpose that swaps only the last two axes (a matmul can read its operand that way). */
    private static boolean swapsLastTwo(Node n) {
        if (n.op() != Op.TRANSPOSE) return false;
        List<Integer> p = n.intsAttr("perm");
        int r = p.size();
        if (r < 2) return false;
        for (int i = 0; i < r - 2; i++) if (p.get(i) != i) return false;
        return p.get(r - 2) == r - 1 && p.get(r - 1) == r - 2;
    }

    /** An elementwise op of constants, computed. */
    private static Node fold(Node n, List<Node> ins, GraphBuilder b) {
        TensorType t = OpRules.infer(n.op(), ins.stream().map(Node::type).toList(), n.attrs(), null, null);
        Object v;
        if (n.op() == Op.CAST) {
            v = Scalars.as(ins.getFirst().attr("value"), t.dtype());
        } else if (n.op() == Op.WHERE) {
            v = Scalars.truth(ins.get(0).attr("value")) ? ins.get(1).attr("value") : ins.get(2).attr("value");
        } else if (n.op() == Op.NOT) {
            v = !Scalars.truth(ins.getFirst().attr("value"));
        } else if (n.op().isUnary()) {
            Object x = ins.getFirst().attr("value");
            Double r = n.op() == Op.NEG && x instanceof Long l ? null : Scalars.unary(n.op(), Scalars.number(x));
            v = n.op() == Op.NEG && x instanceof Long l ? (Object) (-l) : r;
        } else {
            DType dt = DType.promote(ins.get(0).type().dtype(), ins.get(1).type().dtype());
            v = Scalars.binary(n.op(), ins.get(0).attr("value"), ins.get(1).attr("value"), n.op() == Op.DIV && !dt.isFloat() ? DType.F32 : dt);
        }
        if (v == null) return null;
        var attrs = new LinkedHashMap<String, Object>();
        attrs.put("value", Scalars.as(v, t.dtype()));
        return b.add(Op.CONSTANT, List.of(), attrs, null, t);
    }
}
