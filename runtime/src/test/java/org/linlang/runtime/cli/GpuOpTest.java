package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.gpu.cuda.CudaDriver;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;

/**
 * {@code lin op --engine opencl} (PoCL in CI) against {@code --engine interp} on the same file, and
 * the paths without a GPU: {@code --engine cuda} fails in one sentence, {@code --engine auto}
 * picks cpu and says why.
 */
class GpuOpTest {
    @TempDir Path dir;

    private Path write(String name, Map<String, Tensor> t) throws IOException {
        Path p = dir.resolve(name);
        SafeTensors.write(p, t);
        return p;
    }

    private static Tensor random(SplittableRandom r, double lo, double hi, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] x = new float[(int) n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return Creation.of(x, shape);
    }

    private double[] runOp(String op, Path in, String engine, String... args) throws IOException {
        return runOutputs(op, in, engine, args).get("o");
    }

    /** Every output the op wrote, by name. */
    private Map<String, double[]> runOutputs(String op, Path in, String engine, String... args) throws IOException {
        Path out = dir.resolve(engine + ".safetensors");
        var cmd = new java.util.ArrayList<>(java.util.List.of("op", op, "--inputs", in.toString(), "--out", out.toString(), "--engine", engine));
        for (String a : args) cmd.addAll(java.util.List.of("--arg", a));
        CliRunner.Result res = CliRunner.run(cmd.toArray(String[]::new));
        assertEquals(0, res.exitCode(), res.output());
        if (!engine.equals("interp")) assertTrue(res.output().startsWith("engine " + engine + ": "), res.output());
        var outputs = new LinkedHashMap<String, double[]>();
        SafeTensors.read(out).tensors().forEach((k, t) -> outputs.put(k, t.toDoubleArray()));
        return outputs;
    }

