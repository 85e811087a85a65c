package org.linlang.runtime.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * How elements are encoded in memory: little-endian, {@link DType#byteSize()} bytes each, in an
 * off-heap {@link MemorySegment}, so that files can be mapped and native libraries can read tensors
 * without copies. Offsets here count elements, not bytes.
 */
final class Storage {
    // Unaligned layouts: a memory-mapped safetensors file may place an f32 tensor at any even offset.
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private Storage() {}

    /** Zero-filled memory for {@code count} elements, released when no tensor reaches it ({@link NativeMemory}). */
    static MemorySegment allocate(DType type, long count) {
        return NativeMemory.allocate(Math.multiplyExact(count, type.byteSize()));
    }

    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest even, as PyTorch does; NaN stays a (quiet) NaN instead of rounding to infinity. */
    static short floatToBf16(float value) {
        if (Float.isNaN(value)) return (short) 0x7FC0;
        int bits = Float.floatToRawIntBits(value);
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    static double getDouble(MemorySegment s, DType type, long i) {
        return switch (type) {
            case F32 -> s.get(F32, i * 4);
            case F16 -> Float.float16ToFloat(s.get(I16, i * 2));
            case BF16 -> bf16ToFloat(s.get(I16, i * 2));
            case I32 -> s.get(I32, i * 4);
            case I64 -> s.get(I64, i * 8);
            case BOOL -> s.get(BYTE, i) != 0 ? 1 : 0;
        };
    }

    static long getLong(MemorySegment s, DType type, long i) {
        return switch (type) {
            case I32 -> s.get(I32, i * 4);
            case I64 -> s.get(I64, i * 8);
            case BOOL -> s.get(BYTE, i) != 0 ? 1 : 0;
            default -> (long) getDouble(s, type, i);
        };
    }

    /** Floats to integers truncate toward zero and saturate (Java casts); anything non-zero is true. */
    static void setDouble(MemorySegment s, DType type, long i, double v) {
        switch (type) {
            case F32 -> s.set(F32, i * 4, (float) v);
            case F16 -> s.set(I16, i * 2, Float.floatToFloat16((float) v));
            case BF16 -> s.set(I16, i * 2, floatToBf16((float) v));
            case I32 -> s.set(I32, i * 4, (int) v);
            case I64 -> s.set(I64, i * 8, (long) v);
            case BOOL -> s.set(BYTE, i, (byte) (v != 0 ? 1 : 0));
        }
    }

    static void setLong(MemorySegment s, DType type, long i, long v) {
        switch (type) {
            case I32 -> s.set(I32, i * 4, (int) v);
            case I64 -> s.set(I64, i * 8, v);
            case BOOL -> s.set(BYTE, i, (byte) (v != 0 ? 1 : 0));
            default -> setDouble(s, type, i, v);
        }
    }

    /** Reads {@code n} elements at {@code start, start + step, ...} as floats. */
    static void readFloats(MemorySegment s, DType type, long start, long step, float[] dst, int n) {
        if (type == DType.F32 && step == 1) {
            MemorySegment.copy(s, F32, start * 4, dst, 0, n);
            return;
        }
        switch (type) {
            case F32 -> { for (int i = 0; i < n; i++) dst[i] = s.get(F32, (start + i * step) * 4); }
            case F16 -> { for (int i = 0; i < n; i++) dst[i] = Float.float16ToFloat(s.get(I16, (start + i * step) * 2)); }
            case BF16 -> { for (int i = 0; i < n; i++) dst[i] = bf16ToFloat(s.get(I16, (start + i * step) * 2)); }
            case I32 -> { for (int i = 0; i < n; i++) dst[i] = s.get(I32, (start + i * step) * 4); }
            case I64 -> { for (int i = 0; i < n; i++) dst[i] = s.get(I64, (start + i * step) * 8); }
            case BOOL -> { for (int i = 0; i < n; i++) dst[i] = s.get(BYTE, start + i * step) != 0 ? 1 : 0; }
        }
    }

    static void writeFloats(MemorySegment s, DType type, long start, long step, float[] src, int n) {
        if (type == DType.F32 && step == 1) {
            MemorySegment.copy(src, 0, s, F32, start * 4, n);
            return;
        }
        switch (type) {
            case F32 -> { for (int i = 0; i < n; i++) s.set(F32, (start + i * step) * 4, src[i]); }
            case F16 -> { for (int i = 0; i < n; i++) s.set(I16, (start + i * step) * 2, Float.floatToFloat16(src[i])); }
            case BF16 -> { for (int i = 0; i < n; i++) s.set(I16, (start + i * step) * 2, floatToBf16(src[i])); }
            case I32 -> { for (int i = 0; i < n; i++) s.set(I32, (start + i * step) * 4, (int) src[i]); }
            case I64 -> { for (int i = 0; i < n; i++) s.set(I64, (start + i * step) * 8, (long) src[i]); }
            case BOOL -> { for (int i = 0; i < n; i++) s.set(BYTE, start + i * step, (byte) (src[i] != 0 ? 1 : 0)); }
        }
    }

    /** Reads integers exactly; floats are truncated toward zero. */
    static void readLongs(MemorySegment s, DType type, long start, long step, long[] dst, int n) {
        switch (type) {
            case I32 -> { for (int i = 0; i < n; i++) dst[i] = s.get(I32, (start + i * step) * 4); }
            case I64 -> { for (int i = 0; i < n; i++) dst[i] = s.get(I64, (start + i * step) * 8); }
            case BOOL -> { for (int i = 0; i < n; i++) dst[i] = s.get(BYTE, start + i * step) != 0 ? 1 : 0; }
            default -> { for (int i = 0; i < n; i++) dst[i] = getLong(s, type, start + i * step); }
        }
    }

    /** Writes integers; i32 wraps around like Java's int arithmetic. */
    static void writeLongs(MemorySegment s, DType type, long start, long step, long[] src, int n) {
        switch (type) {
            case I32 -> { for (int i = 0; i < n; i++) s.set(I32, (start + i * step) * 4, (int) src[i]); }
            case I64 -> { for (int i = 0; i < n; i++) s.set(I64, (start + i * step) * 8, src[i]); }
            case BOOL -> { for (int i = 0; i < n; i++) s.set(BYTE, start + i * step, (byte) (src[i] != 0 ? 1 : 0)); }
            default -> { for (int i = 0; i < n; i++) setLong(s, type, start + i * step, src[i]); }
        }
    }
}
