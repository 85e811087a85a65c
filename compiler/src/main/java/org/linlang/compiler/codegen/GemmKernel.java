package org.linlang.compiler.codegen;

import java.util.List;
import org.linlang.compiler.types.DType;

/**
 * A portable kernel with exactly the semantics of a {@link Step.Gemm} (the cuBLAS call): one work
 * item per element of C, f32 accumulation. It lets the CUDA step list of a plan — generated
 * kernels around library GEMMs — run and be checked on OpenCL, where there is no cuBLAS.
 */
public final class GemmKernel {
    private GemmKernel() {}

    /** Parameters: a, b, c, then the sizes m, n, k, batch, strideA, strideB; threads = batch·m·n. */
    public static KernelSource of(String name, DType a, DType b, DType c, boolean transA, boolean transB) {
        var params = List.of(KernelParam.buffer("a", a, null, false), KernelParam.buffer("b", b, null, false),
                KernelParam.buffer("c", c, null, true), KernelParam.sizeOf("n_m", null), KernelParam.sizeOf("n_n", null),
                KernelParam.sizeOf("n_k", null), KernelParam.sizeOf("n_batch", null), KernelParam.sizeOf("n_sa", null),
                KernelParam.sizeOf("n_sb", null));
        String sig = "KERNEL " + name + "(" + String.join(", ", params.stream().map(KernelParam::declaration).toList()) + ")";
        String aAt = transA ? "p * n_m + i" : "i * n_k + p";
        String bAt = transB ? "j * n_k + p" : "p * n_n + j";
        String body = sig + " {\n"
                + "    i64 gid = GLOBAL_ID;\n"
                + "    if (gid >= n_batch * n_m * n_n) return;\n"
                + "    i64 j = gid % n_n;\n"
                + "    i64 i = (gid / n_n) % n_m;\n"
                + "    i64 t = gid / (n_n * n_m);\n"
                + "    i64 ao = t * n_sa;\n"
                + "    i64 bo = t * n_sb;\n"
                + "    float acc = 0.0f;\n"
                + "    for (i64 p = 0; p < n_k; p++) acc += " + CTypes.load(a, "a", "ao + " + aAt) + " * " + CTypes.load(b, "b", "bo + " + bAt) + ";\n"
                + "    " + CTypes.store(c, "c", "gid", "acc") + "\n"
                + "}\n";
        return new KernelSource(name, body, params, new LaunchConfig(null, 128, 0), "portable twin of a cuBLAS GEMM");
    }
}
