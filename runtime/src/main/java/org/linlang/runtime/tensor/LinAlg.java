package org.linlang.runtime.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products. They run on ND4J's OpenBLAS sgemm, reading the operands in place: a product of
 * 2 x 1024^3 flops takes ~20 ms there against seconds in plain Java loops. Operands of other dtypes
 * are converted to f32 first; the result has the promoted type ({@code f32} for integers).
 * {@code -Dlin.matmul=vector} runs them on the Java Vector API instead ({@link VectorGemm}), for a
 * runtime that does not carry ND4J's 300 MB native library (the GPU suite's bundle).
 */
public final class LinAlg {
    private LinAlg() {}

    /** True under {@code -Dlin.matmul=vector}: every product on {@link VectorGemm}, ND4J never loaded. */
    static final boolean VECTOR = "vector".equals(System.getProperty("lin.matmul"));

    /**
     * numpy's {@code a @ b}: the last two axes multiply as matrices, leading axes broadcast as batch
     * axes; a 1-D left operand acts as a row vector and a 1-D right operand as a column vector, and
     * their axis is removed from the result.
     */
    public static Tensor matmul(Tensor a, Tensor b) { return matmul(a, b, VECTOR); }

    /** {@link #matmul(Tensor, Tensor)} on ND4J, or on the Java Vector API when {@code vector}. */
    static Tensor matmul(Tensor a, Tensor b, boolean vector) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul needs tensors of rank 1 or more, got " + Layout.format(a.shape) + " @ " + Layout.format(b.shape));
        }
        Tensor x = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor y = b.rank() == 1 ? b.unsqueeze(1) : b;
        long m = x.dim(-2), k = x.dim(-1), n = y.dim(-1);
        if (y.dim(-2) != k) {
            throw new IllegalArgumentException("matmul: cannot multiply " + Layout.format(a.shape) + " by " + Layout.format(b.shape)
                    + ": inner dimensions " + k + " and " + y.dim(-2) + " differ");
        }
        long[] batch = Shapes.broadcastShapes(Arrays.copyOf(x.shape, x.rank() - 2), Arrays.copyOf(y.shape, y.rank() - 2));
        long[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.allocate(DType.F32, outShape);
        if (out.numel() > 0 && k > 0) {
            if (vector) vectorGemm(dense(x), dense(y), out, batch);
            else gemm(lendable(x), lendable(y), out, batch);
        }
        Tensor result = out;
        if (a.rank() == 1) result = result.squeeze(-2);
        if (b.rank() == 1) result = result.squeeze(-1);
        DType type = DType.promote(a.dtype, b.dtype);
        return result.to(type.isFloat() ? type : DType.F32);
    }

    /** The outer product of two tensors read as flat vectors: {@code [a.numel(), b.numel()]}, computed exactly like {@link Elementwise#mul}. */
    public static Tensor outer(Tensor a, Tensor b) {
        return Elementwise.mul(a.reshape(-1).unsqueeze(1), b.reshape(-1).unsqueeze(0));
    }

    /** f32 operands whose matrices ND4J can read in place; copies only what it cannot. */
    private static Tensor lendable(Tensor t) {
        Tensor f = t.to(DType.F32);
        return Nd4jBridge.canLend(f) && Nd4jBridge.matrixOrder(f) != 0 ? f : f.copy();
    }

    /** f32 operands dense in C order, as {@link VectorGemm} reads them. */
    private static Tensor dense(Tensor t) {
        Tensor f = t.to(DType.F32);
        return f.isContiguous() && f.storage.byteSize() >= (f.offset + f.numel()) * Float.BYTES ? f : f.copy();
    }

    private static void vectorGemm(Tensor x, Tensor y, Tensor out, long[] batch) {
        int m = Math.toIntExact(x.dim(-2)), k = Math.toIntExact(x.dim(-1)), n = Math.toIntExact(y.dim(-1));
        forEachProduct(x, y, batch, (i, xo, yo) -> VectorGemm.multiply(x.storage, xo, y.storage, yo, out.storage, out.offset + i * m * n, m, n, k));
    }

    /** One matrix product of a batched matmul: the {@code i}-th output matrix, from its operands' offsets. */
    private interface Product { void run(long i, long xOffset, long yOffset); }

    /** Runs {@code p} for each index of the broadcast batch, carrying each operand's offset (0 stride where it broadcasts). */
    private static void forEachProduct(Tensor x, Tensor y, long[] batch, Product p) {
        long[] xs = batchStrides(x, batch), ys = batchStrides(y, batch);
        long[] index = new long[batch.length];
        long xo = x.offset, yo = y.offset, count = Layout.numel(batch);
        for (long i = 0; i < count; i++) {
            p.run(i, xo, yo);
            for (int ax = batch.length - 1; ax >= 0; ax--) { // next batch index
                index[ax]++;
                xo += xs[ax];
                yo += ys[ax];
                if (index[ax] < batch[ax]) break;
                xo -= xs[ax] * batch[ax];
                yo -= ys[ax] * batch[ax];
                index[ax] = 0;
            }
        }
    }

    private static void gemm(Tensor x, Tensor y, Tensor out, long[] batch) {
        long m = x.dim(-2), n = y.dim(-1);
        DataBuffer xb = Nd4jBridge.buffer(x), yb = Nd4jBridge.buffer(y), ob = Nd4jBridge.buffer(out);
        if (y.rank() == 2 && x.isContiguous()) { // one product: the batch axes of x become rows
            long rows = x.numel() / x.dim(-1);
            Nd4j.gemm(Nd4jBridge.matrix(xb, x, rows, x.offset), Nd4jBridge.matrix(yb, y, y.dim(-2), y.offset),
                    Nd4jBridge.matrix(ob, out, rows, 0), false, false, 1.0, 0.0);
            return;
        }
        forEachProduct(x, y, batch, (i, xo, yo) -> Nd4j.gemm(Nd4jBridge.matrix(xb, x, m, xo), Nd4jBridge.matrix(yb, y, y.dim(-2), yo),
                Nd4jBridge.matrix(ob, out, m, i * m * n), false, false, 1.0, 0.0));
    }

    /** Strides of the batch axes of {@code t} aligned to the broadcast batch shape; 0 where it broadcasts. */
    private static long[] batchStrides(Tensor t, long[] batch) {
        long[] s = new long[batch.length];
        int lead = batch.length - (t.rank() - 2);
        for (int i = lead; i < batch.length; i++) {
            if (t.shape[i - lead] != 1) s[i] = t.strides[i - lead];
        }
        return s;
    }
}
