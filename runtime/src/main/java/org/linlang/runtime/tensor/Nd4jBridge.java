package org.linlang.runtime.tensor;

import java.lang.foreign.MemorySegment;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Lends f32 tensors to ND4J without copying: the INDArrays made here point into the tensors' own
 * memory. ND4J treats such buffers as external (it never frees them); the pointer object holds the
 * segment, so the memory outlives every INDArray that reads it.
 */
final class Nd4jBridge {
    private Nd4jBridge() {}

    private static final class SegmentPointer extends FloatPointer {
        @SuppressWarnings("unused") // keeps the memory reachable
        private final MemorySegment segment;

        SegmentPointer(MemorySegment segment) {
            this.segment = segment;
            this.address = segment.address();
            this.limit = this.capacity = segment.byteSize() / Float.BYTES;
        }
    }

    /** ND4J needs native f32 memory; OpenBLAS kernels are only trusted on 4-byte-aligned floats. */
    static boolean canLend(Tensor t) {
        return t.dtype == DType.F32 && t.storage.isNative() && t.storage.address() % Float.BYTES == 0;
    }

    /** The tensor's whole storage as an ND4J buffer. */
    static DataBuffer buffer(Tensor t) {
        if (!canLend(t)) throw new IllegalArgumentException("ND4J can only borrow native, aligned f32 storage, not " + t.dtype.lin());
        SegmentPointer pointer = new SegmentPointer(t.storage);
        return Nd4j.createBuffer(pointer, DataType.FLOAT, pointer.capacity(), FloatIndexer.create(pointer));
    }

    /** 0 unless the last two axes of {@code t} are dense in C order ('c') or Fortran order ('f'). */
    static char matrixOrder(Tensor t) {
        int r = t.rank();
        long rows = t.shape[r - 2], cols = t.shape[r - 1], rs = t.strides[r - 2], cs = t.strides[r - 1];
        if ((cols == 1 || cs == 1) && (rows == 1 || rs == cols)) return 'c';
        if ((rows == 1 || rs == 1) && (cols == 1 || cs == rows)) return 'f';
        return 0;
    }

    /** The matrix formed by the last two axes of {@code t}, starting at element {@code offset} of the buffer. */
    static INDArray matrix(DataBuffer buffer, Tensor t, long rows, long offset) {
        long cols = t.shape[t.rank() - 1];
        char order = matrixOrder(t);
        long[] strides = order == 'c' ? new long[] {cols, 1} : new long[] {1, rows};
        return Nd4j.create(buffer, new long[] {rows, cols}, strides, offset, order, DataType.FLOAT);
    }
}
