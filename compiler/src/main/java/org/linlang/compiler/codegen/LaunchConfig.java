package org.linlang.compiler.codegen;

import org.linlang.compiler.types.Dim;

/**
 * How a kernel is launched on a one-dimensional grid: {@code threads} work items in all (a
 * polynomial in the graph's symbolic sizes, rounded up to whole groups at launch), {@code local}
 * per group, and the static shared (local) memory the kernel declares, checked against the limits
 * of the device ({@link #check}).
 */
public record LaunchConfig(Dim threads, int local, int sharedBytes) {
    /** 48 KiB: static shared memory per block on every CUDA architecture; PoCL gives at least as much. */
    public static final int MAX_STATIC_SHARED = 48 * 1024;
    /** 1024 threads per block on CUDA; OpenCL devices report their own limit (PoCL: 4096). */
    public static final int MAX_LOCAL = 1024;

    public LaunchConfig {
        check(local, sharedBytes);
    }

    static void check(int local, int sharedBytes) {
        if (local < 1 || local > MAX_LOCAL) throw new CodegenException("a work-group of " + local + " threads is outside 1.." + MAX_LOCAL);
        if (sharedBytes > MAX_STATIC_SHARED) {
            throw new CodegenException("a kernel needs " + sharedBytes + " bytes of shared memory, over the " + MAX_STATIC_SHARED + " bytes of static shared memory");
        }
    }

    /** The number of work-groups for a thread count. */
    public long groups(long threadCount) { return (threadCount + local - 1) / local; }
}
