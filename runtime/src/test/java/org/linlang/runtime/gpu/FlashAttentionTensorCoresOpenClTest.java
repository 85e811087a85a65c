package org.linlang.runtime.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.compiler.source.Source;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * The tensor-core flash-attention prefill, as the CUDA step list of bf16 softmax_attn plans takes it,
 * run on PoCL with the emulated tile op against float64 attention on the same bf16-rounded inputs:
 * grouped-query heads with a window, gate and sinks, and plain heads; T = 37 and 70 (not multiples
 * of the 32-query tile), S = T and S = T + 13 (a KV cache: the bottom-right causal mask).
 * Tolerance: relative RMS ≤ 1e-4.
 */
class FlashAttentionTensorCoresOpenClTest {
    static OpenClDevice dev;
    static org.linlang.compiler.types.Program program;
    static double worst;

    @BeforeAll
    static void open() {
        dev = OpenClDevice.open();
        Path root = Files.isDirectory(Path.of("../stdlib")) ? Path.of("..") : Path.of(".");
        CheckResult r = Frontend.check(new Source("tc_attn.lin", """
                import std.ops.*
                fn att_gqa(q: bf16[B, T, 6, 32], k: bf16[B, S, 2, 32], v: bf16[B, S, 2, 16], gate: [B, T, 6, 16], sinks: [6]) -> [B, T, 6, 16] =
                    softmax_attn(q, k, v, G = 3, window = 5, gate = gate, sinks = sinks)
                fn att_plain(q: bf16[B, T, 4, 32], k: bf16[B, S, 4, 32], v: bf16[B, S, 4, 32]) -> [B, T, 4, 32] = softmax_attn(q, k, v)
                """), root.toAbsolutePath().normalize());
        assertTrue(r.ok(), r.diagnostics().toString());
        program = r.program();
    }

    @AfterAll
    static void close() {
        System.out.printf("tensor-core flash attention (emulated tiles) on %s: worst relative RMS error %.2e%n", dev == null ? "?" : dev.name(), worst);
        if (dev != null) dev.close();
    }

    @Test
    void matchesFloat64() {
        record Variant(String fn, int hq, int g, int k, int v, int window, boolean extras) {}
        int B = 2;
        for (Variant c : List.of(new Variant("att_gqa", 6, 3, 32, 16, 5, true), new Variant("att_plain", 4, 1, 32, 32, 0, false))) {
            KernelPlan plan = KernelPlan.of(KernelGraph.build(program, c.fn(), Map.of()).graph());
            List<String> roles = plan.kernels(Prelude.Target.CUDA).stream().map(KernelSource::role).toList();
            assertTrue(roles.stream().anyMatch(x -> x.startsWith("flash attention, tensor cores (wmma bf16)")), roles.toString());
            for (int T : new int[] {37, 70}) {
                for (int S : new int[] {T, T + 13}) {
                    var r = new Random(T * 3L + S + c.hq());
                    Map<String, Tensor> in = StdOpsOpenClTest.inputs(plan, T, Map.of("S", (long) S), r);
                    float[] q = Reference.bf16(f(in.get("q"))), k = Reference.bf16(f(in.get("k"))), v = Reference.bf16(f(in.get("v")));
                    in.put("q", Creation.of(q, in.get("q").shape()).to(DType.BF16));
                    in.put("k", Creation.of(k, in.get("k").shape()).to(DType.BF16));
                    in.put("v", Creation.of(v, in.get("v").shape()).to(DType.BF16));
                    double[] ref = Reference.attention(B, T, S, c.hq(), c.g(), c.k(), c.v(), c.window(), Math.pow(c.k(), -0.5), q, k, v,
                            c.extras() ? f(in.get("gate")) : null, c.extras() ? f(in.get("sinks")) : null);
                    float[] got;
                    try (var runner = new OpenClPlanRunner(dev, plan, Prelude.Target.CUDA)) {
                        got = runner.run(in).values().iterator().next().toFloatArray();
                    }
                    double e = Reference.relRms(ref, got);
                    worst = Math.max(worst, e);
                    assertTrue(e <= 1e-4, c + " T=" + T + " S=" + S + ": relative RMS error " + e);
                }
            }
        }
    }

    static float[] f(Tensor t) { return t.toFloatArray(); }
}
