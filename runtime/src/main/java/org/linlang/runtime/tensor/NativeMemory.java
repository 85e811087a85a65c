package org.linlang.runtime.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the memory of new tensors comes from, and counters of how much was asked for (the cpu
 * engine's tests read them to check that a decoding step allocates nothing).
 *
 * <p>Small blocks come from {@code Arena.ofAuto()} (malloc, freed when the garbage collector finds the
 * tensor unreachable). Blocks of {@value #RECYCLED_FROM} bytes and more are <b>recycled</b>: when a
 * tensor that owns one becomes unreachable, its block goes back to a free list instead of to the
 * system, and the next tensor of that size class gets it, zero-filled again but with its pages
 * already mapped. Why: the cpu engine allocates little on the Java heap, so collections are rare,
 * and a fresh block for every prefill output (8 MiB at T=4096, H=4, V=128) meant page faults on
 * never-touched memory in every run — GLA prefill took 37–42 ms in most rounds against 15–17 ms
 * with warm memory (bench/results/cpu-engine-2026-12-07-quiet.md). Since only a collection tells
 * which tensors are dead, recycling asks for one ({@code System.gc()}) when {@value #COLLECT_AFTER}
 * bytes of large blocks have been handed out since the last one and the free list has none of the
 * size wanted — the policy the JDK applies to direct buffers, with a budget instead of a hard
 * limit (a request is never refused: without a free block it gets fresh memory). At most
 * {@value #IDLE_LIMIT} bytes wait in the free lists; beyond that blocks are freed.
 */
public final class NativeMemory {
    /** Blocks from this size up are recycled. */
    static final long RECYCLED_FROM = 1L << 20;
    /** Bytes of large blocks handed out between two collections asked for by this class. */
    static final long COLLECT_AFTER = 256L << 20;
    /** Bytes the free lists may hold. */
    static final long IDLE_LIMIT = 1L << 30;

    private static final LongAdder ALLOCATIONS = new LongAdder();
    private static final LongAdder ALLOCATED_BYTES = new LongAdder();
    private static final LongAdder FRESH_LARGE = new LongAdder();
    private static final LongAdder COLLECTIONS = new LongAdder();
    private static final ConcurrentHashMap<Long, ConcurrentLinkedQueue<Block>> FREE = new ConcurrentHashMap<>();
    private static final AtomicLong IDLE_BYTES = new AtomicLong();
    private static final AtomicLong SINCE_COLLECTION = new AtomicLong();
    /** Cleared by the next collection: how this class notices one it did not ask for. */
    private static volatile WeakReference<Object> collectionSentinel = new WeakReference<>(new Object());

    private NativeMemory() {}

    /** A recycled block: its memory and the arena that frees it. */
    private record Block(Arena arena, MemorySegment memory) {
        long size() { return memory.byteSize(); }
    }

    /** How many tensor memory blocks were asked for since the JVM started (fresh or recycled). */
    public static long allocations() { return ALLOCATIONS.sum(); }

    /** Their bytes. */
    public static long allocatedBytes() { return ALLOCATED_BYTES.sum(); }

    /** How many large blocks were fresh memory rather than recycled. */
    public static long freshLargeBlocks() { return FRESH_LARGE.sum(); }

    /** How many collections recycling asked for. */
    public static long collectionsRequested() { return COLLECTIONS.sum(); }

    /** Zero-filled memory of {@code bytes} bytes, 64-byte aligned, released when no tensor reaches it. */
    static MemorySegment allocate(long bytes) {
        ALLOCATIONS.increment();
        ALLOCATED_BYTES.add(bytes);
        if (bytes < RECYCLED_FROM) return Arena.ofAuto().allocate(bytes, 64);
        long size = sizeClass(bytes);
        if (collectionSentinel.get() == null) {
            SINCE_COLLECTION.set(0);
            collectionSentinel = new WeakReference<>(new Object());
        }
        Block b = take(size);
        if (b == null && SINCE_COLLECTION.get() >= COLLECT_AFTER) {
            SINCE_COLLECTION.set(0);
            COLLECTIONS.increment();
            System.gc(); // the dead tensors' blocks come back through their cleanup actions, on the Cleaner's thread
            b = take(size);
        }
        SINCE_COLLECTION.addAndGet(size);
        if (b == null) {
            FRESH_LARGE.increment();
            Arena arena = Arena.ofShared();
            b = new Block(arena, arena.allocate(size, 64)); // zero-filled by the arena
        } else {
            b.memory().asSlice(0, bytes).fill((byte) 0);
        }
        Block block = b;
        // The tensor's segment has its own automatic scope, shared by every slice and view of it; when none is
        // reachable any more the block goes back to the free list (the cleanup must not reach the segment itself).
        return block.memory().reinterpret(bytes, Arena.ofAuto(), unused -> giveBack(block));
    }

    /** Size classes an eighth of a power of two apart: at most 12.5% more than asked for, and few classes. */
    static long sizeClass(long bytes) {
        long step = Math.max(4096, Long.highestOneBit(bytes) / 8);
        return (bytes + step - 1) / step * step;
    }

    private static Block take(long size) {
        ConcurrentLinkedQueue<Block> q = FREE.get(size);
        Block b = q == null ? null : q.poll();
        if (b != null) IDLE_BYTES.addAndGet(-b.size());
        return b;
    }

    private static void giveBack(Block b) {
        if (IDLE_BYTES.addAndGet(b.size()) > IDLE_LIMIT) {
            IDLE_BYTES.addAndGet(-b.size());
            b.arena().close();
            return;
        }
        FREE.computeIfAbsent(b.size(), s -> new ConcurrentLinkedQueue<>()).add(b);
    }
}
