package org.linlang.runtime.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products on the Java Vector API, for a runtime that does not carry ND4J's native library
 * (libnd4jcpu is 300 MB, far over what the GPU suite's bundle can take to a GPU machine). Chosen only
 * by {@code -Dlin.matmul=vector} ({@link LinAlg}), never as a silent fallback: ND4J's OpenBLAS stays the
 * default for large products.
 *
 * <p>Operands are f32 and dense in C order (callers copy what is not). Four rows of C are accumulated
 * at a time so that each vector of B read serves four rows; column blocks are spread over the common
 * fork-join pool when the product is large, so a decode step's matrix-vector products use every core.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int BLOCK = 256;
    private static final long PARALLEL = 1L << 20;

    private VectorGemm() {}

    /** {@code c[m x n] = a[m x k] b[k x n]}; offsets are in f32 elements of each segment. */
    static void multiply(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment c, long co, int m, int n, int k) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        IntStream range = IntStream.range(0, blocks);
        if ((long) m * n * k >= PARALLEL && blocks > 1) range = range.parallel();
        range.forEach(blk -> block(a, ao, b, bo, c, co, m, n, k, blk * BLOCK, Math.min(n, blk * BLOCK + BLOCK)));
    }

    private static void block(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment c, long co, int m, int n, int k, int j0, int j1) {
        int width = j1 - j0;
        float[][] acc = new float[4][width];
        for (int i0 = 0; i0 < m; i0 += 4) {
            int rows = Math.min(4, m - i0);
            for (float[] r : acc) java.util.Arrays.fill(r, 0f);
            for (int p = 0; p < k; p++) {
                float a0 = a.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, ao + (long) i0 * k + p);
                float a1 = rows > 1 ? a.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, ao + (long) (i0 + 1) * k + p) : 0f;
                float a2 = rows > 2 ? a.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, ao + (long) (i0 + 2) * k + p) : 0f;
                float a3 = rows > 3 ? a.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, ao + (long) (i0 + 3) * k + p) : 0f;
                long row = (bo + (long) p * n + j0) * Float.BYTES;
                for (int j = 0; j < width; j += F.length()) {
                    VectorMask<Float> mask = F.indexInRange(j, width);
                    FloatVector v = FloatVector.fromMemorySegment(F, b, row + (long) j * Float.BYTES, NATIVE, mask);
                    FloatVector.fromArray(F, acc[0], j, mask).add(v.mul(a0)).intoArray(acc[0], j, mask);
                    if (rows > 1) FloatVector.fromArray(F, acc[1], j, mask).add(v.mul(a1)).intoArray(acc[1], j, mask);
                    if (rows > 2) FloatVector.fromArray(F, acc[2], j, mask).add(v.mul(a2)).intoArray(acc[2], j, mask);
                    if (rows > 3) FloatVector.fromArray(F, acc[3], j, mask).add(v.mul(a3)).intoArray(acc[3], j, mask);
                }
            }
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(acc[r], 0, c, ValueLayout.JAVA_FLOAT_UNALIGNED, (co + (long) (i0 + r) * n + j0) * Float.BYTES, width);
            }
        }
    }
}
