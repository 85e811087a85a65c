package org.linlang.runtime.cpu;

import java.lang.foreign.MemorySegment;
import org.linlang.runtime.tensor.Tensor;

/**
 * Copying a strided tensor into a contiguous one of the same shape and element type, element bytes
 * as they are. Unlike {@code Tensor.copyFrom}, which copies its source first whenever the two share
 * a block of memory, this trusts the caller that the elements do not overlap: the workspace places
 * distinct values in distinct parts of one block.
 */
final class Copies {
    private Copies() {}

    static void copy(Tensor src, Tensor dst) {
        long[] shape = src.shape(), st = src.strides();
        int rank = shape.length, size = src.dtype().byteSize();
        long n = src.numel();
        if (n == 0) return;
        MemorySegment from = src.storage(), to = dst.storage();
        long out = dst.offset() * size;
        if (rank == 0) {
            MemorySegment.copy(from, src.offset() * size, to, out, size);
            return;
        }
        long len = shape[rank - 1], last = st[rank - 1];
        long[] index = new long[rank];
        long at = src.offset();
        for (long row = 0; row < n / len; row++) {
            if (last == 1) {
                MemorySegment.copy(from, at * size, to, out, len * size);
            } else {
                for (long j = 0; j < len; j++) MemorySegment.copy(from, (at + j * last) * size, to, out + j * size, size);
            }
            out += len * size;
            for (int ax = rank - 2; ax >= 0; ax--) { // the next row: carry through the outer axes
                index[ax]++;
                at += st[ax];
                if (index[ax] < shape[ax]) break;
                at -= st[ax] * shape[ax];
                index[ax] = 0;
            }
        }
    }
}
