package org.linlang.runtime.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * A kernel's view of one {@code [B, T, H, D]} (or {@code [B, T, H]}, D = 1; or state
 * {@code [B, H, K, V]}) tensor: contiguous little-endian f32 memory and the element offset of its
 * first element. Tensors of other dtypes or layouts are converted once, when the operand is made.
 */
final class Operand {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The f32 contiguous tensor read. */
    final Tensor tensor;
    final MemorySegment memory;
    /** Byte offset of element (0, 0, ...). */
    final long base;
    final int d1, d2, d3;

    private Operand(Tensor t, int d1, int d2, int d3) {
        this.tensor = t;
        this.memory = t.storage();
        this.base = t.offset() * Float.BYTES;
        this.d1 = d1;
        this.d2 = d2;
        this.d3 = d3;
    }

    /** True when the tensor can be read in place (no conversion): f32 and contiguous. */
    static boolean direct(Tensor t) {
        return t.dtype() == DType.F32 && t.isContiguous();
    }

    /** A rank-4 (or rank-3: {@code d3} is 1) operand, converted to contiguous f32 if it is not. */
    static Operand of(Tensor t) {
        Tensor f = direct(t) ? t : t.to(DType.F32).contiguous();
        int r = f.rank();
        return new Operand(f, (int) f.dim(1), (int) f.dim(2), r == 4 ? (int) f.dim(3) : 1);
    }

    /** Byte offset of element {@code [i0, i1, i2, 0]}. */
    long at(int i0, int i1, int i2) {
        return base + (((long) i0 * d1 + i1) * d2 + i2) * d3 * Float.BYTES;
    }

    /** Reads the {@code d3} floats at {@code [i0, i1, i2, :]} into {@code dst[to..]}. */
    void read(int i0, int i1, int i2, float[] dst, int to) {
        MemorySegment.copy(memory, F32, at(i0, i1, i2), dst, to, d3);
    }

    /** Reads {@code n} floats starting at {@code [i0, i1, i2, from]}. */
    void read(int i0, int i1, int i2, int from, float[] dst, int to, int n) {
        MemorySegment.copy(memory, F32, at(i0, i1, i2) + (long) from * Float.BYTES, dst, to, n);
    }

    /** Writes {@code n} floats to {@code [i0, i1, i2, from..]}. */
    void write(int i0, int i1, int i2, int from, float[] src, int at, int n) {
        MemorySegment.copy(src, at, memory, F32, at(i0, i1, i2) + (long) from * Float.BYTES, n);
    }

    /** The float at {@code [i0, i1, i2]} of a rank-3 operand (or {@code [i0, i1, i2, 0]}). */
    float scalar(int i0, int i1, int i2) {
        return memory.get(F32, at(i0, i1, i2));
    }
}
