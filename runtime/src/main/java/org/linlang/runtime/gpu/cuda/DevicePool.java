package org.linlang.runtime.gpu.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Device memory kept between calls: a freed block goes on a list for its size (rounded up to
 * 256 bytes) and the next request of that size takes it back, so a decode loop allocates nothing
 * after its first step.
 */
final class DevicePool implements AutoCloseable {
    private final CudaDriver cuda;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private final Map<Long, Long> sizes = new HashMap<>();

    DevicePool(CudaDriver cuda) { this.cuda = cuda; }

    static long round(long bytes) { return Math.max(256, (bytes + 255) / 256 * 256); }

    long take(long bytes) {
        long size = round(bytes);
        ArrayDeque<Long> list = free.get(size);
        Long p = list == null ? null : list.poll();
        if (p == null) {
            p = cuda.alloc(size);
            sizes.put(p, size);
        }
        return p;
    }

    void give(long ptr) { free.computeIfAbsent(sizes.get(ptr), s -> new ArrayDeque<>()).push(ptr); }

    @Override
    public void close() {
        sizes.keySet().forEach(cuda::free);
        sizes.clear();
        free.clear();
    }
}
