package org.linlang.compiler.codegen;

import java.util.List;
import org.linlang.compiler.types.DType;

/**
 * A device-to-device copy of f32 words, one work item per word: the probe of a device's memory
 * bandwidth that {@code lin bench --engine opencl|cuda} measures each kernel's GB/s against. It is
 * written against the prelude like every plan kernel, so the same text runs on OpenCL and CUDA.
 */
public final class CopyKernel {
    private CopyKernel() {}

    /** Parameters: src, dst, then the word count n; threads = n. */
    public static KernelSource of(String name) {
        var params = List.of(KernelParam.buffer("src", DType.F32, null, false), KernelParam.buffer("dst", DType.F32, null, true),
                KernelParam.sizeOf("n", null));
        String sig = "KERNEL " + name + "(" + String.join(", ", params.stream().map(KernelParam::declaration).toList()) + ")";
        String body = sig + " {\n"
                + "    i64 gid = GLOBAL_ID;\n"
                + "    if (gid < n) dst[gid] = src[gid];\n"
                + "}\n";
        return new KernelSource(name, body, params, new LaunchConfig(null, 256, 0), "device-to-device copy (bandwidth probe)");
    }
}
