package org.linlang.compiler.types;

import org.linlang.compiler.ast.Expr;
import org.linlang.compiler.ast.Expr.BinaryOp;
import org.linlang.compiler.diag.Code;

/** Types of unary and binary operators, with constant folding of int sizes. */
final class Operators {
    private Operators() {}

    static Type binary(Checker ch, Expr.Binary b, Type l, Type r) {
        BinaryOp op = b.op();
        if (l instanceof Type.Error || r instanceof Type.Error) return Type.ERROR;
        if (l instanceof Type.Never || r instanceof Type.Never) return Type.NEVER;
        if ((op == BinaryOp.EQ || op == BinaryOp.NE) && (l instanceof Type.None || r instanceof Type.None)) return Type.BOOL;
        if (l instanceof Type.Optional) return ch.optionalUse(b.left(), l);
        if (r instanceof Type.Optional) return ch.optionalUse(b.right(), r);
        if (l instanceof Type.Dynamic || r instanceof Type.Dynamic) return Type.DYNAMIC;
        if (op.isLogical()) {
            if (l instanceof Type.Bool && r instanceof Type.Bool) return Type.BOOL;
            if (isBoolTensor(l) && isBoolTensor(r)) return elementwise(ch, b, (Type.Tensor) l, (Type.Tensor) r, DType.BOOL);
            return mismatch(ch, b, l, r);
        }
        if (op.isComparison()) {
            if (l instanceof Type.Tensor || r instanceof Type.Tensor) {
                if (!Type.isNumeric(l) || !Type.isNumeric(r)) return mismatch(ch, b, l, r);
                return elementwise(ch, b, asTensor(l), asTensor(r), DType.BOOL);
            }
            boolean numbers = isNumber(l) && isNumber(r);
            boolean same = l.getClass() == r.getClass() && (l instanceof Type.Str || l instanceof Type.Bool);
            if (numbers || (same && (op == BinaryOp.EQ || op == BinaryOp.NE)) || (l instanceof Type.Str && r instanceof Type.Str)) return Type.BOOL;
            return mismatch(ch, b, l, r);
        }
        if (l instanceof Type.Str && r instanceof Type.Str && op == BinaryOp.ADD) return Type.STRING;
        if (op == BinaryOp.MATMUL) {
            if (!(l instanceof Type.Tensor lt) || !(r instanceof Type.Tensor rt)) {
                if (Type.isNumeric(l) && Type.isNumeric(r)) {
                    return ch.error(Code.E033, b.span(), "@ multiplies tensors; " + (l instanceof Type.Tensor ? "the right" : "the left")
                            + " operand is a scalar " + (l instanceof Type.Tensor ? r : l) + ", use * to scale");
                }
                return mismatch(ch, b, l, r);
            }
            ShapeRules.Result res = ShapeRules.matmul(lt.shape(), rt.shape());
            if (res.failed()) return ch.error(res.code(), b.span(), res.message());
            return new Type.Tensor(DType.promote(lt.dtype(), rt.dtype()), res.shape());
        }
        if (l instanceof Type.Int li && r instanceof Type.Int ri) return intArithmetic(op, li, ri);
        if (isNumber(l) && isNumber(r)) return Type.FLOAT;
        if (l instanceof Type.Tensor || r instanceof Type.Tensor) {
            if (!Type.isNumeric(l) || !Type.isNumeric(r)) return mismatch(ch, b, l, r);
            Type.Tensor lt = asTensor(l);
            Type.Tensor rt = asTensor(r);
            if (lt.dtype() == DType.BOOL || rt.dtype() == DType.BOOL) return mismatch(ch, b, l, r);
            DType dt = DType.promote(lt.dtype(), rt.dtype());
            if (op == BinaryOp.DIV && dt != null && !dt.isFloat()) dt = DType.F32;
            return elementwise(ch, b, lt, rt, dt);
        }
        return mismatch(ch, b, l, r);
    }

    private static Type intArithmetic(BinaryOp op, Type.Int l, Type.Int r) {
        Dim a = l.value();
        Dim b = r.value();
        boolean known = a != null && b != null;
        return switch (op) {
            case ADD -> new Type.Int(known ? a.plus(b) : null);
            case SUB -> new Type.Int(known ? a.minus(b) : null);
            case MUL -> new Type.Int(known ? a.times(b) : null);
            case MOD -> new Type.Int(known && a.isConstant() && b.isConstant() && b.constant() != 0 ? Dim.of(Math.floorMod(a.constant(), b.constant())) : null);
            case POW -> known && b.isConstant() && b.constant() >= 0 ? new Type.Int(a.isConstant() ? Dim.of(pow(a.constant(), b.constant())) : null)
                    : b != null && b.isConstant() && b.constant() < 0 ? Type.FLOAT : Type.INT;
            default -> Type.FLOAT; // '/' is true division, as in Python
        };
    }

    private static long pow(long base, long exp) {
        long r = 1;
        for (long i = 0; i < exp; i++) r = Math.multiplyExact(r, base);
        return r;
    }

    private static Type elementwise(Checker ch, Expr.Binary b, Type.Tensor l, Type.Tensor r, DType dtype) {
        ShapeRules.Result res = ShapeRules.broadcast(l.shape(), r.shape());
        if (res.failed()) return ch.error(res.code(), b.span(), res.message());
        return new Type.Tensor(dtype, res.shape());
    }

    /** A scalar operand of a tensor operation is a 0-d tensor of an open (or int/bool) element type. */
    static Type.Tensor asTensor(Type t) {
        return switch (t) {
            case Type.Tensor x -> x;
            case Type.Int i -> new Type.Tensor(null, Shape.SCALAR);
            case Type.Bool x -> new Type.Tensor(DType.BOOL, Shape.SCALAR);
            default -> new Type.Tensor(null, Shape.SCALAR);
        };
    }

    private static boolean isNumber(Type t) { return t instanceof Type.Int || t instanceof Type.Float; }

    private static boolean isBoolTensor(Type t) { return t instanceof Type.Tensor x && x.dtype() == DType.BOOL; }

    private static Type mismatch(Checker ch, Expr.Binary b, Type l, Type r) {
        return ch.error(Code.E042, b.span(), "'" + b.op().symbol + "' does not apply to " + Unifier.describe(l) + " and " + Unifier.describe(r));
    }

    static Type unary(Checker ch, Expr.Unary u, Type t) {
        if (Type.isLenient(t)) return t;
        if (t instanceof Type.Optional) return ch.optionalUse(u.operand(), t);
        if (u.op() == Expr.UnaryOp.NOT) {
            if (t instanceof Type.Bool || (t instanceof Type.Tensor x && x.dtype() == DType.BOOL)) return t;
            return ch.error(Code.E042, u.span(), "'not' needs a bool, found " + Unifier.describe(t));
        }
        return switch (t) {
            case Type.Int i -> new Type.Int(i.value() == null ? null : i.value().times(Dim.of(-1)));
            case Type.Float f -> f;
            case Type.Tensor x when x.dtype() != DType.BOOL -> x;
            default -> ch.error(Code.E042, u.span(), "'-' needs a number or a tensor, found " + Unifier.describe(t));
        };
    }
}
