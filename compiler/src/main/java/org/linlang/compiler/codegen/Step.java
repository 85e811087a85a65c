package org.linlang.compiler.codegen;

import org.linlang.compiler.ir.Node;
import org.linlang.compiler.types.Dim;

/** One thing a group does on the device, in order: launch a generated kernel, or call a library GEMM. */
public sealed interface Step permits Step.Launch, Step.Gemm {

    /** A generated kernel; its parameters name the graph values they read and write. */
    record Launch(KernelSource kernel) implements Step {}

    /**
     * A matrix product done by cuBLAS ({@code cublasGemmStridedBatchedEx}, f32 accumulation): for
     * each of {@code batch} products, {@code C[m, n] = op(A)[m, k] · op(B)[k, n]} on row-major
     * buffers, A {@code [m, k]} (stored {@code [k, m]} when {@code transA}), B {@code [k, n]}
     * (stored {@code [n, k]} when {@code transB}), C {@code [m, n]}; an operand with
     * {@code stride 0} is shared by every product (a weight).
     */
    record Gemm(Node out, Node a, Node b, boolean transA, boolean transB, Dim m, Dim n, Dim k, Dim batch, Dim strideA,
                Dim strideB) implements Step {
        @Override public String toString() {
            return "cublas gemm " + (transA ? "Aᵀ" : "A") + "·" + (transB ? "Bᵀ" : "B") + " m=" + m + " n=" + n + " k=" + k
                    + (batch.equals(Dim.of(1)) ? "" : " batch=" + batch);
        }
    }
}
