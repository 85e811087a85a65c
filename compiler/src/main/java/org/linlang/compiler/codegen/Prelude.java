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

    /** The prelude text for one target. */
    public static String text(Target target) { return (target == Target.CUDA ? CUDA : OPENCL) + COMMON; }

    /** A whole translation unit: the prelude, then kernel bodies. */
    public static String unit(Target target, String kernels) { return text(target) + "\n" + kernels; }
}
