package org.linlang.runtime.gpu.cuda;

import java.util.List;

/** Turns one CUDA translation unit into a cubin for one architecture: NVRTC when its library is found, else nvcc. */
public interface CudaCompiler {
    /** The options every kernel is compiled with (part of the cache key). */
    List<String> OPTIONS = List.of("-std=c++17");

    /** {@code nvrtc 13.0} or {@code nvcc /usr/local/bin/nvcc}. */
    String describe();

    /** The cubin of {@code source} for {@code arch} ({@code sm_90}); failures carry the compiler's log. */
    byte[] compile(String source, String arch);

    /** NVRTC if it loads, else nvcc if it is on the PATH or under /usr/local/cuda, else an exception naming both. */
    static CudaCompiler find() {
        String nvrtcProblem;
        try {
            return Nvrtc.load();
        } catch (IllegalStateException e) {
            nvrtcProblem = e.getMessage();
        }
        String nvcc = NvccCompiler.locate();
        if (nvcc != null) return new NvccCompiler(nvcc);
        throw new org.linlang.runtime.gpu.GpuUnavailableException("no CUDA compiler: " + nvrtcProblem + ", and nvcc is not installed");
    }
}
