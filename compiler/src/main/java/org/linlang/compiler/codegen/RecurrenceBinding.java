package org.linlang.compiler.codegen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.RecurrenceCall;
import org.linlang.compiler.ir.Scalars;
import org.linlang.compiler.recurrence.ExprPrinter;
import org.linlang.compiler.recurrence.RecurrenceForm;
import org.linlang.compiler.recurrence.RecurrenceForm.Kind;
import org.linlang.compiler.recurrence.RecurrenceForm.StateForm;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * Which inputs of a recurrence node are the query, key, value, log-decay and beta of a
 * {@link RecurrenceKernels} family, read from the classified {@link RecurrenceForm} (never from
 * the recurrence's name), with the same rules as the cpu engine's plan: each piece is one of the
 * step's inputs or elementwise arithmetic of them ({@link RecurrencePieces}, computed inside the
 * kernel), the query may carry one host scale ({@code scale * q}).
 *
 * @param spec   the kernel family, sizes and types
 * @param roles  kernel buffer ({@code q k v g beta}, {@code in_NAME}) to the node's input
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
                    + "); the fast GPU kernels cover the diagonal and delta classes (GenericStepKernel runs the others)");
        }
        if (form.states().size() != 1) throw new CodegenException("recurrence " + n + " has several states; the GPU kernels take one");
        StateForm s = form.states().getFirst();
        if (!form.output().chunkable() || !form.output().afterUpdate() || form.output().query() == null) {
            throw new CodegenException("recurrence " + n + "'s output is not one read-out q @ S_t of the updated state");
        }
        Expr q = form.output().query();
        double scale = 1.0;
        // a leading host number is the scale; what it multiplies is the query piece
        if (q instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL && b.left() instanceof Expr.Name l
                && !rc.inputNames().contains(l.name()) && rc.hostArgs().get(l.name()) != null) {
            scale = Scalars.number(rc.hostArgs().get(l.name()));
            q = b.right();
        }
        // A decay after the write is reported by the classifier with the decay on the written value,
        // so both orders run as decay-then-write (as on the cpu engine).
        var pieces = new LinkedHashMap<String, Expr>();
        pieces.put("q", q);
        RecurrenceSpec.Gate gate = RecurrenceSpec.Gate.NONE;
        if (s.decay() != null) gate = s.decay().perChannel() ? RecurrenceSpec.Gate.CHANNEL : RecurrenceSpec.Gate.HEAD;
        boolean delta = form.kind() == Kind.DELTA;
        if (delta) {
            if (s.delta() == null) throw new CodegenException("recurrence " + n + " has no delta step");
            pieces.put("k", s.delta().key());
            pieces.put("v", s.delta().value());
        } else {
            if (s.writes().size() != 1) throw new CodegenException("recurrence " + n + " writes " + s.writes().size() + " outer products; the kernels take one");
            if (s.writes().getFirst().value() == null) throw new CodegenException("recurrence " + n + "'s state is a vector; the GPU kernels take a matrix state");
            pieces.put("k", s.writes().getFirst().key());
            pieces.put("v", s.writes().getFirst().value());
        }
        if (s.decay() != null) pieces.put("g", s.decay().logDecay());
        if (delta) pieces.put("beta", s.delta().beta());

        // the step inputs the pieces read: a piece that is one input names its buffer after its role
        var buffers = new LinkedHashMap<String, String>();
        var direct = new LinkedHashMap<String, String>();
        var exprs = new LinkedHashMap<String, Expr>();
        for (var e : pieces.entrySet()) {
            if (e.getValue() instanceof Expr.Name nm && rc.inputNames().contains(nm.name())) {
                buffers.putIfAbsent(nm.name(), e.getKey());
                direct.put(e.getKey(), nm.name());
            } else exprs.put(e.getKey(), e.getValue());
        }
        for (var e : exprs.entrySet()) {
            for (String name : RecurrencePieces.names(e.getValue())) {
                if (rc.inputNames().contains(name)) buffers.putIfAbsent(name, "in_" + name);
            }
        }
        List<Dim> lead = node.type().dims().subList(0, node.type().rank() - 1);
        var roles = new LinkedHashMap<String, Node>();
        var inputs = new LinkedHashMap<String, RecurrencePieces.Input>();
        DType in = null, gates = null;
        for (var e : buffers.entrySet()) {
            int i = rc.inputNames().indexOf(e.getKey());
            if (i < 0 || i >= rc.stepInputs()) throw new CodegenException("recurrence " + n + ": " + e.getKey() + " is not a tensor input");
            Node x = node.input(i);
            DType d = x.type().dtype();
            if (d != DType.F32 && d != DType.BF16) throw new CodegenException("recurrence " + n + ": input " + e.getKey() + " is " + d.lin() + "; the GPU kernels take f32 or bf16");
            int width;
            if (x.type().rank() == lead.size()) width = 1;
            else if (x.type().rank() == lead.size() + 1 && x.type().dims().getLast().isConstant()) width = (int) x.type().dims().getLast().constant();
            else throw new CodegenException("recurrence " + n + ": input " + e.getKey() + " is " + x.type() + "; the GPU kernels take per-step scalars and vectors of known size");
            roles.put(e.getValue(), x);
            inputs.put(e.getKey(), new RecurrencePieces.Input(e.getValue(), d, width));
            boolean gatePiece = e.getValue().equals("g") || e.getValue().equals("beta");
            if (gatePiece && gates == null) gates = d;
            if (!gatePiece && in == null) in = d;
        }
        int kw = width(n, "key", pieces.get("k"), inputs), vw = width(n, "value", pieces.get("v"), inputs);
        if (kw < 1 || vw < 1) throw new CodegenException("recurrence " + n + ": K and V must be known sizes (the key and value read no vector input)");
        checkWidth(n, "query", pieces.get("q"), inputs, kw);
        checkWidth(n, "key", pieces.get("k"), inputs, kw);
        checkWidth(n, "value", pieces.get("v"), inputs, vw);
        if (pieces.containsKey("g")) checkWidth(n, "log-decay", pieces.get("g"), inputs, gate == RecurrenceSpec.Gate.CHANNEL ? kw : 1);
        if (pieces.containsKey("beta")) checkWidth(n, "beta", pieces.get("beta"), inputs, 1);
        Node state = rc.stateInputs() > 0 ? node.input(rc.stepInputs()) : null;
        DType out = node.type().dtype();
        var read = new RecurrencePieces(direct, exprs, inputs, rc.hostArgs());
        var spec = new RecurrenceSpec(delta, gate, kw, vw, scale, in == null ? DType.F32 : in, gates == null ? DType.F32 : gates, out,
                state != null, finalState, read);
        return new RecurrenceBinding(spec, roles, state, List.copyOf(lead));
    }

    /**
     * Why a classified form is outside the families {@link RecurrenceKernels} compute (the same
     * rules as the cpu engine's fast kernels), so that the generic step kernel runs it; null when
     * it is inside them.
     */
    public static String outsideFamilies(RecurrenceForm form) {
        if (form.kind() != Kind.DIAGONAL && form.kind() != Kind.DELTA) return "it is " + form.kind().word();
        if (form.states().size() != 1) return "it has several states";
        if (!form.output().chunkable() || !form.output().afterUpdate() || form.output().query() == null) {
            return "its output is not one read-out q @ S_t of the updated state";
        }
        StateForm s = form.states().getFirst();
        if (form.kind() == Kind.DELTA) {
            if (s.delta() == null) return "it has no delta step";
            if (s.decay() != null && s.decay().perChannel()) return "its delta step has a per-channel decay (KDA)";
        } else {
            if (s.writes().size() != 1) return "it writes " + s.writes().size() + " outer products";
            if (s.writes().getFirst().value() == null) return "its state is a vector";
        }
        return null;
    }

    /** The width of a piece: that of the vector inputs it reads (0 when it reads none). */
    private static int width(String recurrence, String piece, Expr e, Map<String, RecurrencePieces.Input> inputs) {
        int w = 0;
        for (String name : RecurrencePieces.names(e)) {
            var in = inputs.get(name);
            if (in != null && in.width() != 1) w = Math.max(w, in.width());
        }
        return w;
    }

    private static void checkWidth(String recurrence, String piece, Expr e, Map<String, RecurrencePieces.Input> inputs, int width) {
        if (width == 1) {
            for (String name : RecurrencePieces.names(e)) {
                var in = inputs.get(name);
                if (in != null && in.width() != 1) {
                    throw new CodegenException("recurrence " + recurrence + "'s " + piece + " `" + ExprPrinter.print(e) + "` reads the vector " + name + "; it must be a per-step scalar");
                }
            }
        } else RecurrencePieces.checkWidths(recurrence, piece, e, inputs, width);
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

}
