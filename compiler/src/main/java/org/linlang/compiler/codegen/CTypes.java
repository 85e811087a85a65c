package org.linlang.compiler.codegen;

import org.linlang.compiler.types.DType;

/** How element types are held in memory and in registers by the generated kernels. */
final class CTypes {
    private CTypes() {}

    /** The type of a buffer element. */
    static String memory(DType t) {
        return switch (t) {
            case F32 -> "float";
            case BF16 -> "u16";
            case I64 -> "i64";
            case I32 -> "i32";
            case BOOL -> "u8";
            case F16 -> throw new CodegenException("f16 buffers are not supported by the GPU kernels yet; use f32 or bf16");
        };
    }

    /** The type a value is computed in: f32 for floats, i64 for ints, int for bools. */
    static String register(DType t) {
        return switch (t) {
            case F32, BF16, F16 -> "float";
            case I64, I32 -> "i64";
            case BOOL -> "i32";
        };
    }

    /** An element read from {@code buffer[offset]}, as its register type. */
    static String load(DType t, String buffer, String offset) {
        return switch (t) {
            case BF16 -> "bf16_load(" + buffer + "[" + offset + "])";
            case I32 -> "(i64)" + buffer + "[" + offset + "]";
            case BOOL -> "(i32)" + buffer + "[" + offset + "]";
            default -> buffer + "[" + offset + "]";
        };
    }

    /** The statement storing a register value into {@code buffer[offset]}. */
    static String store(DType t, String buffer, String offset, String value) {
        return switch (t) {
            case BF16 -> buffer + "[" + offset + "] = bf16_store(" + value + ");";
            case I32 -> buffer + "[" + offset + "] = (i32)(" + value + ");";
            case BOOL -> buffer + "[" + offset + "] = (u8)((" + value + ") != 0);";
            case F32 -> buffer + "[" + offset + "] = (float)(" + value + ");";
            default -> buffer + "[" + offset + "] = " + value + ";";
        };
    }

    /** A float literal that both compilers read as f32 without a warning. */
    static String floatLiteral(double v) {
        if (Double.isNaN(v)) return "AS_FLOAT(0x7fc00000u)";
        if (Double.isInfinite(v)) return v > 0 ? "AS_FLOAT(0x7f800000u)" : "AS_FLOAT(0xff800000u)";
        float f = (float) v;
        if (Float.isInfinite(f)) return f > 0 ? "AS_FLOAT(0x7f800000u)" : "AS_FLOAT(0xff800000u)";
        String s = Float.toString(f);
        if (s.contains("E")) s = s.replace("E", "e");
        if (!s.contains(".") && !s.contains("e")) s = s + ".0";
        return "(" + s + "f)";
    }
}
