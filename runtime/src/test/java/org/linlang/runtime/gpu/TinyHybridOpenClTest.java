package org.linlang.runtime.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.io.IOAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.compiler.CheckResult;
import org.linlang.compiler.Frontend;
import org.linlang.compiler.codegen.KernelPlan;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.ir.KernelGraph;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * The example model, examples/tiny_hybrid.lin (Gated DeltaNet and gated attention, 3:1), compiled
 * into its kernel plan and run on OpenCL (PoCL in CI), against the interpreter on the same weights
 * and token ids: the whole prefill, every kernel kind (embedding gather, norms with the short
 * convolution, matrix products with epilogues, the chunked delta recurrence with its prologue,
 * attention as three kernels). T = 70 crosses a chunk boundary. Tolerance: relative RMS ≤ 1e-4.
 */
class TinyHybridOpenClTest {
    @TempDir Path dir;

    @Test
    void prefillMatchesTheInterpreter() throws Exception {
        Path example = Path.of("../examples/tiny_hybrid.lin");
        String text = Files.readString(example);
        String defs = text.substring(0, text.indexOf("\nlet ") + 1);
        Path weights = dir.resolve("w.safetensors"), io = dir.resolve("io.safetensors");
        String script = defs
                + "let m = TinyHybrid(vocab = 64, d = 32, layers = 4, heads = 2)\n"
                + "let ids = (rand([2, 70], seed = 1) * 64.0) as i64\n"
                + "m.save(\"" + weights + "\")\n"
                + "save(\"" + io + "\", ids = ids, logits = m(ids))\n";
        try (Context context = Context.newBuilder("lin").allowIO(IOAccess.ALL).build()) {
            context.eval(Source.newBuilder("lin", script, "tiny_hybrid_opencl.lin").buildLiteral());
        }
        Map<String, Tensor> values = new HashMap<>(SafeTensors.read(weights).tensors());
        Map<String, Tensor> ioT = SafeTensors.read(io).tensors();
        values.put("ids", ioT.get("ids"));

        CheckResult checked = Frontend.check(example);
        assertTrue(checked.ok(), checked.diagnostics().toString());
        KernelPlan plan = KernelPlan.of(KernelGraph.build(checked.program(), "TinyHybrid",
                Map.of("vocab", 64L, "d", 32L, "layers", 4L, "heads", 2L)).graph());
        assertTrue(plan.kernels(Prelude.Target.OPENCL).size() > 40, plan.describe(Prelude.Target.OPENCL));
        try (OpenClDevice dev = OpenClDevice.open()) {
            // the portable plan, and the CUDA plan (generated kernels around GEMMs, each GEMM by its portable twin)
            for (Prelude.Target steps : Prelude.Target.values()) {
                try (var runner = new OpenClPlanRunner(dev, plan, steps)) {
                    Tensor logits = runner.run(values).values().iterator().next();
                    float[] got = logits.toFloatArray();
                    double[] ref = ioT.get("logits").toDoubleArray();
                    assertEquals(ref.length, got.length);
                    double e = Reference.relRms(ref, got);
                    System.out.printf("tiny_hybrid prefill, %s steps, on %s: %d kernels, logits relative RMS error %.2e%n", steps.word(), dev.name(),
                            plan.kernels(steps).size(), e);
                    assertTrue(e <= 1e-4, "tiny_hybrid logits (" + steps.word() + " steps): relative RMS error " + e);
                }
            }
        }
    }
}