    private static void close(double[] ref, double[] x, String what) {
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (ref[i] - x[i]) * (ref[i] - x[i]);
            den += ref[i] * ref[i];
        }
        assertTrue(Math.sqrt(num / den) <= 1e-4, what + ": relative RMS error " + Math.sqrt(num / den));
    }

    @Test
    void openclMatchesInterpOnAFunctionAndARecurrence() throws IOException {
        var r = new SplittableRandom(3);
        Path in = write("x.safetensors", Map.of("x", random(r, -1, 1, 2, 5, 16)));
        close(runOp("std.ops.l2norm", in, "interp"), runOp("std.ops.l2norm", in, "opencl"), "l2norm");

        int B = 2, T = 70, H = 2, K = 8, V = 6;
        var t = new LinkedHashMap<String, Tensor>();
        t.put("q", random(r, -1, 1, B, T, H, K));
        Tensor k = random(r, -1, 1, B, T, H, K);
        // keys of unit norm, as Gated DeltaNet's l2norm gives them
        double[] kv = k.toDoubleArray();
        float[] kn = new float[kv.length];
        for (int row = 0; row < kv.length / K; row++) {
            double s = 0;
            for (int i = 0; i < K; i++) s += kv[row * K + i] * kv[row * K + i];
            for (int i = 0; i < K; i++) kn[row * K + i] = (float) (kv[row * K + i] / Math.sqrt(s));
        }
        t.put("k", Creation.of(kn, B, T, H, K));
        t.put("v", random(r, -1, 1, B, T, H, V));
        t.put("g", random(r, -0.5, 0, B, T, H));
        t.put("beta", random(r, 0, 1, B, T, H));
        Path rin = write("gdr.safetensors", t);
        close(runOp("std.ops.gated_delta_rule", rin, "interp"), runOp("std.ops.gated_delta_rule", rin, "opencl"), "gated_delta_rule");
    }

    /**
     * The flash attention of the plan with grouped-query heads, a float scale, gate and sinks, over
     * S > T keys: T = 21 with a window (the prefill form), T = 1 with a window and T = 3 without (the
     * decode form: lin op compiles at the file's shapes, so T is known).
     */
    @Test
    void openclAttentionWithScalarArgumentsMatchesInterp() throws IOException {
        var r = new SplittableRandom(5);
        int B = 2, S = 30, Hk = 2, G = 3, K = 16, V = 12;
        for (int[] c : new int[][] {{21, 7}, {1, 7}, {3, 0}}) {
            int T = c[0];
            var t = new LinkedHashMap<String, Tensor>();
            t.put("q", random(r, -1, 1, B, T, Hk * G, K));
            t.put("k", random(r, -1, 1, B, S, Hk, K));
            t.put("v", random(r, -1, 1, B, S, Hk, V));
            t.put("gate", random(r, -2, 2, B, T, Hk * G, V));
            t.put("sinks", random(r, -1, 1, Hk * G));
            Path in = write("attn" + T + ".safetensors", t);
            String[] args = {"G=3", "window=" + c[1], "scale=0.3"};
            close(runOp("std.ops.softmax_attn", in, "interp", args), runOp("std.ops.softmax_attn", in, "opencl", args), "softmax_attn T=" + T);
        }
    }

    /** A recurrence from an initial state, with its final state: opencl against the cpu engine. */
    @Test
    void openclInitialAndFinalStatesMatchCpu() throws IOException {
        var r = new SplittableRandom(6);
        int B = 2, T = 37, H = 2, K = 8, V = 6;
        var t = new LinkedHashMap<String, Tensor>();
        t.put("q", random(r, -1, 1, B, T, H, K));
        t.put("k", random(r, -0.3, 0.3, B, T, H, K));
        t.put("v", random(r, -1, 1, B, T, H, V));
        t.put("g", random(r, -0.5, 0, B, T, H));
        t.put("beta", random(r, 0, 1, B, T, H));
        t.put("initial_state", random(r, -1, 1, B, H, K, V));
        Path in = write("gdr_state.safetensors", t);
        var cpu = runOutputs("std.ops.gated_delta_rule", in, "cpu", "output_final_state=true", "scale=0.5");
        var gpu = runOutputs("std.ops.gated_delta_rule", in, "opencl", "output_final_state=true", "scale=0.5");
        assertEquals(cpu.keySet(), gpu.keySet());
        assertEquals(java.util.Set.of("o", "final_state"), gpu.keySet());
        for (String k : cpu.keySet()) close(cpu.get(k), gpu.get(k), "gated_delta_rule " + k);
    }

    @Test
    void withoutAGpuCudaFailsInOneSentenceAndAutoChoosesCpu() throws IOException {
        String why = CudaDriver.whyUnavailable();
        Assumptions.assumeTrue(why != null, "this machine has a GPU: the no-GPU paths are checked where there is none (CI)");
        assertTrue(!why.contains("\n") && why.length() < 200, why);
        var r = new SplittableRandom(4);
        var t = new LinkedHashMap<String, Tensor>();
        t.put("q", random(r, -1, 1, 1, 5, 2, 4));
        t.put("k", random(r, -1, 1, 1, 5, 2, 4));
        t.put("v", random(r, -1, 1, 1, 5, 2, 3));
        Path in = write("la.safetensors", t);
        CliRunner.Result cuda = CliRunner.run("op", "std.ops.linear_attn", "--inputs", in.toString(), "--out", dir.resolve("c.safetensors").toString(),
                "--engine", "cuda");
        assertEquals(1, cuda.exitCode(), cuda.output());
        assertEquals("lin op: engine cuda cannot run: " + why + "\n", cuda.output());
        CliRunner.Result auto = CliRunner.run("op", "std.ops.linear_attn", "--inputs", in.toString(), "--out", dir.resolve("a.safetensors").toString(),
                "--engine", "auto");
        assertEquals(0, auto.exitCode(), auto.output());
        assertTrue(auto.output().contains("engine auto chooses cpu"), auto.output());
        assertTrue(auto.output().contains("engine cpu:"), auto.output());
    }
}
