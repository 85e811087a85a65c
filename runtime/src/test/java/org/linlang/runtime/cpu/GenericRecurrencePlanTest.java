package org.linlang.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.source.Source;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/** Plans with a recurrence on the generic step kernel: what it allocates, and what it refuses. */
class GenericRecurrencePlanTest {
    private static final String TANH_STEP = """
            recurrence tanh_step(q: [K], k: [K], v: [V]) -> [V]
                state S: [K, V] = 0
            {
                S = tanh(S + outer(k, v))
                emit q @ S
            }
            """;

    private static CpuPlan plan(String source, String entry, long k, long v) {
        CheckResult c = Frontend.check(new Source("<test>", source));
        assertTrue(c.ok(), c.diagnostics().toString());
        return CpuPlan.of(KernelGraph.build(c.program(), entry, Map.of("K", k, "V", v)).graph());
    }

    private static Map<String, Tensor> inputs(int t, int k, int v) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", Creation.rand(new long[] {1, t, 1, k}, 1));
        in.put("k", Creation.rand(new long[] {1, t, 1, k}, 2));
        in.put("v", Creation.rand(new long[] {1, t, 1, v}, 3));
        return in;
    }

    /** Bytes allocated by every thread, so that the pool's workers count too. */
    private static long allocatedEverywhere() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread th : Thread.getAllStackTraces().keySet()) sum += Math.max(0, mx.getThreadAllocatedBytes(th.threadId()));
        return sum;
    }

    private static long leastAllocated(CpuPlan p, Map<String, Tensor> in) {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            long before = allocatedEverywhere();
            p.run(in, w -> null);
            least = Math.min(least, allocatedEverywhere() - before);
        }
        return least;
    }

    /**
     * A token allocates nothing: with a [64, 64] state, 960 more tokens cost only the longer inputs
     * and output (192 + 64 floats a token, a few copies), far below one state-sized buffer (16 KiB) a token.
     */
    @Test
    void aTokenAllocatesNoStateSizedBuffer() {
        CpuPlan p = plan(TANH_STEP, "tanh_step", 64, 64);
        assertEquals("sequential (generic step kernel)", p.recurrenceKernel(p.graph().nodesOf(org.linlang.compiler.ir.Op.RECURRENCE).getFirst()));
        long shortRun = leastAllocated(p, inputs(64, 64, 64)), longRun = leastAllocated(p, inputs(1024, 64, 64));
        double perToken = (longRun - shortRun) / 960.0;
        assertTrue(perToken < 4096, "the generic kernel allocated " + perToken + " bytes a token (" + shortRun + " for 64 tokens, " + longRun + " for 1024)");
    }

    /** A step calling a function of the program is refused when the plan is made, naming the call and its place. */
    @Test
    void aStepItCannotCompileIsRefusedByName() {
        var e = assertThrows(CpuEngineException.class, () -> plan("""
                fn squash(x: [.., D]) -> [.., D] = tanh(x)
                recurrence ema(x: [D]) -> [D]
                    state m: [D] = 0
                {
                    m = squash(0.5 * m + x)
                    emit m
                }
                """, "ema", 4, 4));
        assertTrue(e.getMessage().startsWith("the cpu engine cannot run recurrence ema in "), e.getMessage());
        assertTrue(e.getMessage().contains("`squash(0.5 * m + x)` at <test>:5:9: the generic step kernel does not compile calls of squash"), e.getMessage());
    }
}
