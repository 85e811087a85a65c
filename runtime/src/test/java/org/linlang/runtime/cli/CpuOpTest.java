package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/** {@code lin op --engine cpu} gives what the interp engine gives, through the kernels the class picks. */
class CpuOpTest {
    static final int B = 2, T = 70, H = 3, K = 8, V = 5; // T is not a multiple of the chunk size

    @TempDir Path dir;

    private static Tensor random(SplittableRandom r, double lo, double hi, long... shape) {
        int n = 1;
        for (long d : shape) n *= (int) d;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * r.nextDouble();
        return Creation.of(x, shape).to(org.linlang.runtime.tensor.DType.F32);
    }

    private Map<String, Tensor> onBothEngines(String op, Map<String, Tensor> in) throws Exception {
        Path inputs = dir.resolve(op + "-in.safetensors");
        SafeTensors.write(inputs, in);
        Map<String, Tensor> results = new LinkedHashMap<>();
        for (String engine : new String[] {"interp", "cpu"}) {
            Path out = dir.resolve(op + "-" + engine + ".safetensors");
            var r = CliRunner.run("op", "std.ops." + op, "--inputs", inputs.toString(), "--out", out.toString(),
                    "--engine", engine, "--arg", "output_final_state=true");
            assertEquals(0, r.exitCode(), r.output());
            if (engine.equals("cpu")) assertTrue(r.output().contains("engine cpu:"), r.output());
            var t = SafeTensors.read(out).tensors();
            results.put(engine + ".o", t.get("o").copy());
            results.put(engine + ".final_state", t.get("final_state").copy());
        }
        return results;
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        assertEquals(e.length, a.length);
        double num = 0, den = 0;
        for (int i = 0; i < e.length; i++) {
            num += (e[i] - a[i]) * (e[i] - a[i]);
            den += e[i] * e[i];
            assertTrue(Double.isFinite(a[i]), "NaN or infinity at " + i);
        }
        assertTrue(Math.sqrt(num / den) <= 1e-5, "relative RMS error " + Math.sqrt(num / den));
    }

    @Test
    void gatedDeltaRuleMatchesTheInterpreter() throws Exception {
        var r = new SplittableRandom(7);
        Tensor k = random(r, -1, 1, B, T, H, K);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", random(r, -1, 1, B, T, H, K));
        in.put("k", k);
        in.put("v", random(r, -1, 1, B, T, H, V));
        in.put("g", random(r, -0.5, -0.01, B, T, H));
        in.put("beta", random(r, 0, 1, B, T, H));
        var res = onBothEngines("gated_delta_rule", in);
        assertClose(res.get("interp.o"), res.get("cpu.o"));
        assertClose(res.get("interp.final_state"), res.get("cpu.final_state"));
    }

    @Test
    void glaWithPerChannelGatesMatchesTheInterpreter() throws Exception {
        var r = new SplittableRandom(8);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", random(r, -1, 1, B, T, H, K));
        in.put("k", random(r, -1, 1, B, T, H, K));
        in.put("v", random(r, -1, 1, B, T, H, V));
        in.put("gk", random(r, -2, -0.01, B, T, H, K));
        var res = onBothEngines("gla", in);
        assertClose(res.get("interp.o"), res.get("cpu.o"));
        assertClose(res.get("interp.final_state"), res.get("cpu.final_state"));
    }

    @Test
    void aRecurrenceWhosePiecesAreExpressionsHasAPlanWithThem() throws Exception {
        Path lib = dir.resolve("hgrn");
        Files.createDirectories(lib);
        Files.writeString(lib.resolve("ops.lin"), """
                recurrence hgrn2(q: [K], v: [V], gk: [K]) -> [V]
                    state S: [K, V] = 0
                {
                    S = outer(exp(gk), ones([V])) * S + outer(1.0 - exp(gk), v)
                    emit q @ S
                }
                """);
        var checked = org.linlang.compiler.Frontend.check(lib.resolve("ops.lin"));
        assertTrue(checked.ok(), checked.diagnostics().toString());
        var decl = (org.linlang.compiler.ast.Decl.Recurrence) checked.program().main().decls().getFirst();
        var form = org.linlang.compiler.recurrence.RecurrenceClassifier.classify(checked.program(), decl);
        var plan = org.linlang.runtime.cpu.RecurrencePlan.of(form);
        assertEquals("1.0 - exp(gk)", org.linlang.compiler.recurrence.ExprPrinter.print(plan.key()));
        assertTrue(plan.perChannel());
    }
}
