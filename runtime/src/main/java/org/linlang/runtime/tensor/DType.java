package org.linlang.runtime.tensor;

import java.util.Locale;

/**
 * Element types of runtime tensors. The 16-bit floats are storage formats only: every operation
 * reads them as f32, computes in f32 (or wider) and rounds the result back when it stores it.
 */
public enum DType {
    F32(4, "<f4"),
    F16(2, "<f2"),
    /** No numpy equivalent: {@link Npy} writes it widened to {@code <f4}. */
    BF16(2, null),
    I32(4, "<i4"),
    I64(8, "<i8"),
    /** One byte per element, 0 or 1. */
    BOOL(1, "|b1");

    private final int byteSize;
    private final String npyDescr;

    DType(int byteSize, String npyDescr) {
        this.byteSize = byteSize;
        this.npyDescr = npyDescr;
    }

    public int byteSize() { return byteSize; }

    /** The name Lin source code uses: {@code f32}, {@code bf16}, {@code bool}... */
    public String lin() { return name().toLowerCase(Locale.ROOT); }

    /** The dtype string of the safetensors header, which happens to be the constant's name. */
    public String safetensorsName() { return name(); }

    /** The numpy {@code descr} of the .npy header, or null for bf16. */
    public String npyDescr() { return npyDescr; }

    public boolean isFloat() { return this == F32 || this == F16 || this == BF16; }

    public static DType fromLin(String name) {
        for (DType t : values()) if (t.lin().equals(name)) return t;
        throw new IllegalArgumentException("unknown element type '" + name + "' (expected f32, f16, bf16, i32, i64 or bool)");
    }

    /** The dtype of a safetensors header entry, or null when Lin does not support it (F64, U8, F8_E4M3...). */
    public static DType fromSafetensors(String name) {
        for (DType t : values()) if (t.safetensorsName().equals(name)) return t;
        return null;
    }

    /**
     * The result type of mixing two types in arithmetic; the same rule as the compiler's type checker
     * ({@code org.linlang.compiler.types.DType.promote}) so every engine agrees: floats win over
     * integers and bool, f32 over the 16-bit floats (f16 with bf16 gives f32), i64 over i32.
     */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if (a.isFloat() && b.isFloat()) return F32;
        if (a.isFloat()) return a;
        if (b.isFloat()) return b;
        if (a == BOOL) return b;
        if (b == BOOL) return a;
        return I64;
    }
}
