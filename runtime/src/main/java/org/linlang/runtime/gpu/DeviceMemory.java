package org.linlang.runtime.gpu;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The memory of one device, shared by the runners of its plans, and what crosses the bus. A buffer
 * given back goes on a list for its size (rounded up to 256 bytes) and the next request of that size
 * takes it again, so a decode loop allocates nothing once its buffers have come round; a block that
 * stayed unused for {@link #IDLE_RUNS} runs is released to the device (a KV cache grows a little each
 * step, so its old sizes would otherwise pile up). Weights are allocated apart ({@link #allocResident})
 * and kept by their runner. The counters (device allocations, live buffers and bytes, bytes copied
 * host to device and back) are what the tests read.
 *
 * @param <M> the device's handle of a buffer
 */
public final class DeviceMemory<M> implements AutoCloseable {
    /** Runs a free block may wait for a taker before it is released. */
    static final int IDLE_RUNS = 2;

    private final LongFunction<M> alloc;
    private final Consumer<M> release;
    private final Map<Long, ArrayDeque<Idle<M>>> free = new HashMap<>();
    private final Map<M, Long> sizes = new HashMap<>(); // by value: CUDA's handles are boxed pointers
    private long runs;
    private long allocations, releases, liveBytes, uploaded, downloaded;

    private record Idle<M>(M buffer, long since) {}

    public DeviceMemory(LongFunction<M> alloc, Consumer<M> release) {
        this.alloc = alloc;
        this.release = release;
    }

    static long round(long bytes) { return Math.max(256, (bytes + 255) / 256 * 256); }

    /** A buffer of at least {@code bytes}: one given back earlier if one of its size is free, else a new one. */
    public synchronized M take(long bytes) {
        long size = round(bytes);
        ArrayDeque<Idle<M>> list = free.get(size);
        Idle<M> idle = list == null ? null : list.pollFirst();
        if (idle != null) return idle.buffer();
        return allocate(size);
    }

    /** Gives back a buffer from {@link #take}: it may be taken again. */
    public synchronized void give(M m) {
        Long size = sizes.get(m);
        if (size == null) throw new IllegalStateException("a buffer given back twice, or not from this device's memory");
        // first in, first out: a decode step then takes its buffers in the order the step before gave them back, so the
        // buffers of its values repeat every other step and a recorded launch list can be replayed (DevicePlanRunner)
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).addLast(new Idle<>(m, runs));
    }

    /** A buffer kept until {@link #freeResident} (a weight). */
    public synchronized M allocResident(long bytes) { return allocate(round(bytes)); }

    public synchronized void freeResident(M m) { releaseNow(m); }

    /** The end of a run: free blocks nobody took for {@link #IDLE_RUNS} runs go back to the device. */
    synchronized void endOfRun() {
        runs++;
        for (ArrayDeque<Idle<M>> list : free.values()) {
            while (!list.isEmpty() && runs - list.peekFirst().since() > IDLE_RUNS) releaseNow(list.pollFirst().buffer());
        }
        free.values().removeIf(ArrayDeque::isEmpty);
    }

    synchronized void countUpload(long bytes) { uploaded += bytes; }

    synchronized void countDownload(long bytes) { downloaded += bytes; }

    private M allocate(long size) {
        M m = alloc.apply(size);
        sizes.put(m, size);
        allocations++;
        liveBytes += size;
        return m;
    }

    private void releaseNow(M m) {
        Long size = sizes.remove(m);
        if (size == null) throw new IllegalStateException("a buffer released twice, or not from this device's memory");
        release.accept(m);
        releases++;
        liveBytes -= size;
    }

    /** Device allocations made so far (a pool hit is none). */
    public synchronized long allocations() { return allocations; }

    /** Buffers the device holds for this memory now: in use, kept (weights) or free in the pool. */
    public synchronized long liveBuffers() { return allocations - releases; }

    public synchronized long liveBytes() { return liveBytes; }

    /** Bytes copied host to device so far. */
    public synchronized long uploadedBytes() { return uploaded; }

    /** Bytes copied device to host so far. */
    public synchronized long downloadedBytes() { return downloaded; }

    /** Releases every buffer still held, in use or not: the device is going away. */
    @Override
    public synchronized void close() {
        for (M m : new ArrayList<>(sizes.keySet())) releaseNow(m);
        free.clear();
    }

    /** The buffers in use now (taken and not given back, or resident): for error messages and tests. */
    synchronized List<M> inUse() {
        var idle = new java.util.HashSet<M>();
        for (ArrayDeque<Idle<M>> l : free.values()) for (Idle<M> i : l) idle.add(i.buffer());
        return sizes.keySet().stream().filter(m -> !idle.contains(m)).toList();
    }
}
