package org.linlang.compiler.codegen;

/**
 * The small set of macros every generated kernel is written against, so that one kernel text
 * compiles as CUDA C++ (nvcc, NVRTC) and as OpenCL C 1.2 (PoCL, any OpenCL driver). Kernels never
 * name a CUDA or OpenCL keyword directly: they say {@code KERNEL}, {@code GLOBAL}, {@code LOCAL_MEM},
 * {@code BARRIER()} (orders local memory; {@code BARRIER_GLOBAL()} orders global memory too, within
 * the group), {@code GLOBAL_ID}, {@code EXPF(x)}, and so on.
 *
 * <p>Element types in memory: f32 as {@code float}, bf16 as raw {@code u16} bits (read with
 * {@code BF16_LOAD}, written with round-to-nearest-even {@code BF16_STORE}), i64, i32, and bool as
 * {@code u8}. Arithmetic is f32; indices are {@code i64}.
 */
public final class Prelude {
    private Prelude() {}

    /** Which compiler reads the text. */
    public enum Target {
        CUDA, OPENCL;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private static final String CUDA = """
            // Lin portable prelude: CUDA
            typedef long long i64;
            typedef int i32;
            typedef unsigned int u32;
            typedef unsigned short u16;
            typedef unsigned char u8;
            #define KERNEL extern "C" __global__ void
            #define INLINE __device__ __forceinline__
            #define GLOBAL
            #define LOCAL_MEM __shared__
            #define RESTRICT __restrict__
            #define BARRIER() __syncthreads()
            #define BARRIER_GLOBAL() __syncthreads()
            #define GLOBAL_ID ((i64)blockIdx.x * (i64)blockDim.x + (i64)threadIdx.x)
            #define LOCAL_ID ((i32)threadIdx.x)
            #define GROUP_ID ((i64)blockIdx.x)
            #define LOCAL_SIZE ((i32)blockDim.x)
            #define AS_FLOAT(u) __uint_as_float(u)
            #define AS_UINT(f) __float_as_uint(f)
            #define EXPF(x) expf(x)
            #define LOGF(x) logf(x)
            #define SQRTF(x) sqrtf(x)
            #define RSQRTF(x) rsqrtf(x)
            #define TANHF(x) tanhf(x)
            #define FABSF(x) fabsf(x)
            #define FMAXF(a, b) fmaxf(a, b)
            #define FMINF(a, b) fminf(a, b)
            #define POWF(a, b) powf(a, b)
            #define FMODF(a, b) fmodf(a, b)
            #define SINF(x) sinf(x)
            #define COSF(x) cosf(x)
            #define ERFF(x) erff(x)
            #define LOG1PF(x) log1pf(x)
            """;

    private static final String OPENCL = """
            // Lin portable prelude: OpenCL C 1.2
            typedef long i64;
            typedef int i32;
            typedef uint u32;
            typedef ushort u16;
            typedef uchar u8;
            #define KERNEL __kernel void
            #define INLINE static inline
            #define GLOBAL __global
            #define LOCAL_MEM __local
            #define RESTRICT restrict
            #define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
            #define BARRIER_GLOBAL() barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)
            #define GLOBAL_ID ((i64)get_global_id(0))
            #define LOCAL_ID ((i32)get_local_id(0))
            #define GROUP_ID ((i64)get_group_id(0))
            #define LOCAL_SIZE ((i32)get_local_size(0))
            #define AS_FLOAT(u) as_float(u)
            #define AS_UINT(f) as_uint(f)
            #define EXPF(x) exp(x)
            #define LOGF(x) log(x)
            #define SQRTF(x) sqrt(x)
            #define RSQRTF(x) rsqrt(x)
            #define TANHF(x) tanh(x)
            #define FABSF(x) fabs(x)
            #define FMAXF(a, b) fmax(a, b)
            #define FMINF(a, b) fmin(a, b)
            #define POWF(a, b) pow(a, b)
            #define FMODF(a, b) fmod(a, b)
            #define SINF(x) sin(x)
            #define COSF(x) cos(x)
            #define ERFF(x) erf(x)
            #define LOG1PF(x) log1p(x)
            """;

    /** Shared by both targets: bf16 conversion and the activations, written once over the macros above. */
    private static final String COMMON = """
            INLINE float bf16_load(u16 h) { return AS_FLOAT(((u32)h) << 16); }
            INLINE u16 bf16_store(float f) {
                u32 u = AS_UINT(f);
                if ((u & 0x7fffffffu) > 0x7f800000u) return (u16)((u >> 16) | 0x40u);
                u += 0x7fffu + ((u >> 16) & 1u);
                return (u16)(u >> 16);
            }
            INLINE float lin_sigmoid(float x) { return 1.0f / (1.0f + EXPF(-x)); }
            INLINE float lin_silu(float x) { return x / (1.0f + EXPF(-x)); }
            INLINE float lin_softplus(float x) { return x > 20.0f ? x : LOG1PF(EXPF(x)); }
            INLINE float lin_gelu(float x) { return 0.5f * x * (1.0f + ERFF(x * 0.70710678118654752f)); }
            INLINE float lin_elu(float x) { return x > 0.0f ? x : EXPF(x) - 1.0f; }
            INLINE float lin_relu(float x) { return x > 0.0f ? x : 0.0f; }
            """;

