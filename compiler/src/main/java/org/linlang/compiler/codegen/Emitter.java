package org.linlang.compiler.codegen;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.OpRules;
import org.linlang.compiler.ir.Scalars;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * Writes the C statements that compute one value of the graph at one index, from the values that
 * are in memory (the {@code buffers}: other kernels' results, inputs, weights, states). Every other
 * node reachable from the value is computed in place: elementwise ops with numpy broadcasting,
 * reductions, softmax, cumsum and matrix products as loops, layouts and gathers as index
 * arithmetic (guarded where a gather may fall outside its input). A value needed twice at the same
 * index is computed once per scope.
 */
final class Emitter {
    private record Key(Node node, List<String> index) {}

    private final Set<Node> buffers;
    private final Map<Node, String> bufferNames = new LinkedHashMap<>();
    private final SizeNames sizes;
    private final StringBuilder out = new StringBuilder();
    private final Deque<Map<Key, String>> scopes = new ArrayDeque<>();
    private final Map<Node, String> rowValues = new IdentityHashMap<>();
    private int indent = 1;
    private int next;

    Emitter(Set<Node> buffers, SizeNames sizes) {
        this.buffers = buffers;
        this.sizes = sizes;
        scopes.push(new HashMap<>());
    }

    /** The buffers read so far, with their parameter names. */
    Map<Node, String> reads() { return bufferNames; }

    /** The body; the declaration of a decoded index no expression read (a broadcast axis) is left out, as nvcc warns of it. */
    String text() {
        String t = out.toString();
        for (String v : decoded) {
            var uses = java.util.regex.Pattern.compile("\\b" + v + "\\b").matcher(t);
            int n = 0;
            while (uses.find()) n++;
            if (n == 1) t = t.replaceFirst("(?m)^ *i64 " + v + " = [^;\n]*;\n", "");
        }
        return t;
    }

    /** The index variables {@link #decode} declared. */
    private final List<String> decoded = new java.util.ArrayList<>();

    SizeNames sizes() { return sizes; }

    void line(String s) { out.append("    ".repeat(indent)).append(s).append('\n'); }

    /** A new variable name; never one of the prelude's type names ({@code i32}, {@code u8}, …). */
    String fresh(String prefix) {
        String v;
        do v = prefix + next++; while (v.matches("[iu](8|16|32|64)"));
        return v;
    }

    /** The parameter name of a buffer. */
    String bufferName(Node n) {
        return bufferNames.computeIfAbsent(n, k -> "b" + bufferNames.size());
    }

    /** Declares {@code idx} variables for the element {@code linear} of a value of dims {@code dims}. */
    List<String> decode(List<Dim> dims, String linear) {
        var idx = new String[dims.size()];
        String rest = fresh("r");
        line("i64 " + rest + " = " + linear + ";");
        for (int a = dims.size() - 1; a >= 0; a--) {
            String v = fresh("i");
            String d = sizes.c(dims.get(a));
            if (a == 0) line("i64 " + v + " = " + rest + ";");
            else {
                line("i64 " + v + " = " + rest + " % " + d + ";");
                line(rest + " = " + rest + " / " + d + ";");
            }
            idx[a] = v;
            decoded.add(v);
        }
        return List.of(idx);
    }

    /** The row-major offset of an index into a contiguous value of dims {@code dims}. */
    String offset(List<Dim> dims, List<String> idx) {
        if (dims.isEmpty()) return "0";
        String s = idx.getFirst();
        for (int a = 1; a < dims.size(); a++) s = "(" + s + ") * " + sizes.c(dims.get(a)) + " + " + idx.get(a);
        return s;
    }

    /** A C expression for the value of {@code n} at {@code idx} (one index expression per axis). */
    String value(Node n, List<String> idx) {
        if (n.type().rank() != idx.size()) throw new IllegalStateException("index of rank " + idx.size() + " for " + n);
        Key key = new Key(n, idx);
        for (Map<Key, String> s : scopes) {
            String v = s.get(key);
            if (v != null) return v;
        }
        String v = compute(n, idx);
        scopes.peek().put(key, v);
        return v;
    }

    private String declare(Node n, String expr) {
        String v = fresh("v");
        line(CTypes.register(n.type().dtype()) + " " + v + " = " + expr + ";");
        return v;
    }

    /** From now on {@code n} is the variable {@code v} at every index: a row value computed once per work-group. */
    void rowValue(Node n, String v) { rowValues.put(n, v); }

    /** Opens a block (a loop or a branch) with its own scope of computed values. */
    void openBlock(String header) {
        line(header);
        indent++;
        scopes.push(new HashMap<>());
    }

    void closeBlock() {
        scopes.pop();
        indent--;
        line("}");
    }

    /** A softmax whose row max and sum are the variables {@code max} and {@code sum}: computed per element from them. */
    void softmaxRow(Node softmax, String max, String sum) { softmaxRows.put(softmax, new String[] {max, sum}); }

    private final Map<Node, String[]> softmaxRows = new IdentityHashMap<>();

    private String compute(Node n, List<String> idx) {
        String[] sm = softmaxRows.get(n);
        if (sm != null) return declare(n, "EXPF((float)" + value(n.input(0), idx) + " - " + sm[0] + ") / " + sm[1]);
        String row = rowValues.get(n);
        if (row != null) return row;
        if (buffers.contains(n)) {
            return declare(n, CTypes.load(n.type().dtype(), bufferName(n), offset(n.type().dims(), idx)));
        }
        DType dt = n.type().dtype();
        return switch (n.op().kind) {
            case SOURCE -> {
                if (n.op() != Op.CONSTANT) throw new CodegenException(n.op().text() + " " + n.name() + " is read by a kernel but not given as a buffer");
                yield literal(n.attr("value"), dt);
            }
            case GENERATOR -> generator(n, idx);
            case ELEMENTWISE -> elementwise(n, idx);
            case REDUCE -> n.op() == Op.SOFTMAX ? softmax(n, idx) : n.op() == Op.CUMSUM ? cumsum(n, idx) : reduce(n, idx);
            case MATMUL -> matmul(n, idx);
            case LAYOUT -> layout(n, idx);
            case GATHER -> gather(n, idx);
            default -> throw new CodegenException(n.op().text() + " cannot be computed inside an elementwise kernel");
        };
    }

    static String literal(Object v, DType dt) {
        if (v instanceof Boolean b) return dt == DType.BOOL ? (b ? "1" : "0") : b ? CTypes.floatLiteral(1) : CTypes.floatLiteral(0);
        double d = Scalars.number(v);
        return switch (dt) {
            case BOOL -> d != 0 ? "1" : "0";
            case I32, I64 -> "((i64)" + (long) d + ")";
            default -> CTypes.floatLiteral(d);
        };
    }

    private String generator(Node n, List<String> idx) {
        return switch (n.op()) {
            case ARANGE -> "(" + sizes.c(n.dimAttr("start")) + " + " + idx.getFirst() + ")";
            // a size's value (P + T): the sizes are the kernel's i64 size arguments already
            case SIZE -> "((" + CTypes.register(n.type().dtype()) + ")" + sizes.c(n.dimAttr("dim")) + ")";
            case CAUSAL_MASK -> {
                Object w = n.attr("window");
                String i = n.attr("row_start") instanceof Dim from ? "(" + idx.get(0) + " + " + sizes.c(from) + ")" : idx.get(0), j = idx.get(1);
                String c = "(" + j + " <= " + i;
                if (w instanceof Number wn && wn.longValue() > 0) c += " && " + i + " - " + j + " < (i64)" + wn.longValue();
                yield declare(n, c + ")");
            }
            default -> throw new CodegenException("random numbers are not generated on the GPU yet (" + n.op().text() + ")");
        };
    }

    /** The index of a broadcast operand for an index of the result (numpy: right-aligned, sizes 1 stretch). */
    List<String> broadcastIndex(Node operand, List<Dim> outDims, List<String> idx) {
        List<Dim> d = operand.type().dims();
        int shift = outDims.size() - d.size();
        var r = new ArrayList<String>();
        for (int a = 0; a < d.size(); a++) {
            boolean stretched = d.get(a).equals(Dim.of(1)) && !outDims.get(a + shift).equals(Dim.of(1));
            r.add(stretched ? "0" : idx.get(a + shift));
        }
        return r;
    }

    private String elementwise(Node n, List<String> idx) {
        List<Dim> od = n.type().dims();
        var args = new ArrayList<String>();
        for (Node in : n.inputs()) args.add(value(in, broadcastIndex(in, od, idx)));
        boolean f = n.type().dtype().isFloat();
        String a = args.getFirst(), b = args.size() > 1 ? args.get(1) : null;
        String e = switch (n.op()) {
            case NEG -> "(-" + a + ")";
            case NOT -> "(!" + a + ")";
            case EXP -> "EXPF(" + fl(a) + ")";
            case LOG -> "LOGF(" + fl(a) + ")";
            case SQRT -> "SQRTF(" + fl(a) + ")";
            case RSQRT -> "RSQRTF(" + fl(a) + ")";
            case TANH -> "TANHF(" + fl(a) + ")";
            case SIGMOID -> "lin_sigmoid(" + fl(a) + ")";
            case SILU -> "lin_silu(" + fl(a) + ")";
            case SOFTPLUS -> "lin_softplus(" + fl(a) + ")";
            case GELU -> "lin_gelu(" + fl(a) + ")";
            case RELU -> f ? "lin_relu(" + a + ")" : "(" + a + " > 0 ? " + a + " : (i64)0)";
            case ABS -> f ? "FABSF(" + a + ")" : "(" + a + " < 0 ? -" + a + " : " + a + ")";
            case ELU -> "lin_elu(" + fl(a) + ")";
            case SIN -> "SINF(" + fl(a) + ")";
            case COS -> "COSF(" + fl(a) + ")";
            case CAST -> cast(a, n.input(0).type().dtype(), n.type().dtype());
            case ADD -> "(" + a + " + " + b + ")";
            case SUB -> "(" + a + " - " + b + ")";
            case MUL -> "(" + a + " * " + b + ")";
            case DIV -> f ? "(" + fl(a) + " / " + fl(b) + ")" : "(" + a + " / " + b + ")";
            case MOD -> f ? "(" + a + " - " + b + " * floor(" + fl(a) + " / " + fl(b) + "))" : "(((" + a + " % " + b + ") + " + b + ") % " + b + ")";
            case POW -> "POWF(" + fl(a) + ", " + fl(b) + ")";
            case MAXIMUM -> f ? "FMAXF(" + fl(a) + ", " + fl(b) + ")" : "(" + a + " > " + b + " ? " + a + " : " + b + ")";
            case MINIMUM -> f ? "FMINF(" + fl(a) + ", " + fl(b) + ")" : "(" + a + " < " + b + " ? " + a + " : " + b + ")";
            case EQ -> "(" + a + " == " + b + ")";
            case NE -> "(" + a + " != " + b + ")";
            case LT -> "(" + a + " < " + b + ")";
            case LE -> "(" + a + " <= " + b + ")";
            case GT -> "(" + a + " > " + b + ")";
            case GE -> "(" + a + " >= " + b + ")";
            case AND -> "(" + a + " && " + b + ")";
            case OR -> "(" + a + " || " + b + ")";
            case WHERE -> "(" + a + " ? " + conv(b, n.input(1).type().dtype(), n.type().dtype()) + " : "
                    + conv(args.get(2), n.input(2).type().dtype(), n.type().dtype()) + ")";
            default -> throw new IllegalStateException(n.op().text());
        };
        return declare(n, e);
    }

    private static String fl(String a) { return "(float)(" + a + ")"; }

    private static String conv(String v, DType from, DType to) {
        if (CTypes.register(from).equals(CTypes.register(to))) return v;
        return "(" + CTypes.register(to) + ")(" + v + ")";
    }

    private static String cast(String a, DType from, DType to) {
        return switch (to) {
            case BF16 -> "bf16_load(bf16_store(" + fl(a) + "))";
            case F16 -> throw new CodegenException("casts to f16 are not supported by the GPU kernels yet");
            case F32 -> fl(a);
            case BOOL -> "(" + a + " != 0)";
            case I32 -> from.isFloat() ? "(i64)(i32)(" + a + ")" : "(i64)(i32)(" + a + ")";
            case I64 -> "(i64)(" + a + ")";
        };
    }

    // ---- loops --------------------------------------------------------------------------------------

    private String open(String var, String bound) {
        line("for (i64 " + var + " = 0; " + var + " < " + bound + "; " + var + "++) {");
        indent++;
        scopes.push(new HashMap<>());
        return var;
    }

    private void close() {
        scopes.pop();
        indent--;
        line("}");
    }

    private String reduce(Node n, List<String> idx) {
        Node in = n.input(0);
        List<Integer> axes = n.intsAttr("axes");
        boolean keep = n.flag("keepdims");
        List<Dim> d = in.type().dims();
        var inIdx = new ArrayList<String>();
        int o = 0;
        String acc = fresh("acc"), best = n.op() == Op.ARGMAX ? fresh("arg") : null;
        String t = CTypes.register(in.type().dtype());
        String init = switch (n.op()) {
            case MAX, ARGMAX -> t.equals("float") ? CTypes.floatLiteral(Double.NEGATIVE_INFINITY) : "(i64)0x8000000000000000";
            case MIN -> t.equals("float") ? CTypes.floatLiteral(Double.POSITIVE_INFINITY) : "(i64)0x7fffffffffffffff";
            default -> t.equals("float") ? CTypes.floatLiteral(0) : "(i64)0";
        };
        line((t.equals("i32") ? "i64" : t) + " " + acc + " = " + init + ";");
        if (best != null) line("i64 " + best + " = 0;");
        String flat = best != null ? fresh("f") : null;
        if (flat != null) line("i64 " + flat + " = 0;");
        int opened = 0;
        for (int a = 0; a < d.size(); a++) {
            if (axes.contains(a)) {
                inIdx.add(open(fresh("k"), sizes.c(d.get(a))));
                opened++;
                if (keep) o++;
            } else {
                inIdx.add(idx.get(o++));
            }
        }
        String x = value(in, inIdx);
        switch (n.op()) {
            case SUM, MEAN -> line(acc + " += " + x + ";");
            case MAX -> line(acc + " = " + x + " > " + acc + " ? " + x + " : " + acc + ";");
            case MIN -> line(acc + " = " + x + " < " + acc + " ? " + x + " : " + acc + ";");
            case ARGMAX -> {
                line("if (" + x + " > " + acc + " || " + flat + " == 0) { " + acc + " = " + x + "; " + best + " = " + flat + "; }");
                line(flat + "++;");
            }
            default -> throw new IllegalStateException(n.op().text());
        }
        for (int i = 0; i < opened; i++) close();
        if (n.op() == Op.MEAN) {
            Dim count = Dim.of(1);
            for (int a : axes) count = count.times(d.get(a));
            return declare(n, "(float)" + acc + " / (float)" + sizes.c(count));
        }
        if (n.op() == Op.ARGMAX) return best;
        return acc;
    }

    private String softmax(Node n, List<String> idx) {
        Node in = n.input(0);
        int ax = n.intAttr("axis");
        String size = sizes.c(in.type().dim(ax));
        String m = fresh("mx"), s = fresh("sm");
        line("float " + m + " = " + CTypes.floatLiteral(Double.NEGATIVE_INFINITY) + ";");
        var j = new ArrayList<>(idx);
        j.set(ax, open(fresh("k"), size));
        String x = value(in, j);
        line(m + " = FMAXF(" + m + ", (float)" + x + ");");
        close();
        line("float " + s + " = " + CTypes.floatLiteral(0) + ";");
        j.set(ax, open(fresh("k"), size));
        x = value(in, j);
        line(s + " += EXPF((float)" + x + " - " + m + ");");
        close();
        String self = value(in, idx);
        return declare(n, "EXPF((float)" + self + " - " + m + ") / " + s);
    }

    private String cumsum(Node n, List<String> idx) {
        Node in = n.input(0);
        int ax = n.intAttr("axis");
        String t = CTypes.register(n.type().dtype());
        String acc = fresh("cs");
        line(t + " " + acc + " = 0;");
        var j = new ArrayList<>(idx);
        j.set(ax, open(fresh("k"), idx.get(ax) + " + 1"));
        line(acc + " += " + value(in, j) + ";");
        close();
        return acc;
    }

    private String matmul(Node n, List<String> idx) {
        Node a = n.input(0), b = n.input(1);
        boolean ta = n.flag("transpose_a"), tb = n.flag("transpose_b");
        List<Dim> x = OpRules.swapped(a.type().dims(), ta), y = OpRules.swapped(b.type().dims(), tb);
        int r = idx.size();
        boolean xv = x.size() == 1, yv = y.size() == 1;
        String m = null, col = null;
        List<String> batch;
        if (xv && yv) batch = List.of();
        else if (yv) { m = idx.get(r - 1); batch = idx.subList(0, r - 1); }
        else if (xv) { col = idx.get(r - 1); batch = idx.subList(0, r - 1); }
        else { m = idx.get(r - 2); col = idx.get(r - 1); batch = idx.subList(0, r - 2); }
        String acc = fresh("dot");
        line("float " + acc + " = " + CTypes.floatLiteral(0) + ";");
        String k = open(fresh("k"), sizes.c(x.getLast()));
        List<String> ai = operandIndex(a, x, batch, xv ? null : m, k, ta, true);
        List<String> bi = operandIndex(b, y, batch, yv ? null : col, k, tb, false);
        line(acc + " += (float)" + value(a, ai) + " * (float)" + value(b, bi) + ";");
        close();
        return acc;
    }

    /**
     * The value of an operand of the matrix product {@code mm} at one element of its logical matrix:
     * the left one at (row, k), the right one at (k, column), for a batch index of the product.
     */
    String operandValue(Node mm, boolean left, List<String> batch, String rowOrCol, String k) {
        Node x = mm.input(left ? 0 : 1);
        boolean t = mm.flag(left ? "transpose_a" : "transpose_b");
        return value(x, operandIndex(x, OpRules.swapped(x.type().dims(), t), batch, rowOrCol, k, t, left));
    }

    /** The index into a matmul operand (in its own layout) for a batch index, its row or column, and k. */
    private static List<String> operandIndex(Node operand, List<Dim> logical, List<String> batch, String rowOrCol, String k,
                                             boolean transposed, boolean left) {
        int rank = logical.size();
        var out = new ArrayList<String>();
        if (rank == 1) return List.of(k);
        int nb = rank - 2;
        for (int a = 0; a < nb; a++) {
            int fromEnd = nb - a;
            String bi = batch.get(batch.size() - fromEnd);
            out.add(logical.get(a).equals(Dim.of(1)) ? "0" : bi);
        }
        // logical (after the swap): left [.., M, K], right [.., K, N]
        String first = left ? rowOrCol : k, second = left ? k : rowOrCol;
        if (transposed) { out.add(second); out.add(first); } else { out.add(first); out.add(second); }
        return out;
    }

    private String layout(Node n, List<String> idx) {
        Node in = n.input(0);
        if (n.op() == Op.RESHAPE) {
            if (in.type().dims().equals(n.type().dims())) return value(in, idx);
            String lin = fresh("l");
            line("i64 " + lin + " = " + offset(n.type().dims(), idx) + ";");
            return value(in, decode(in.type().dims(), lin));
        }
        List<Integer> perm = n.intsAttr("perm");
        var j = new String[perm.size()];
        for (int i = 0; i < perm.size(); i++) j[perm.get(i)] = idx.get(i);
        return value(in, List.of(j));
    }

    private String gather(Node n, List<String> idx) {
        switch (n.op()) {
            case SLICE -> {
                int ax = n.intAttr("axis");
                long step = ((Number) n.attr("step")).longValue();
                var j = new ArrayList<>(idx);
                j.set(ax, "(" + sizes.c(n.dimAttr("start")) + " + " + idx.get(ax) + (step == 1 ? "" : " * (i64)" + step) + ")");
                return value(n.input(0), j);
            }
            case SELECT -> {
                int ax = n.intAttr("axis");
                Dim index = n.dimAttr("index");
                Dim size = n.input(0).type().dim(ax);
                if (index.isConstant() && index.constant() < 0) index = size.plus(index);
                var j = new ArrayList<>(idx);
                j.add(ax, sizes.c(index));
                return value(n.input(0), j);
            }
            case SHIFT -> {
                int ax = n.intAttr("axis");
                long by = ((Number) n.attr("by")).longValue();
                String src = fresh("s");
                line("i64 " + src + " = " + idx.get(ax) + " - (i64)" + by + ";");
                String v = fresh("v");
                line(CTypes.register(n.type().dtype()) + " " + v + " = 0;");
                line("if (" + src + " >= 0 && " + src + " < " + sizes.c(n.type().dim(ax)) + ") {");
                guarded(() -> {
                    var j = new ArrayList<>(idx);
                    j.set(ax, src);
                    line(v + " = " + value(n.input(0), j) + ";");
                });
                line("}");
                return v;
            }
            case CONCAT -> {
                int ax = n.intAttr("axis");
                String v = fresh("v");
                line(CTypes.register(n.type().dtype()) + " " + v + " = 0;");
                Dim start = Dim.of(0);
                for (int i = 0; i < n.inputs().size(); i++) {
                    Node in = n.input(i);
                    Dim end = start.plus(in.type().dim(ax));
                    String lo = sizes.c(start);
                    line((i == 0 ? "if (" : "} else if (") + idx.get(ax) + " < " + sizes.c(end) + ") {");
                    guarded(() -> {
                        var j = new ArrayList<>(idx);
                        j.set(ax, "(" + idx.get(ax) + " - " + lo + ")");
                        line(v + " = " + conv(value(in, j), in.type().dtype(), n.type().dtype()) + ";");
                    });
                    start = end;
                }
                line("}");
                return v;
            }
            case STACK -> {
                int ax = n.intAttr("axis");
                String v = fresh("v");
                line(CTypes.register(n.type().dtype()) + " " + v + " = 0;");
                for (int i = 0; i < n.inputs().size(); i++) {
                    Node in = n.input(i);
                    line((i == 0 ? "if (" : "} else if (") + idx.get(ax) + " == " + i + ") {");
                    guarded(() -> {
                        var j = new ArrayList<>(idx);
                        j.remove(ax);
                        line(v + " = " + conv(value(in, j), in.type().dtype(), n.type().dtype()) + ";");
                    });
                }
                line("}");
                return v;
            }
            case TAKE -> {
                Node table = n.input(0), ids = n.input(1);
                int ir = ids.type().rank();
                String row = value(ids, idx.subList(0, ir));
                var j = new ArrayList<String>();
                j.add(row);
                j.addAll(idx.subList(ir, idx.size()));
                return value(table, j);
            }
            default -> throw new IllegalStateException(n.op().text());
        }
    }

    private void guarded(Runnable body) {
        indent++;
        scopes.push(new HashMap<>());
        body.run();
        scopes.pop();
        indent--;
    }
}
