package org.linlang.compiler.codegen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.RecurrenceCall;
import org.linlang.compiler.ir.Scalars;
import org.linlang.compiler.recurrence.RecurrenceForm;
import org.linlang.compiler.recurrence.RecurrenceForm.Kind;
import org.linlang.compiler.recurrence.RecurrenceForm.StateForm;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * Which inputs of a recurrence node are the query, key, value, log-decay and beta of a
 * {@link RecurrenceKernels} family, read from the classified {@link RecurrenceForm} (never from
 * the recurrence's name), with the same rules as the cpu engine's plan: each piece must be one of
 * the step's inputs (the query may carry one scalar parameter, {@code scale * q}), the decay given
 * in log space and applied before the write.
 *
 * @param spec   the kernel family, sizes and types
 * @param roles  role ({@code q k v g beta}) to the node's input
 * @param state  the initial state input, or null
 * @param lead   the leading dimensions [B, T, H…]
 */
public record RecurrenceBinding(RecurrenceSpec spec, Map<String, Node> roles, Node state, List<Dim> lead) {

    /** The binding of a classified recurrence node, or a {@link CodegenException} saying why it has no GPU kernel. */
    public static RecurrenceBinding of(Node node, boolean finalState) {
        RecurrenceCall rc = node.recurrence();
        RecurrenceForm form = rc.form();
        String n = rc.name();
        if (form == null) throw new CodegenException("recurrence " + n + " is not classified");
        if (form.kind() != Kind.DIAGONAL && form.kind() != Kind.DELTA) {
            throw new CodegenException("recurrence " + n + " is " + form.kind().word() + " (" + form.reason()
                    + "); the GPU kernels cover the diagonal and delta classes so far");
        }
        if (form.states().size() != 1) throw new CodegenException("recurrence " + n + " has several states; the GPU kernels take one");
        StateForm s = form.states().getFirst();
        if (!form.output().chunkable() || !form.output().afterUpdate() || form.output().query() == null) {
            throw new CodegenException("recurrence " + n + "'s output is not one read-out q @ S_t of the updated state");
        }
        Expr q = form.output().query();
        String query;
        String scaleName = null;
        if (q instanceof Expr.Name qn) query = qn.name();
        else if (q instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL && b.left() instanceof Expr.Name l && b.right() instanceof Expr.Name r) {
            scaleName = l.name();
            query = r.name();
        } else throw unsupported(n, "query", q);
        if (s.decay() != null && s.order() != RecurrenceForm.Order.BEFORE) {
            throw new CodegenException("recurrence " + n + " decays after its write; the GPU kernels decay first");
        }
        var names = new LinkedHashMap<String, String>();
        names.put("q", query);
        RecurrenceSpec.Gate gate = RecurrenceSpec.Gate.NONE;
        if (s.decay() != null) {
            if (s.decay().space() != RecurrenceForm.Space.LOG) throw unsupported(n, "decay", s.decay().factor());
            gate = s.decay().perChannel() ? RecurrenceSpec.Gate.CHANNEL : RecurrenceSpec.Gate.HEAD;
        }
        boolean delta = form.kind() == Kind.DELTA;
        if (delta) {
            if (s.delta() == null) throw new CodegenException("recurrence " + n + " has no delta step");
            names.put("k", nameOf(n, "key", s.delta().key()));
            names.put("v", nameOf(n, "value", s.delta().value()));
        } else {
            if (s.writes().size() != 1) throw new CodegenException("recurrence " + n + " writes " + s.writes().size() + " outer products; the kernels take one");
            names.put("k", nameOf(n, "key", s.writes().getFirst().key()));
            names.put("v", nameOf(n, "value", s.writes().getFirst().value()));
        }
        if (s.decay() != null) names.put("g", nameOf(n, "log-decay", s.decay().logDecay()));
        if (delta) names.put("beta", nameOf(n, "beta", s.delta().beta()));

        var roles = new LinkedHashMap<String, Node>();
        DType in = null, gates = null;
        for (var e : names.entrySet()) {
            boolean gatePiece = e.getKey().equals("g") || e.getKey().equals("beta");
            int i = rc.inputNames().indexOf(e.getValue());
            if (i < 0 || i >= rc.stepInputs()) throw new CodegenException("recurrence " + n + ": " + e.getValue() + " is not a tensor input");
            Node x = node.input(i);
            roles.put(e.getKey(), x);
            DType d = x.type().dtype();
            if (d != DType.F32 && d != DType.BF16) throw new CodegenException("recurrence " + n + ": input " + e.getValue() + " is " + d.lin() + "; the GPU kernels take f32 or bf16");
            DType seen = gatePiece ? gates : in;
            if (seen != null && seen != d) {
                throw new CodegenException("recurrence " + n + " mixes " + seen.lin() + " and " + d.lin() + (gatePiece ? " gates" : " inputs"));
            }
            if (gatePiece) gates = d;
            else in = d;
        }
        double scale = 1.0;
        if (scaleName != null) {
            Object v = rc.hostArgs().get(scaleName);
            if (v == null) throw unsupported(n, "query scale", q);
            scale = Scalars.number(v);
        }
        Node qn = roles.get("q"), vn = roles.get("v");
        List<Dim> lead = qn.type().dims().subList(0, qn.type().rank() - 1);
        Dim kd = qn.type().dims().getLast(), vd = vn.type().dims().getLast();
        if (!kd.isConstant() || !vd.isConstant()) throw new CodegenException("recurrence " + n + ": K and V must be known sizes, found " + kd + " and " + vd);
        Node state = rc.stateInputs() > 0 ? node.input(rc.stepInputs()) : null;
        DType out = node.type().dtype();
        var spec = new RecurrenceSpec(delta, gate, (int) kd.constant(), (int) vd.constant(), scale, in, gates == null ? DType.F32 : gates, out,
                state != null, finalState);
        return new RecurrenceBinding(spec, roles, state, List.copyOf(lead));
    }

    /** B·H (the leading dimensions without time). */
    public Dim batchHeads() {
        Dim d = lead.getFirst();
        for (int i = 2; i < lead.size(); i++) d = d.times(lead.get(i));
        return d;
    }

    /** H: the product of the head dimensions. */
    public Dim heads() {
        Dim d = Dim.of(1);
        for (int i = 2; i < lead.size(); i++) d = d.times(lead.get(i));
        return d;
    }

    private static String nameOf(String recurrence, String piece, Expr e) {
        if (e instanceof Expr.Name name) return name.name();
        throw unsupported(recurrence, piece, e);
    }

    private static CodegenException unsupported(String recurrence, String piece, Expr e) {
        return new CodegenException("recurrence " + recurrence + "'s " + piece + " is the expression `" + e.span().text()
                + "`, not one of its inputs; the GPU kernels do not fuse such prologues yet");
    }
}
