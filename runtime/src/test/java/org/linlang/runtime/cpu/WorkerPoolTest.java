package org.linlang.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
    @Test
    void everyItemRunsOnce() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int n : new int[] {0, 1, 2, 7, 1000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
                for (int round = 0; round < 20; round++) pool.run(n, (item, worker) -> seen.incrementAndGet(item));
                for (int i = 0; i < n; i++) assertEquals(20, seen.get(i));
            }
        }
    }

    @Test
    void nestedLoopsRunInline() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(16);
            pool.run(4, (outer, w) -> pool.run(4, (inner, w2) -> seen.incrementAndGet(outer * 4 + inner)));
            for (int i = 0; i < 16; i++) assertEquals(1, seen.get(i));
        }
    }

    @Test
    void failuresReachTheCaller() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(50, (item, worker) -> {
                if (item == 17) throw new IllegalStateException("item 17");
            }));
            assertEquals("item 17", e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(5);
            pool.run(5, (item, worker) -> seen.incrementAndGet(item)); // still usable
            for (int i = 0; i < 5; i++) assertEquals(1, seen.get(i));
        }
    }
}