    /**
     * The tile layer of the tensor-core kernels, CUDA: {@code TILE_MMA_16x16x16(a, lda, b, ldb, c, ldc)}
     * is {@code C += A·B} on 16×16 tiles in shared memory (A, B of {@code tc_t}, bf16, row-major with
     * leading dimensions {@code lda}, {@code ldb}; C f32 row-major, {@code ldc}), done by the calling
     * warp with {@code nvcuda::wmma} (every lane of the warp calls it). {@code TC_CVT} rounds a float to
     * the operand type (nearest even), {@code TC_FLOAT} reads one back. Tile pointers must be 32-byte
     * aligned ({@code TC_ALIGN} on the arrays, offsets in whole tiles) and leading dimensions multiples
     * of 16. The {@code __syncwarp} lets the next tile op of the warp read what this one stored.
     */
    private static final String TILE_CUDA = """
            // Lin tile layer: wmma bf16 (sm_80+)
            #if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
            #error "the tensor-core kernels need sm_80 or newer (wmma with bf16 operands)"
            #endif
            #include <mma.h>
            #include <cuda_bf16.h>
            typedef __nv_bfloat16 tc_t;
            #define TC_ALIGN __align__(32)
            #define TC_CVT(x) __float2bfloat16(x)
            #define TC_FLOAT(x) __bfloat162float(x)
            #define TILE_MMA_16x16x16(a, lda, b, ldb, c, ldc) do { \
                nvcuda::wmma::fragment<nvcuda::wmma::matrix_a, 16, 16, 16, __nv_bfloat16, nvcuda::wmma::row_major> tma_a; \
                nvcuda::wmma::fragment<nvcuda::wmma::matrix_b, 16, 16, 16, __nv_bfloat16, nvcuda::wmma::row_major> tma_b; \
                nvcuda::wmma::fragment<nvcuda::wmma::accumulator, 16, 16, 16, float> tma_c; \
                nvcuda::wmma::load_matrix_sync(tma_a, (a), (lda)); \
                nvcuda::wmma::load_matrix_sync(tma_b, (b), (ldb)); \
                nvcuda::wmma::load_matrix_sync(tma_c, (c), (ldc), nvcuda::wmma::mem_row_major); \
                nvcuda::wmma::mma_sync(tma_c, tma_a, tma_b, tma_c); \
                nvcuda::wmma::store_matrix_sync((c), tma_c, (ldc), nvcuda::wmma::mem_row_major); \
                __syncwarp(); \
            } while (0)
            """;

    /**
     * The tile layer's portable emulation (OpenCL C): the same {@code C += A·B} on 16×16 tiles, each
     * of the warp's 32 items (items {@code 32w … 32w + 31} of the group play warp {@code w}) computing
     * 8 of the 256 outputs in f32 — every item reads and writes the same outputs at every call, so no
     * barrier is needed between the tile ops of one warp, as with the {@code __syncwarp} on CUDA.
     * Operands are f32 here ({@code TC_CVT} keeps the float); a test may redefine {@code TC_CVT} to
     * round to bf16 as the CUDA form does.
     */
    private static final String TILE_OPENCL = """
            // Lin tile layer: portable emulation (f32)
            typedef float tc_t;
            #define TC_ALIGN
            #define TC_CVT(x) ((float)(x))
            #define TC_FLOAT(x) (x)
            #define TILE_MMA_16x16x16(a, lda, b, ldb, c, ldc) do { \
                for (i32 tma_e = LOCAL_ID % 32; tma_e < 256; tma_e += 32) { \
                    i32 tma_r = tma_e / 16, tma_n = tma_e % 16; \
                    float tma_s = (c)[tma_r * (ldc) + tma_n]; \
                    for (i32 tma_k = 0; tma_k < 16; tma_k++) tma_s += TC_FLOAT((a)[tma_r * (lda) + tma_k]) * TC_FLOAT((b)[tma_k * (ldb) + tma_n]); \
                    (c)[tma_r * (ldc) + tma_n] = tma_s; \
                } \
            } while (0)
            """;

    /** The prelude text for one target. */
    public static String text(Target target) { return (target == Target.CUDA ? CUDA : OPENCL) + COMMON; }

    /** The tile layer for one target (added to a unit whose kernels use {@code TILE_MMA_16x16x16}). */
    public static String tiles(Target target) { return target == Target.CUDA ? TILE_CUDA : TILE_OPENCL; }

    /** A whole translation unit: the prelude (with the tile layer when a kernel uses it), then kernel bodies. */
    public static String unit(Target target, String kernels) {
        return text(target) + (kernels.contains("TILE_MMA_16x16x16") ? tiles(target) : "") + "\n" + kernels;
    }
}
