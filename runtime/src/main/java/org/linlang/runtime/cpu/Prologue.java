package org.linlang.runtime.cpu;

import java.util.Map;
import org.linlang.compiler.ast.Expr;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Elementwise;
import org.linlang.runtime.tensor.Tensor;

/**
 * A recurrence piece hoisted out of the step: an expression of the step's inputs evaluated over the
 * whole sequence before the kernel runs. Step inputs are given as {@code [B, T, H, tail]}, a per-step
 * scalar as {@code [B, T, H, 1]} so that it broadcasts against vectors as it does inside the step;
 * host parameters ({@code scale}) are numbers. Only state-independent elementwise arithmetic can
 * appear in a piece (the classifier put everything else in the transition), and anything else is
 * refused with the expression.
 */
final class Prologue {
    private Prologue() {}

    static Tensor eval(Expr e, Map<String, Tensor> inputs, Map<String, Object> host, String recurrence) {
        return switch (e) {
            case Expr.Name n -> {
                Tensor t = inputs.get(n.ident().name());
                if (t != null) yield t;
                Object h = host.get(n.ident().name());
                if (h instanceof Number num) yield Creation.scalar(num.doubleValue());
                throw refuse(e, recurrence, n.ident().name() + " is neither an input nor a number known before running");
            }
            case Expr.FloatLit f -> Creation.scalar(f.value());
            case Expr.IntLit i -> Creation.scalar(i.value());
            case Expr.Unary u when u.op() == Expr.UnaryOp.NEG -> Elementwise.neg(eval(u.operand(), inputs, host, recurrence));
            case Expr.Binary b -> {
                Tensor x = eval(b.left(), inputs, host, recurrence), y = eval(b.right(), inputs, host, recurrence);
                yield switch (b.op()) {
                    case ADD -> Elementwise.add(x, y);
                    case SUB -> Elementwise.sub(x, y);
                    case MUL -> Elementwise.mul(x, y);
                    case DIV -> Elementwise.div(x, y);
                    case POW -> Elementwise.pow(x, y);
                    default -> throw refuse(e, recurrence, "operator " + b.op().symbol + " is not elementwise arithmetic");
                };
            }
            case Expr.Call c when c.callee() instanceof Expr.Name f && c.args().size() == 1 && c.args().getFirst().name() == null -> {
                Tensor x = eval(c.args().getFirst().value(), inputs, host, recurrence).to(DType.F32);
                yield switch (f.ident().name()) {
                    case "exp" -> Elementwise.exp(x);
                    case "log" -> Elementwise.log(x);
                    case "sqrt" -> Elementwise.sqrt(x);
                    case "rsqrt" -> Elementwise.rsqrt(x);
                    case "tanh" -> Elementwise.tanh(x);
                    case "sigmoid" -> Elementwise.sigmoid(x);
                    case "silu" -> Elementwise.silu(x);
                    case "softplus" -> Elementwise.softplus(x);
                    case "relu" -> Elementwise.relu(x);
                    case "abs" -> Elementwise.abs(x);
                    case "gelu" -> Elementwise.gelu(x);
                    case "elu" -> Elementwise.add(Elementwise.relu(x),
                            Elementwise.sub(Elementwise.exp(Elementwise.minimum(x, Creation.scalar(0))), Creation.scalar(1)).to(DType.F32))
                            .to(DType.F32);
                    default -> throw refuse(e, recurrence, f.ident().name() + " is not an elementwise builtin the prologue evaluates");
                };
            }
            default -> throw refuse(e, recurrence, "it is not elementwise arithmetic of the step's inputs");
        };
    }

    private static CpuEngineException refuse(Expr e, String recurrence, String why) {
        return new CpuEngineException("the cpu engine cannot hoist `" + org.linlang.compiler.recurrence.ExprPrinter.print(e) + "` out of recurrence " + recurrence + ": " + why);
    }
}
