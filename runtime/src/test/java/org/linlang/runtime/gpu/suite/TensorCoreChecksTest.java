package org.linlang.runtime.gpu.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The GPU suite's tensor-core checks, dry run (no GPU): every case's two kernels generated and checked, small inputs built. */
class TensorCoreChecksTest {
    @Test
    void dryRunChecksEveryCase() {
        List<String> lines = TensorCoreChecks.dryRun();
        assertEquals(TensorCoreChecks.cases().size() + 1, lines.size(), String.join("\n", lines));
        assertEquals(7, lines.size());
        for (String l : lines.subList(0, 6)) assertTrue(l.contains("chunked, tensor cores (wmma bf16)") && l.contains(" vs chunked "), l);
        assertTrue(lines.getLast().contains("flash attention, tensor cores (wmma bf16)") && lines.getLast().contains("(614400 values)"), lines.getLast());
        assertTrue(lines.stream().anyMatch(l -> l.contains("gated_delta_rule B=4 T=8192 H=16") && l.contains("sizes only")), String.join("\n", lines));
        assertTrue(lines.stream().filter(l -> l.contains("inputs built")).count() == 4, String.join("\n", lines));
    }
}
