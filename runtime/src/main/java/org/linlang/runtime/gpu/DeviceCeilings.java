package org.linlang.runtime.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * What the device reaches on two probes measured in the same run as the kernels they judge:
 * memory bandwidth from a large device-to-device copy (the generated {@code CopyKernel}: bytes
 * read + written per second), and compute from a large square f32 GEMM (cuBLAS on CUDA; the
 * portable {@code GemmKernel} on OpenCL, which is far from an OpenCL device's peak). Each is the
 * best of its timed runs on the device's clock, after one untimed run.
 *
 * @param copyBytes the bytes of the copied buffer
 * @param gemmSize  n of the n×n×n GEMM
 * @param gemmWhat  which GEMM ran
 */
public record DeviceCeilings(long copyBytes, double bytesPerSecond, int gemmSize, String gemmWhat, double flopsPerSecond) {

    /** The device operations the probes need, over the device's buffer handle. */
    public interface Probe<M> {
        M alloc(long bytes);

        void upload(M m, MemorySegment data);

        void free(M m);

        /** Copies {@code words} f32 from src to dst; the device's time in seconds. */
        double copy(M src, M dst, long words);

        /** c = a·b, all n×n f32 row-major; the device's time in seconds. */
        double gemm(M a, M b, M c, int n);

        String gemmWhat();
    }

    public static <M> DeviceCeilings measure(Probe<M> probe, long copyBytes, int gemmSize, int repeat) {
        long words = copyBytes / 4;
        M src = probe.alloc(words * 4), dst = probe.alloc(words * 4);
        try {
            probe.upload(src, filled(words));
            double copy = best(repeat, () -> probe.copy(src, dst, words));
            M a = probe.alloc(4L * gemmSize * gemmSize), b = probe.alloc(4L * gemmSize * gemmSize), c = probe.alloc(4L * gemmSize * gemmSize);
            try {
                MemorySegment x = filled((long) gemmSize * gemmSize);
                probe.upload(a, x);
                probe.upload(b, x);
                double gemm = best(repeat, () -> probe.gemm(a, b, c, gemmSize));
                return new DeviceCeilings(words * 4, 2.0 * words * 4 / copy, gemmSize, probe.gemmWhat(), 2.0 * gemmSize * gemmSize * (double) gemmSize / gemm);
            } finally {
                probe.free(a);
                probe.free(b);
                probe.free(c);
            }
        } finally {
            probe.free(src);
            probe.free(dst);
        }
    }

    /** Values in [0.5, 1.5): no zeros a device might skip, no denormals a CPU would slow down on. */
    private static MemorySegment filled(long words) {
        MemorySegment m = Arena.ofAuto().allocate(words * 4, 8);
        for (long i = 0; i < words; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, 0.5f + (i * 7919 % 1000) / 1000f);
        return m;
    }

    private static double best(int repeat, java.util.function.DoubleSupplier run) {
        run.getAsDouble(); // the first run builds the kernel (and on a GPU wakes the clocks)
        double[] t = new double[Math.max(1, repeat)];
        for (int i = 0; i < t.length; i++) t[i] = run.getAsDouble();
        return Arrays.stream(t).min().orElseThrow();
    }
}
