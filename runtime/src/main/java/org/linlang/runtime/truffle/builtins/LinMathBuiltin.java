package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.dsl.TypeSystemReference;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.LinNumericTypes;

/**
 * The scalar math functions ({@code exp log sqrt rsqrt tanh sigmoid silu softplus relu elu sin cos}
 * on an int or float; the result is a float). Like Python's {@code math} module, {@code log},
 * {@code sqrt} and {@code rsqrt} outside their domain and {@code exp} beyond the float range are
 * errors rather than NaN or infinity.
 */
@NodeChild(value = "value", type = LinExpressionNode.class)
@NodeInfo(shortName = "math")
@TypeSystemReference(LinNumericTypes.class)
public abstract class LinMathBuiltin extends LinBuiltinNode {
    public enum Fn { EXP, LOG, SQRT, RSQRT, TANH, SIGMOID, SILU, SOFTPLUS, RELU, ELU, SIN, COS }

    protected final Fn fn;

    protected LinMathBuiltin(Fn fn) {
        this.fn = fn;
    }

    @Specialization
    protected double compute(double x) {
        switch (fn) {
            case EXP -> {
                double r = Math.exp(x);
                if (Double.isInfinite(r) && !Double.isInfinite(x)) {
                    CompilerDirectives.transferToInterpreter();
                    throw error("exp(" + show(x) + ") is too large for a float");
                }
                return r;
            }
            case LOG -> {
                if (!(x > 0)) {
                    CompilerDirectives.transferToInterpreter();
                    if (Double.isNaN(x)) return x;
                    throw error("log() needs a positive number, got " + show(x));
                }
                return Math.log(x);
            }
            case SQRT -> {
                if (x < 0) {
                    CompilerDirectives.transferToInterpreter();
                    throw error("sqrt() needs a number >= 0, got " + show(x));
                }
                return Math.sqrt(x);
            }
            case RSQRT -> {
                if (!(x > 0)) {
                    CompilerDirectives.transferToInterpreter();
                    if (Double.isNaN(x)) return x;
                    throw error("rsqrt() needs a number > 0, got " + show(x));
                }
                return 1.0 / Math.sqrt(x);
            }
            case SILU -> {
                return x * sigmoid(x);
            }
            case SOFTPLUS -> {
                // log(1 + exp(x)) without overflow: x + log1p(exp(-x)) for large x.
                return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
            }
            case RELU -> {
                return x > 0 ? x : 0.0;
            }
            case ELU -> {
                return x > 0 ? x : Math.expm1(x);
            }
            case SIN -> {
                return Math.sin(x);
            }
            case COS -> {
                return Math.cos(x);
            }
            case TANH -> {
                return Math.tanh(x);
            }
            case SIGMOID -> {
                return sigmoid(x);
            }
            default -> throw CompilerDirectives.shouldNotReachHere();
        }
    }

    private static double sigmoid(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    @Fallback
    protected Object typeError(Object value) {
        throw argumentError(fn.name().toLowerCase(java.util.Locale.ROOT), "a float", value);
    }
}
