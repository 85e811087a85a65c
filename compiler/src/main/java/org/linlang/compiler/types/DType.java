package org.linlang.compiler.types;

/** Element types of tensors, as written in Lin. */
public enum DType {
    F32, F16, BF16, I32, I64, BOOL;

    public String lin() { return name().toLowerCase(java.util.Locale.ROOT); }

    public boolean isFloat() { return this == F32 || this == F16 || this == BF16; }

    public static DType parse(String name) {
        for (DType t : values()) if (t.lin().equals(name)) return t;
        return null;
    }

    /** Arithmetic of mixed types: floats win over ints, f32 over the 16-bit floats, i64 over i32. */
    public static DType promote(DType a, DType b) {
        if (a == null) return b;
        if (b == null) return a;
        if (a == b) return a;
        if (a.isFloat() && b.isFloat()) return F32;
        if (a.isFloat()) return a;
        if (b.isFloat()) return b;
        if (a == BOOL) return b;
        if (b == BOOL) return a;
        return I64;
    }
}
