package org.linlang.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ir.Graph;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.source.Source;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Elementwise;
import org.linlang.runtime.tensor.NativeMemory;
import org.linlang.runtime.tensor.Tensor;

/**
 * Where a plan's values live: the workspace (slots reused across runs of different lengths, one per
 * concurrent run), outputs in the caller's buffers, and a decoding step that asks for no tensor memory.
 */
class PlanMemoryTest {
    private static final Graph TINY = ModelPlans.tinyHybrid(Map.of("layers", 4L, "d", 64L, "vocab", 300L));
    private static final Map<String, Tensor> WEIGHTS = ModelPlans.randomWeights(TINY);

    private static Map<String, Tensor> ids(int b, int t, long seed) {
        long[] ids = new long[b * t];
        for (int i = 0; i < ids.length; i++) ids[i] = (i * 37L + seed * 11) % 300;
        return Map.of("ids", Creation.of(ids, b, t));
    }

    @Test
    void oneWorkspaceServesRunsOfEveryLengthAndOutputsEscapeIntact() {
        CpuPlan kept = CpuPlan.of(TINY);
        List<Tensor> outs = new ArrayList<>(), copies = new ArrayList<>();
        int[] lengths = {45, 130, 20, 130, 1, 70};
        for (int i = 0; i < lengths.length; i++) {
            Tensor o = kept.run(ids(2, lengths[i], i), WEIGHTS::get).get("out");
            outs.add(o);
            copies.add(o.copy());
            Tensor fresh = CpuPlan.of(TINY).run(ids(2, lengths[i], i), WEIGHTS::get).get("out"); // a plan of its own: a new workspace
            Agreement.assertClose("T = " + lengths[i] + ", a reused workspace against a new one", fresh, o);
        }
        for (int i = 0; i < outs.size(); i++) {
            assertArrayEquals(copies.get(i).toFloatArray(), outs.get(i).toFloatArray(), "output of run " + i + " was overwritten by a later run");
        }
    }

