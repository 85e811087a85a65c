package org.linlang.compiler.codegen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.recurrence.ExprPrinter;
import org.linlang.compiler.types.DType;

/**
 * The pieces of a recurrence kernel (query, key, value, log-decay, beta) as C expressions of its
 * input buffers. A piece is usually one input ({@code k}), but it may be elementwise arithmetic of
 * the step's inputs ({@code 1.0 - exp(gk)} in HGRN2, {@code beta * k}, a feature map on q,
 * {@code log(sigmoid(f))}): the kernel then computes it where it loads the piece, the GPU form of
 * the cpu engine's prologue hoisting, with no extra kernel or buffer.
 *
 * <p>Each input is read in its own layout {@code [B, T, H, width]} (width 1 for a per-step scalar):
 * within a piece of width w an input of width w is read at the piece's element, one of width 1 at
 * the step's row (it broadcasts as it does inside the step).
 *
 * @param direct role ({@code q k v g beta}) to the input it is, for a piece that is one input
 * @param exprs  role to its expression over input names and host numbers, for the other pieces
 * @param inputs input name to its kernel buffer
 * @param host   numbers known before running ({@code scale}), written as literals
 */
public record RecurrencePieces(Map<String, String> direct, Map<String, Expr> exprs, Map<String, Input> inputs, Map<String, Object> host) {

    /** One input buffer: its parameter name, element type and width (1 for a per-step scalar). */
    public record Input(String buffer, DType dtype, int width) {}

    public RecurrencePieces {
        direct = Map.copyOf(direct);
        exprs = Map.copyOf(exprs);
        inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        host = Map.copyOf(host);
    }

    /** The plain pieces: each role one buffer named after it ({@code q k v g beta}). */
    static RecurrencePieces plain(boolean delta, RecurrenceSpec.Gate gate, int k, int v, DType in, DType gates) {
        var inputs = new LinkedHashMap<String, Input>();
        inputs.put("q", new Input("q", in, k));
        inputs.put("k", new Input("k", in, k));
        inputs.put("v", new Input("v", in, v));
        if (gate != RecurrenceSpec.Gate.NONE) inputs.put("g", new Input("g", gates, gate == RecurrenceSpec.Gate.CHANNEL ? k : 1));
        if (delta) inputs.put("beta", new Input("beta", gates, 1));
        var direct = new LinkedHashMap<String, String>();
        for (String role : inputs.keySet()) direct.put(role, role);
        return new RecurrencePieces(direct, Map.of(), inputs, Map.of());
    }

    /**
     * The C expression (f32) of a piece at step row {@code row} and element {@code index} (null for
     * a per-step scalar piece).
     */
    String load(String role, String row, String index) {
        String name = direct.get(role);
        if (name != null) return read(inputs.get(name), row, index);
        Expr e = exprs.get(role);
        if (e == null) throw new CodegenException("the recurrence kernel has no " + role + " piece");
        return emit(e, row, index, role);
    }

    private String read(Input in, String row, String index) {
        if (in.width() != 1 && index == null) throw new CodegenException("input " + in.buffer() + " is a vector where the kernel reads a per-step scalar");
        String off = in.width() == 1 ? row : "(" + row + ") * " + in.width() + " + " + index;
        return CTypes.load(in.dtype(), in.buffer(), off);
    }

    private String emit(Expr e, String row, String index, String role) {
        return switch (e) {
            case Expr.Name n -> {
                Input in = inputs.get(n.name());
                if (in != null) yield read(in, row, index);
                Object h = host.get(n.name());
                if (h instanceof Number num) yield CTypes.floatLiteral(num.doubleValue());
                throw refuse(e, role, n.name() + " is neither an input nor a number known before running");
            }
            case Expr.FloatLit f -> CTypes.floatLiteral(f.value());
            case Expr.IntLit i -> CTypes.floatLiteral(i.value());
            case Expr.Unary u when u.op() == Expr.UnaryOp.NEG -> "(-" + emit(u.operand(), row, index, role) + ")";
            case Expr.Binary b -> {
                String x = emit(b.left(), row, index, role), y = emit(b.right(), row, index, role);
                yield switch (b.op()) {
                    case ADD -> "(" + x + " + " + y + ")";
                    case SUB -> "(" + x + " - " + y + ")";
                    case MUL -> "(" + x + " * " + y + ")";
                    case DIV -> "(" + x + " / " + y + ")";
                    case POW -> "POWF(" + x + ", " + y + ")";
                    default -> throw refuse(e, role, "operator " + b.op().symbol + " is not elementwise arithmetic");
                };
            }
            case Expr.Call c when c.callee() instanceof Expr.Name f && c.args().size() == 1 && c.args().getFirst().name() == null -> {
                String x = emit(c.args().getFirst().value(), row, index, role);
                yield switch (f.name()) {
                    case "exp" -> "EXPF(" + x + ")";
                    case "log" -> "LOGF(" + x + ")";
                    case "sqrt" -> "SQRTF(" + x + ")";
                    case "rsqrt" -> "RSQRTF(" + x + ")";
                    case "tanh" -> "TANHF(" + x + ")";
                    case "abs" -> "FABSF(" + x + ")";
                    case "sigmoid" -> "lin_sigmoid(" + x + ")";
                    case "silu" -> "lin_silu(" + x + ")";
                    case "softplus" -> "lin_softplus(" + x + ")";
                    case "gelu" -> "lin_gelu(" + x + ")";
                    case "relu" -> "FMAXF(" + x + ", 0.0f)";
                    case "elu" -> "(" + x + " > 0.0f ? " + x + " : EXPF(" + x + ") - 1.0f)";
                    default -> throw refuse(e, role, f.name() + " is not an elementwise builtin the GPU kernels compute");
                };
            }
            default -> throw refuse(e, role, "it is not elementwise arithmetic of the step's inputs");
        };
    }

    /** Every input a piece reads, checked against the piece's width ({@code 1} for a scalar piece). */
    static void checkWidths(String recurrence, String role, Expr e, Map<String, Input> inputs, int width) {
        for (String name : names(e)) {
            Input in = inputs.get(name);
            if (in == null) continue;
            if (in.width() != 1 && in.width() != width) {
                throw new CodegenException("recurrence " + recurrence + "'s " + role + " `" + ExprPrinter.print(e) + "` reads " + name
                        + " of width " + in.width() + " in a piece of width " + width);
            }
        }
    }

    /** The names an expression mentions. */
    static List<String> names(Expr e) {
        var out = new java.util.ArrayList<String>();
        collect(e, out);
        return out;
    }

    private static void collect(Expr e, List<String> out) {
        switch (e) {
            case Expr.Name n -> { if (!out.contains(n.name())) out.add(n.name()); }
            case Expr.Unary u -> collect(u.operand(), out);
            case Expr.Binary b -> { collect(b.left(), out); collect(b.right(), out); }
            case Expr.Call c -> { for (Expr.Arg a : c.args()) collect(a.value(), out); }
            default -> { }
        }
    }

    private static CodegenException refuse(Expr e, String role, String why) {
        return new CodegenException("the GPU recurrence kernels cannot compute the " + role + " `" + ExprPrinter.print(e) + "`: " + why);
    }
}
