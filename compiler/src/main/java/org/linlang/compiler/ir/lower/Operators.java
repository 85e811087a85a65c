package org.linlang.compiler.ir.lower;

import java.util.List;
import org.linlang.compiler.ast.Expr.BinaryOp;
import org.linlang.compiler.ast.Expr.UnaryOp;
import org.linlang.compiler.ir.IrException;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.Op;
import org.linlang.compiler.ir.Sizes;
import org.linlang.compiler.ir.TensorType;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/** Operators on values: host arithmetic is computed now, anything touching a tensor becomes a node. */
final class Operators {
    private Operators() {}

    static Op op(BinaryOp b) {
        return switch (b) {
            case ADD -> Op.ADD;
            case SUB -> Op.SUB;
            case MUL -> Op.MUL;
            case DIV -> Op.DIV;
            case MOD -> Op.MOD;
            case POW -> Op.POW;
            case MATMUL -> Op.MATMUL;
            case EQ -> Op.EQ;
            case NE -> Op.NE;
            case LT -> Op.LT;
            case LE -> Op.LE;
            case GT -> Op.GT;
            case GE -> Op.GE;
            case AND -> Op.AND;
            case OR -> Op.OR;
        };
    }

    static Value binary(Lowering lw, BinaryOp b, Value l, Value r) {
        // `x != none` is known when the graph is built: the call's arguments are.
        if ((l instanceof Value.None || r instanceof Value.None) && (b == BinaryOp.EQ || b == BinaryOp.NE)) {
            boolean same = l instanceof Value.None && r instanceof Value.None;
            return new Value.Bool((b == BinaryOp.EQ) == same);
        }
        if (l instanceof Value.Tensor || r instanceof Value.Tensor) return tensorBinary(lw, op(b), l, r);
        return host(lw, op(b), l, r);
    }

    /** A binary op on tensors (host operands become scalar constants of the tensor's element type). */
    static Value tensorBinary(Lowering lw, Op op, Value l, Value r) {
        DType partner = l instanceof Value.Tensor t ? t.node().type().dtype() : ((Value.Tensor) r).node().type().dtype();
        Node a = node(lw, l, partner);
        Node b = node(lw, r, partner);
        return new Value.Tensor(lw.gb.add(op, List.of(a, b), java.util.Map.of()));
    }

    /** A tensor operand: the tensor itself, or a host number as a scalar constant that fits its partner. */
    static Node node(Lowering lw, Value v, DType partner) {
        if (v instanceof Value.Tensor t) return t.node();
        DType dt = switch (v) {
            case Value.Flt f -> partner != null && partner.isFloat() ? partner : DType.F32;
            case Value.Int i -> partner == null || partner == DType.BOOL ? DType.I64 : partner;
            case Value.Bool b -> DType.BOOL;
            default -> throw new IrException("cannot use " + Value.describe(v) + " in a tensor operation");
        };
        return constant(lw, v, dt);
    }

    /** A host value as a scalar node of an element type: a constant, or a size's value read when the graph runs ({@code P + T}). */
    static Node constant(Lowering lw, Value v, DType dt) {
        if (v instanceof Value.Int i) return lw.gb.size(i.v(), dt);
        Object x = switch (v) {
            case Value.Flt f -> f.v();
            case Value.Bool b -> b.v();
            default -> throw new IrException("cannot use " + Value.describe(v) + " in a tensor operation");
        };
        return lw.gb.constant(org.linlang.compiler.ir.Scalars.as(x, dt), TensorType.scalar(dt));
    }

