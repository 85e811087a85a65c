package org.linlang.runtime.truffle.builtins;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.dsl.Fallback;
import com.oracle.truffle.api.dsl.NodeChild;
import com.oracle.truffle.api.dsl.Specialization;
import com.oracle.truffle.api.dsl.TypeSystemReference;
import com.oracle.truffle.api.nodes.NodeInfo;
import org.linlang.runtime.truffle.nodes.LinExpressionNode;
import org.linlang.runtime.truffle.LinNumericTypes;
import org.linlang.runtime.truffle.ops.TensorOps;
import org.linlang.runtime.truffle.values.LinTensor;

/**
 * The math functions ({@code exp log sqrt rsqrt tanh sigmoid silu softplus gelu relu elu sin cos}).
 * On an int or float the result is a float; like Python's {@code math} module, {@code log},
 * {@code sqrt} and {@code rsqrt} outside their domain and {@code exp} beyond the float range are
 * errors rather than NaN or infinity. On a tensor they apply elementwise with numpy's rules (NaN and
 * infinities, no errors), keeping a float element type (integers give f32).
 */
@NodeChild(value = "value", type = LinExpressionNode.class)
@NodeInfo(shortName = "math")
@TypeSystemReference(LinNumericTypes.class)
public abstract class LinMathBuiltin extends LinBuiltinNode {
    public enum Fn { EXP, LOG, SQRT, RSQRT, TANH, SIGMOID, SILU, SOFTPLUS, GELU, RELU, ELU, SIN, COS }

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
            case GELU -> {
                return org.linlang.runtime.tensor.ScalarMath.gelu(x);
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

    @Specialization
    protected Object tensor(LinTensor x) {
        return tensorMath(x);
    }

    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    private Object tensorMath(LinTensor x) {
        try {
            return TensorOps.unary(TensorOps.Fn.valueOf(fn.name()), x);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    @Fallback
    protected Object typeError(Object value) {
        throw argumentError(fn.name().toLowerCase(java.util.Locale.ROOT), "a float or a tensor", value);
    }
}
