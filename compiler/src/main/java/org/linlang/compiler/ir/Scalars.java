package org.linlang.compiler.ir;

import org.linlang.compiler.types.DType;

/** Arithmetic on single numbers: constant folding in the graph and host arithmetic while lowering. */
public final class Scalars {
    private Scalars() {}

    /** An elementwise unary op on one number; null when it has no folding (a cast is handled by the caller). */
    public static Double unary(Op op, double x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case SILU -> x / (1.0 + Math.exp(-x));
            case SOFTPLUS -> x > 20 ? x : Math.log1p(Math.exp(x));
            case GELU -> 0.5 * x * (1.0 + erf(x / Math.sqrt(2.0)));
            case RELU -> Math.max(x, 0.0);
            case ABS -> Math.abs(x);
            case ELU -> x > 0 ? x : Math.expm1(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            default -> null;
        };
    }

    /** An elementwise binary op on two numbers (booleans for and/or), as the result type needs it. */
    public static Object binary(Op op, Object a, Object b, DType result) {
        if (op == Op.AND || op == Op.OR) {
            boolean x = truth(a), y = truth(b);
            return op == Op.AND ? x && y : x || y;
        }
        double x = number(a), y = number(b);
        if (op.isComparison()) {
            return switch (op) {
                case EQ -> x == y;
                case NE -> x != y;
                case LT -> x < y;
                case LE -> x <= y;
                case GT -> x > y;
                default -> x >= y;
            };
        }
        boolean integer = !result.isFloat() && result != DType.BOOL;
        if (integer && a instanceof Long la && b instanceof Long lb) {
            return switch (op) {
                case ADD -> la + lb;
                case SUB -> la - lb;
                case MUL -> la * lb;
                case MOD -> lb == 0 ? null : Math.floorMod(la, lb);
                case MAXIMUM -> Math.max(la, lb);
                case MINIMUM -> Math.min(la, lb);
                case POW -> lb >= 0 ? (long) Math.pow(la, lb) : null;
                default -> null;
            };
        }
        double r = switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MOD -> x - y * Math.floor(x / y);
            case POW -> Math.pow(x, y);
            case MAXIMUM -> Math.max(x, y);
            case MINIMUM -> Math.min(x, y);
            default -> Double.NaN;
        };
        return integer ? (Object) (long) r : (Object) r;
    }

    public static double number(Object v) {
        return switch (v) {
            case Double d -> d;
            case Long l -> l;
            case Integer i -> i;
            case Boolean b -> b ? 1 : 0;
            default -> throw new IrException("not a number: " + v);
        };
    }

    public static boolean truth(Object v) { return v instanceof Boolean b ? b : number(v) != 0; }

    /** A constant's value in the representation of an element type. */
    public static Object as(Object v, DType t) {
        if (t == DType.BOOL) return truth(v);
        if (!t.isFloat()) return (long) number(v);
        return number(v);
    }

    /** The error function (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7). */
    public static double erf(double x) {
        double t = 1.0 / (1.0 + 0.3275911 * Math.abs(x));
        double y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
        return x >= 0 ? y : -y;
    }
}