    /** Arithmetic of host values, as Lin defines it (ints stay ints, {@code /} gives a float). */
    static Value host(Lowering lw, Op op, Value l, Value r) {
        if (l instanceof Value.Str a && r instanceof Value.Str b) {
            return switch (op) {
                case ADD -> new Value.Str(a.v() + b.v());
                case EQ -> new Value.Bool(a.v().equals(b.v()));
                case NE -> new Value.Bool(!a.v().equals(b.v()));
                case LT -> new Value.Bool(a.v().compareTo(b.v()) < 0);
                case LE -> new Value.Bool(a.v().compareTo(b.v()) <= 0);
                case GT -> new Value.Bool(a.v().compareTo(b.v()) > 0);
                case GE -> new Value.Bool(a.v().compareTo(b.v()) >= 0);
                default -> throw new IrException(op.text() + " does not apply to strings");
            };
        }
        if (l instanceof Value.Bool a && r instanceof Value.Bool b) {
            return switch (op) {
                case AND -> new Value.Bool(a.v() && b.v());
                case OR -> new Value.Bool(a.v() || b.v());
                case EQ -> new Value.Bool(a.v() == b.v());
                case NE -> new Value.Bool(a.v() != b.v());
                default -> throw new IrException(op.text() + " does not apply to bools");
            };
        }
        if (l instanceof Value.Int a && r instanceof Value.Int b) {
            Dim x = a.v(), y = b.v();
            switch (op) {
                case ADD: return new Value.Int(x.plus(y));
                case SUB: return new Value.Int(x.minus(y));
                case MUL: return new Value.Int(x.times(y));
                case EQ, NE, LT, LE, GT, GE:
                    // sizes are never negative: P + T > -1 holds whatever P and T are; else the call's sizes decide
                    Boolean known = Sizes.decide(op, x, y);
                    if (known != null) return new Value.Bool(known);
                    if (!x.isConstant() || !y.isConstant()) return new Value.Bool(lw.decide(op, x, y));
                    break;
                default: break;
            }
            if (!x.isConstant() || !y.isConstant()) {
                throw new IrException("cannot compute " + x + " " + op.text() + " " + y + " before running: the sizes are symbolic");
            }
            long p = x.constant(), q = y.constant();
            return switch (op) {
                case MOD -> {
                    if (q == 0) throw new IrException("modulo by zero");
                    yield new Value.Int(Dim.of(Math.floorMod(p, q)));
                }
                case DIV -> new Value.Flt((double) p / q);
                case POW -> q >= 0 ? new Value.Int(Dim.of(pow(p, q))) : new Value.Flt(Math.pow(p, q));
                case EQ -> new Value.Bool(p == q);
                case NE -> new Value.Bool(p != q);
                case LT -> new Value.Bool(p < q);
                case LE -> new Value.Bool(p <= q);
                case GT -> new Value.Bool(p > q);
                case GE -> new Value.Bool(p >= q);
                default -> throw new IrException(op.text() + " does not apply to ints");
            };
        }
        double x = number(l), y = number(r);
        return switch (op) {
            case ADD -> new Value.Flt(x + y);
            case SUB -> new Value.Flt(x - y);
            case MUL -> new Value.Flt(x * y);
            case DIV -> new Value.Flt(x / y);
            case MOD -> new Value.Flt(x - y * Math.floor(x / y));
            case POW -> new Value.Flt(Math.pow(x, y));
            case EQ -> new Value.Bool(x == y);
            case NE -> new Value.Bool(x != y);
            case LT -> new Value.Bool(x < y);
            case LE -> new Value.Bool(x <= y);
            case GT -> new Value.Bool(x > y);
            case GE -> new Value.Bool(x >= y);
            default -> throw new IrException(op.text() + " does not apply to " + Value.describe(l) + " and " + Value.describe(r));
        };
    }

    private static long pow(long base, long exp) {
        long r = 1;
        for (long i = 0; i < exp; i++) r = Math.multiplyExact(r, base);
        return r;
    }

    /** A host number as a double (ints must be known). */
    static double number(Value v) {
        return switch (v) {
            case Value.Flt f -> f.v();
            case Value.Int i when i.known() -> i.v().constant();
            case Value.Int i -> throw new IrException("the size " + i.v() + " is not known before running");
            default -> throw new IrException("expected a number, found " + Value.describe(v));
        };
    }

    static Value unary(Lowering lw, UnaryOp op, Value v) {
        if (op == UnaryOp.NOT) {
            if (v instanceof Value.Bool b) return new Value.Bool(!b.v());
            if (v instanceof Value.Tensor t) return new Value.Tensor(lw.gb.add(Op.NOT, List.of(t.node()), java.util.Map.of()));
            throw new IrException("not needs a bool, found " + Value.describe(v));
        }
        return switch (v) {
            case Value.Int i -> new Value.Int(i.v().times(Dim.of(-1)));
            case Value.Flt f -> new Value.Flt(-f.v());
            case Value.Tensor t -> new Value.Tensor(lw.gb.add(Op.NEG, List.of(t.node()), java.util.Map.of()));
            default -> throw new IrException("- needs a number, found " + Value.describe(v));
        };
    }

    /** {@code n as float}, {@code f as int}. */
    static Value convert(Value v, String type) {
        return switch (type) {
            case "float" -> new Value.Flt(v instanceof Value.Bool b ? (b.v() ? 1 : 0) : number(v));
            case "int" -> new Value.Int(Dim.of(v instanceof Value.Bool b ? (b.v() ? 1 : 0) : (long) number(v)));
            case "bool" -> new Value.Bool(v instanceof Value.Bool b ? b.v() : number(v) != 0);
            default -> throw new IrException("cannot convert " + Value.describe(v) + " to " + type);
        };
    }
}
