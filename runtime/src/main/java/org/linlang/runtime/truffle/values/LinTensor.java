package org.linlang.runtime.truffle.values;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.InvalidArrayIndexException;
import com.oracle.truffle.api.interop.InvalidBufferOffsetException;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.interop.UnknownIdentifierException;
import com.oracle.truffle.api.interop.UnsupportedMessageException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.tensor.TensorPrinter;
import org.linlang.runtime.truffle.LinLanguage;

/**
 * A tensor value: a {@link Tensor} of the runtime's tensor library. Lin has no statement that changes
 * a tensor in place, so views that share memory are safe to hand out.
 *
 * <p>For embedders a tensor is an array (of sub-tensors, or of numbers along its last axis), has the
 * members {@code shape} and {@code dtype}, and is a buffer of its elements in C order, little-endian,
 * in its own element type ({@code Value.readBufferFloat} for f32).
 */
@ExportLibrary(InteropLibrary.class)
public final class LinTensor implements TruffleObject {
    private static final String[] MEMBERS = {"shape", "dtype"};

    private final Tensor tensor;
    /** The contiguous copy that interop buffer reads use, made on first use. */
    private Tensor dense;

    public LinTensor(Tensor tensor) {
        this.tensor = tensor;
    }

    public Tensor tensor() { return tensor; }

    public int rank() { return tensor.rank(); }

    public DType dtype() { return tensor.dtype(); }

    /** "f32[2, 3]": the type as Lin writes it. */
    @TruffleBoundary
    public String typeText() { return typeText(tensor.dtype(), tensor.shape()); }

    @TruffleBoundary
    public static String typeText(DType dtype, long[] shape) {
        return dtype.lin() + shapeText(shape);
    }

    @TruffleBoundary
    public static String shapeText(long[] shape) {
        var b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) b.append(", ");
            b.append(shape[i]);
        }
        return b.append(']').toString();
    }

    /** One element along the first axis: a number for a vector, a sub-tensor otherwise. */
    @TruffleBoundary
    public Object element(long i) {
        Tensor sub = tensor.select(0, i);
        return sub.rank() == 0 ? scalar(sub) : new LinTensor(sub);
    }

    /** The value of a 0-d tensor as a Lin number or bool. */
    @TruffleBoundary
    public static Object scalar(Tensor t) {
        return switch (t.dtype()) {
            case BOOL -> t.getLong() != 0;
            case I32, I64 -> t.getLong();
            default -> t.item();
        };
    }

    @Override
    @TruffleBoundary
    public String toString() { return TensorPrinter.format(tensor); }

    // ---- interop ------------------------------------------------------------------------------

    @ExportMessage boolean hasArrayElements() { return tensor.rank() > 0; }

    @ExportMessage long getArraySize() { return tensor.rank() > 0 ? tensor.dim(0) : 0; }

    @ExportMessage
    boolean isArrayElementReadable(long index) { return tensor.rank() > 0 && index >= 0 && index < tensor.dim(0); }

    @ExportMessage
    Object readArrayElement(long index) throws InvalidArrayIndexException {
        if (!isArrayElementReadable(index)) throw InvalidArrayIndexException.create(index);
        return element(index);
    }

    @ExportMessage boolean hasMembers() { return true; }

    @ExportMessage
    Object getMembers(@SuppressWarnings("unused") boolean includeInternal) { return new LinList(MEMBERS.clone()); }

    @ExportMessage
    boolean isMemberReadable(String member) { return member.equals("shape") || member.equals("dtype"); }

    @ExportMessage
    @TruffleBoundary
    Object readMember(String member) throws UnknownIdentifierException {
        return switch (member) {
            case "shape" -> shapeList(tensor.shape());
            case "dtype" -> tensor.dtype().lin();
            default -> throw UnknownIdentifierException.create(member);
        };
    }

    /** A shape as a Lin list of ints. */
    public static LinList shapeList(long[] shape) {
        Object[] items = new Object[shape.length];
        for (int i = 0; i < shape.length; i++) items[i] = shape[i];
        return new LinList(items);
    }

    @TruffleBoundary
    private MemorySegment bytes() {
        if (dense == null) dense = tensor.isContiguous() ? tensor : tensor.contiguous();
        long size = dense.numel() * dense.dtype().byteSize();
        return dense.storage().asSlice(dense.offset() * dense.dtype().byteSize(), size);
    }

    @ExportMessage boolean hasBufferElements() { return true; }

    @ExportMessage boolean isBufferWritable() { return false; }

    @ExportMessage long getBufferSize() { return bytes().byteSize(); }

    @ExportMessage
    @TruffleBoundary
    byte readBufferByte(long offset) throws InvalidBufferOffsetException {
        check(offset, 1);
        return bytes().get(ValueLayout.JAVA_BYTE, offset);
    }

    @ExportMessage
    @TruffleBoundary
    void readBuffer(long offset, byte[] destination, int destinationOffset, int length) throws InvalidBufferOffsetException {
        check(offset, length);
        MemorySegment.copy(bytes(), ValueLayout.JAVA_BYTE, offset, destination, destinationOffset, length);
    }

    @ExportMessage
    @TruffleBoundary
    short readBufferShort(ByteOrder order, long offset) throws InvalidBufferOffsetException {
        check(offset, 2);
        return bytes().get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), offset);
    }

    @ExportMessage
    @TruffleBoundary
    int readBufferInt(ByteOrder order, long offset) throws InvalidBufferOffsetException {
        check(offset, 4);
        return bytes().get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), offset);
    }

    @ExportMessage
    @TruffleBoundary
    long readBufferLong(ByteOrder order, long offset) throws InvalidBufferOffsetException {
        check(offset, 8);
        return bytes().get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), offset);
    }

    @ExportMessage
    @TruffleBoundary
    float readBufferFloat(ByteOrder order, long offset) throws InvalidBufferOffsetException {
        check(offset, 4);
        return bytes().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), offset);
    }

    @ExportMessage
    @TruffleBoundary
    double readBufferDouble(ByteOrder order, long offset) throws InvalidBufferOffsetException {
        check(offset, 8);
        return bytes().get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), offset);
    }

    @ExportMessage
    void writeBufferByte(long offset, byte value) throws UnsupportedMessageException { throw UnsupportedMessageException.create(); }

    @ExportMessage
    void writeBufferShort(ByteOrder order, long offset, short value) throws UnsupportedMessageException { throw UnsupportedMessageException.create(); }

    @ExportMessage
    void writeBufferInt(ByteOrder order, long offset, int value) throws UnsupportedMessageException { throw UnsupportedMessageException.create(); }

    @ExportMessage
    void writeBufferLong(ByteOrder order, long offset, long value) throws UnsupportedMessageException { throw UnsupportedMessageException.create(); }

    @ExportMessage
    void writeBufferFloat(ByteOrder order, long offset, float value) throws UnsupportedMessageException { throw UnsupportedMessageException.create(); }

    @ExportMessage
    void writeBufferDouble(ByteOrder order, long offset, double value) throws UnsupportedMessageException { throw UnsupportedMessageException.create(); }

    private void check(long offset, long length) throws InvalidBufferOffsetException {
        if (offset < 0 || length < 0 || offset + length > bytes().byteSize()) throw InvalidBufferOffsetException.create(offset, length);
    }

    @ExportMessage boolean hasLanguage() { return true; }

    @ExportMessage Class<? extends com.oracle.truffle.api.TruffleLanguage<?>> getLanguage() { return LinLanguage.class; }

    @ExportMessage
    @TruffleBoundary
    Object toDisplayString(@SuppressWarnings("unused") boolean allowSideEffects) { return toString(); }
}
