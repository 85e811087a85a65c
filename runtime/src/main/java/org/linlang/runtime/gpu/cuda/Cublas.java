package org.linlang.runtime.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import org.linlang.compiler.types.DType;
import org.linlang.runtime.gpu.GpuUnavailableException;

/**
 * cuBLAS of the installed CUDA ({@code libcublas.so.13}, else {@code .12}) through FFM: one call,
 * {@code cublasGemmStridedBatchedEx} with f32 accumulation, on row-major buffers. Row-major
 * {@code C = op(A) op(B)} is column-major {@code Cᵀ = op(B)ᵀ op(A)ᵀ}, so the operands are passed
 * swapped and no data is transposed.
 */
public final class Cublas {
    private static final int CUDA_R_32F = 0, CUDA_R_16BF = 14, COMPUTE_32F = 68, GEMM_DEFAULT = -1;

    private final MethodHandle gemm, setStream;
    private final MemorySegment handle;

    private Cublas(SymbolLookup lib) throws Throwable {
        MethodHandle create = NativeLibraries.bind(lib, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MemorySegment h = Arena.global().allocate(ADDRESS);
        int r = (int) create.invokeExact(h);
        if (r != 0) throw new IllegalStateException("cublasCreate failed with status " + r);
        handle = h.get(ADDRESS, 0);
        setStream = NativeLibraries.bind(lib, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        gemm = NativeLibraries.bind(lib, "cublasGemmStridedBatchedEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    public static Cublas load() {
        var tried = new ArrayList<String>();
        SymbolLookup lib = NativeLibraries.find(List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so"), tried);
        if (lib == null) throw new GpuUnavailableException("cuBLAS was not found (libcublas.so.13 or .12), which the cuda engine needs for matrix products");
        try {
            return new Cublas(lib);
        } catch (Throwable t) {
            throw new GpuUnavailableException("cuBLAS could not be used: " + t.getMessage());
        }
    }

    private static int type(DType t) {
        return switch (t) {
            case F32 -> CUDA_R_32F;
            case BF16 -> CUDA_R_16BF;
            default -> throw new IllegalArgumentException("cuBLAS products take f32 or bf16, found " + t.lin());
        };
    }

    /** Puts the products that follow on {@code stream} (NULL: the default stream), as a graph capture needs; not yet run on a GPU. */
    public void stream(MemorySegment stream) {
        try {
            int r = (int) setStream.invokeExact(handle, stream);
            if (r != 0) throw new IllegalStateException("cublasSetStream failed with status " + r);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Row-major {@code C[m, n] = op(A)[m, k] · op(B)[k, n]} for {@code batch} products; A is
     * stored {@code [m, k]} ({@code [k, m]} with transA), B {@code [k, n]} ({@code [n, k]} with transB).
     */
    public void gemm(long a, DType ta, boolean transA, long b, DType tb, boolean transB, long c, DType tc, long m, long n, long k,
                     long batch, long strideA, long strideB) {
        int lda = (int) (transA ? m : k), ldb = (int) (transB ? k : n), ldc = (int) n;
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment alpha = ar.allocate(JAVA_FLOAT), beta = ar.allocate(JAVA_FLOAT);
            alpha.set(JAVA_FLOAT, 0, 1f);
            beta.set(JAVA_FLOAT, 0, 0f);
            int r = (int) gemm.invokeExact(handle, transB ? 1 : 0, transA ? 1 : 0, (int) n, (int) m, (int) k, alpha,
                    b, type(tb), ldb, strideB, a, type(ta), lda, strideA, beta, c, type(tc), ldc, m * n, (int) batch, COMPUTE_32F, GEMM_DEFAULT);
            if (r != 0) throw new IllegalStateException("cublasGemmStridedBatchedEx failed with status " + r);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