    @Test
    void threadsRunningOnePlanAtOnceEachGetTheirOwnWorkspace() throws Exception {
        CpuPlan plan = CpuPlan.of(TINY);
        int runs = 12;
        Tensor[] expected = new Tensor[runs];
        for (int i = 0; i < runs; i++) expected[i] = CpuPlan.of(TINY).run(ids(1, 30 + 7 * i, i), WEIGHTS::get).get("out");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Tensor>> got = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                int n = i;
                got.add(pool.submit(() -> plan.run(ids(1, 30 + 7 * n, n), WEIGHTS::get).get("out")));
            }
            for (int i = 0; i < runs; i++) Agreement.assertClose("concurrent run " + i, expected[i], got.get(i).get());
        } finally {
            pool.shutdown();
        }
    }

    private static CheckResult ops() {
        CheckResult c = Frontend.check(new Source("<test>", "import std.ops.{gated_delta_rule}\n"));
        assertTrue(c.ok());
        return c;
    }

    private static Map<String, Tensor> gdnInputs(int b, int t, int h, int k, int v) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", Creation.randn(new long[] {b, t, h, k}, 1));
        in.put("k", Elementwise.mul(Creation.randn(new long[] {b, t, h, k}, 2), Creation.scalar(0.3)));
        in.put("v", Creation.randn(new long[] {b, t, h, v}, 3));
        in.put("g", Elementwise.mul(Creation.rand(new long[] {b, t, h}, 4), Creation.scalar(-0.5)));
        in.put("beta", Creation.rand(new long[] {b, t, h}, 5));
        return in;
    }

    @Test
    void runIntoWritesTheCallersBuffersAndUpdatesAStateInPlace() {
        int b = 2, t = 70, h = 3, k = 8, v = 4;
        Map<String, Long> dims = Map.of("K", (long) k, "V", (long) v);
        Graph g = KernelGraph.build(Frontend.check(new Source("<test>", """
                import std.ops.{gated_delta_rule}
                fn f(q: [B, T, H, 8], k: [B, T, H, 8], v: [B, T, H, 4], g: [B, T, H], beta: [B, T, H], s: [B, H, 8, 4]) -> ([B, T, H, 4], [B, H, 8, 4]) {
                    return gated_delta_rule(q, k, v, g, beta, initial_state = s, output_final_state = true)
                }
                """)).program(), "f", dims).graph();
        CpuPlan plan = CpuPlan.of(g);
        Map<String, Tensor> in = gdnInputs(b, t, h, k, v);
        Tensor s0 = Creation.randn(new long[] {b, h, k, v}, 9);
        in.put("s", s0.copy());
        Map<String, Tensor> fresh = plan.run(in, n -> null);
        List<String> names = new ArrayList<>(fresh.keySet());
        Tensor out = Creation.zeros(b, t, h, v), state = s0.copy();
        in.put("s", state);
        Map<String, Tensor> got = plan.runInto(in, n -> null, Map.of(names.get(0), out, names.get(1), state));
        assertSame(out, got.get(names.get(0)));
        assertSame(state, got.get(names.get(1)));
        assertArrayEquals(fresh.get(names.get(0)).toFloatArray(), out.toFloatArray());
        assertArrayEquals(fresh.get(names.get(1)).toFloatArray(), state.toFloatArray(), "the state updated in place");
        var e = assertThrows(CpuEngineException.class, () -> plan.runInto(in, n -> null, Map.of(names.get(0), Creation.zeros(b, t, h, 5))));
        assertTrue(e.getMessage().contains("is f32[2, 70, 3, 5], but the output is f32[2, 70, 3, 4]"), e.getMessage());
    }

    /**
     * The decode step of Gated DeltaNet (B1 H16 K=V=128) into the caller's output, the state updated
     * in place: once warm, no tensor memory at all (NativeMemory's counter). On the Java heap there is
     * only the run's bookkeeping, which does not grow with the state: almost all of it is binding the
     * sizes and checking each input's shape against its declared type ({@code SizeBinding} evaluates
     * the symbolic sizes as polynomials), the rest maps of values by node and the kernel's views of
     * its operands. Measured about 48 KiB a step; the bound is 64 KiB, against the 1 MiB state it updates.
     */
    @Test
    void aDecodeStepAsksForNoTensorMemory() {
        int h = 16, k = 128, v = 128;
        CpuPlan step = CpuPlan.of(KernelGraph.build(ops().program(), "gated_delta_rule.step", Map.of("K", (long) k, "V", (long) v)).graph());
        Map<String, Tensor> in = gdnInputs(1, 1, h, k, v);
        Tensor state = Creation.zeros(1, h, k, v), out = Creation.zeros(1, 1, h, v);
        String stateName = step.stateNames().getFirst();
        in.put(stateName, state);
        Map<String, Tensor> into = new LinkedHashMap<>();
        for (String name : step.runInto(in, n -> null, Map.of()).keySet()) into.put(name, name.equals("out") ? out : state);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        for (int i = 0; i < 200; i++) step.runInto(in, n -> null, into); // warm
        long blocks = NativeMemory.allocations(), heapPerStep = Long.MAX_VALUE;
        int steps = 200;
        for (int round = 0; round < 40 && heapPerStep >= 64 << 10; round++) { // until the JIT has compiled the Vector API code
            long heap = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < steps; i++) step.runInto(in, n -> null, into);
            heapPerStep = Math.min(heapPerStep, (mx.getThreadAllocatedBytes(id) - heap) / steps);
        }
        assertEquals(0, NativeMemory.allocations() - blocks, "tensor memory asked for by warm decode steps");
        assertTrue(heapPerStep < 64 << 10, "a decode step allocated " + heapPerStep + " bytes on the heap");
        System.out.println("decode step of gated_delta_rule B1 H16 K=V=128: 0 tensor blocks, " + heapPerStep + " heap bytes a step");
    }

    @Test
    void largeBlocksAreRecycledOnceTheirTensorsAreGone() throws Exception {
        long fresh = NativeMemory.freshLargeBlocks();
        for (int round = 0; round < 40; round++) {
            Tensor t = Creation.zeros(3 << 18); // 3 MiB, filled below: a recycled block must come back zeroed
            assertEquals(0.0, t.get(12345), "a recycled block is zero-filled");
            t.set(1.0, 12345);
            if (round % 10 == 9) {
                System.gc();
                Thread.sleep(50); // the cleanup actions run on the Cleaner's thread
            }
        }
        long made = NativeMemory.freshLargeBlocks() - fresh;
        assertTrue(made < 40, "every one of 40 blocks was fresh memory: none was recycled (" + made + ")");
    }
}
