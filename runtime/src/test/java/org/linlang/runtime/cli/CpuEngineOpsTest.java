package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * Differential: every op of std.ops gives the same outputs on {@code lin op --engine interp} and
 * {@code --engine cpu} (f32, relative RMS error ≤ 1e-4 and no NaN), at batch 2 and a length of 70
 * (not a multiple of the chunk size), recurrences with an initial state and their final state.
 */
class CpuEngineOpsTest {
    static final int B = 2, T = 70, H = 3, K = 8, V = 5, D = 12;

    @TempDir Path dir;
    private final SplittableRandom random = new SplittableRandom(11);

    private Tensor uniform(double lo, double hi, long... shape) {
        int n = 1;
        for (long d : shape) n *= (int) d;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * random.nextDouble();
        return Creation.of(x, shape).to(DType.F32);
    }

    private void check(String op, Map<String, Tensor> in, String... args) throws Exception {
        Path inputs = dir.resolve(op + "-in.safetensors");
        SafeTensors.write(inputs, in);
        Map<String, Map<String, Tensor>> results = new LinkedHashMap<>();
        for (String engine : new String[] {"interp", "cpu"}) {
            Path out = dir.resolve(op + "-" + engine + ".safetensors");
            List<String> cmd = new ArrayList<>(List.of("op", "std.ops." + op, "--inputs", inputs.toString(), "--out", out.toString(),
                    "--engine", engine));
            for (String a : args) {
                cmd.add("--arg");
                cmd.add(a);
            }
            var r = CliRunner.run(cmd.toArray(String[]::new));
            assertEquals(0, r.exitCode(), engine + ": " + r.output());
            if (engine.equals("cpu")) assertTrue(r.output().contains("engine cpu:"), r.output());
            Map<String, Tensor> t = new LinkedHashMap<>();
            SafeTensors.read(out).tensors().forEach((k, v) -> t.put(k, v.copy()));
            results.put(engine, t);
        }
        assertEquals(results.get("interp").keySet(), results.get("cpu").keySet());
        for (String k : results.get("interp").keySet()) {
            assertClose(op + " " + k, results.get("interp").get(k), results.get("cpu").get(k));
        }
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        org.linlang.runtime.cpu.Agreement.assertClose(what, expected, actual);
    }

    @Test
    void norms() throws Exception {
        check("l2norm", Map.of("x", uniform(-2, 2, B, T, D)));
        check("rmsnorm", Map.of("x", uniform(-2, 2, B, T, D), "weight", uniform(0.5, 1.5, D)), "eps=1e-5");
        check("gated_rmsnorm", Map.of("x", uniform(-2, 2, B, T, H, D), "gate", uniform(-2, 2, B, T, H, D), "weight", uniform(0.5, 1.5, D)));
    }

    @Test
    void activationsAndConvolution() throws Exception {
        check("swiglu", Map.of("gate", uniform(-3, 3, B, T, D), "up", uniform(-1, 1, B, T, D)));
        check("short_conv", Map.of("x", uniform(-1, 1, B, T, D), "weight", uniform(-1, 1, D, 4)));
    }

    @Test
    void attentionAndRope() throws Exception {
        check("softmax_attn", Map.of("q", uniform(-1, 1, B, T, H, K), "k", uniform(-1, 1, B, T, H, K), "v", uniform(-1, 1, B, T, H, V)));
        check("softmax_attn", Map.of("q", uniform(-1, 1, B, T, 2 * H, K), "k", uniform(-1, 1, B, T, H, K), "v", uniform(-1, 1, B, T, H, V)),
                "G=2", "window=9");
        Tensor positions = Creation.arange(0, B * T, 1, DType.I64).reshape(B, T);
        check("rope", Map.of("x", uniform(-1, 1, B, T, H, K), "positions", positions), "theta=500.0");
        check("partial_rope", Map.of("x", uniform(-1, 1, B, T, H, 2 * K), "positions", positions), "R=2");
    }

    private Map<String, Tensor> qkv() {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", uniform(-1, 1, B, T, H, K));
        in.put("k", uniform(-0.5, 0.5, B, T, H, K));
        in.put("v", uniform(-1, 1, B, T, H, V));
        in.put("initial_state", uniform(-0.5, 0.5, B, H, K, V));
        return in;
    }

    @Test
    void diagonalRecurrencesWithInitialStates() throws Exception {
        check("linear_attn", qkv(), "output_final_state=true");
        var s = qkv();
        s.put("g", uniform(-0.5, -0.01, B, T, H));
        check("simple_gla", s, "output_final_state=true", "scale=0.5");
        var g = qkv();
        g.put("gk", uniform(-2, -0.01, B, T, H, K));
        check("gla", g, "output_final_state=true");
    }

    @Test
    void deltaRecurrencesWithInitialStates() throws Exception {
        var d = qkv();
        d.put("beta", uniform(0, 1, B, T, H));
        check("delta_rule", d, "output_final_state=true");
        var gd = qkv();
        gd.put("g", uniform(-0.5, -0.01, B, T, H));
        gd.put("beta", uniform(0, 1, B, T, H));
        check("gated_delta_rule", gd, "output_final_state=true");
        gd.remove("initial_state");
        check("gated_delta_rule", gd);
    }
}
