package org.linlang.runtime.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool for the cpu kernels: {@code threads - 1} daemon workers plus the calling thread
 * share the items of one parallel loop, claiming them one at a time.
 *
 * <p>A loop allocates nothing (the decode step relies on it): the caller publishes the task in
 * fields and a new generation in the claim counter ({@code generation << 32 | next item}); workers
 * spin briefly for it and then park. The caller claims items too and waits only for items that
 * were claimed, never for a worker that has not woken up: on a busy machine a descheduled worker
 * costs nothing. One loop runs at a time: a second caller (another thread, or a task that starts a
 * loop itself) runs its items on its own thread instead of waiting. The workers are daemons started
 * with the pool and live as long as the JVM ({@link #shared()}); pools made with
 * {@link #WorkerPool(int)} are stopped by {@link #close()} (not while a loop runs).
 */
final class WorkerPool implements AutoCloseable {
    /** One loop's body: runs item {@code item} on worker {@code worker} ({@code 0 <= worker < threads()}). */
    interface Task {
        void run(int item, int worker);
    }

    private static final class Holder {
        static final WorkerPool SHARED = new WorkerPool(Runtime.getRuntime().availableProcessors());
    }

    /** How long an idle worker or a waiting caller spins before it parks. */
    private static final long SPIN_NANOS = 50_000;

    private final int threads;
    private final Thread[] workers;
    /** 1 while worker i + 1 is (about to be) parked; volatile accesses pair with those of {@link #claim}. */
    private final AtomicIntegerArray parked;
    /** Held while a loop runs; not reentrant, so a loop started from inside a loop runs inline. */
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong claim = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile boolean closed;
    private volatile Task task;
    private volatile int count;
    private volatile Throwable failure;

    /** The pool of the cpu engine: one thread per available processor, the caller included. */
    static WorkerPool shared() { return Holder.SHARED; }

    WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("a pool needs at least one thread, not " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.parked = new AtomicIntegerArray(Math.max(threads - 1, 0));
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            Thread t = new Thread(() -> work(id), "lin-cpu-" + id);
            t.setDaemon(true);
            workers[i] = t;
        }
        for (Thread t : workers) t.start();
    }

    int threads() { return threads; }

    /** Runs {@code task} for items {@code 0 .. count-1}, in parallel when the pool is free; returns when all are done. */
    void run(int count, Task task) {
        if (count <= 0) return;
        if (count == 1 || workers.length == 0 || closed || !running.compareAndSet(false, true)) {
            for (int i = 0; i < count; i++) task.run(i, 0);
            return;
        }
        try {
            long generation = (claim.get() >>> 32) + 1;
            this.task = task;
            this.count = count;
            this.failure = null;
            done.set(0);
            claim.set(generation << 32); // publishes the fields above
            for (int i = 0; i < workers.length; i++) if (parked.get(i) != 0) LockSupport.unpark(workers[i]);
            drain(generation, task, count, 0);
            long start = System.nanoTime();
            while (done.get() < count) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.parkNanos(20_000);
            }
            this.task = null;
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException e) throw e;
                if (f instanceof Error e) throw e;
                throw new RuntimeException(f);
            }
        } finally {
            running.set(false);
        }
    }

    /** Claims and runs items of {@code generation} until none is left (or the generation is over). */
    private void drain(long generation, Task task, int count, int worker) {
        while (true) {
            long c = claim.get();
            int item = (int) c;
            if (c >>> 32 != generation || item >= count) return;
            if (!claim.compareAndSet(c, c + 1)) continue;
            try {
                if (failure == null) task.run(item, worker);
            } catch (Throwable t) {
                if (failure == null) failure = t;
            } finally {
                done.incrementAndGet();
            }
        }
    }

    private void work(int id) {
        long seen = 0;
        while (!closed) {
            long start = System.nanoTime();
            long generation;
            while ((generation = claim.get() >>> 32) == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(id - 1, 1);
                    if (claim.get() >>> 32 == seen && !closed) LockSupport.park(this);
                    parked.set(id - 1, 0);
                }
            }
            if (closed) return;
            seen = generation;
            Task t = task;
            int n = count;
            // If a newer generation has started meanwhile, drain's claims fail and nothing runs with a stale task.
            if (t != null) drain(generation, t, n, id);
        }
    }

    /** Stops the workers once they finish what they run. The shared pool is never closed. */
    @Override
    public void close() {
        if (this == Holder.SHARED) return;
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
