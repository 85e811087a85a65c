package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.SafeTensors;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.OpsReference;

/** {@code lin op}: tensors in from a safetensors file, the op run by the interpreter, results out by name. */
class OpCommandTest {
    static final int B = 2, T = 6, H = 2, K = 4, V = 3;

    @TempDir Path dir;

    private static double[] random(SplittableRandom r, int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return x;
    }

    private Path inputs(Map<String, Tensor> tensors) throws IOException {
        Path in = dir.resolve("in.safetensors");
        SafeTensors.write(in, tensors);
        return in;
    }

    private static double[] values(Tensor t) { return t.toDoubleArray(); }

    private static void close(double[] ref, double[] x, String what) {
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (ref[i] - x[i]) * (ref[i] - x[i]);
            den += ref[i] * ref[i];
        }
        assertTrue(Math.sqrt(num / den) <= 1e-5, what + ": relative error " + Math.sqrt(num / den));
    }

    @Test
    void gatedDeltaRuleFromAFileMatchesTheReference() throws IOException {
        var r = new SplittableRandom(7);
        double[] q = random(r, B * T * H * K, -1, 1);
        double[] k = OpsReference.l2norm(random(r, B * T * H * K, -1, 1), K, 1e-6);
        for (int i = 0; i < k.length; i++) k[i] = (float) k[i];
        double[] v = random(r, B * T * H * V, -1, 1), g = random(r, B * T * H, -1, -0.1), beta = random(r, B * T * H, 0, 1);
        double[] s0 = random(r, B * H * K * V, -1, 1);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("q", Creation.of(q, B, T, H, K));
        in.put("k", Creation.of(k, B, T, H, K));
        in.put("v", Creation.of(v, B, T, H, V));
        in.put("g", Creation.of(g, B, T, H));
        in.put("beta", Creation.of(beta, B, T, H));
        in.put("initial_state", Creation.of(s0, B, H, K, V));
        Path out = dir.resolve("out.safetensors");
        CliRunner.Result res = CliRunner.run("op", "std.ops.gated_delta_rule", "--inputs", inputs(in).toString(), "--out", out.toString(),
                "--arg", "output_final_state=true", "--arg", "scale=0.5");
        assertEquals(0, res.exitCode(), res.output());
        assertTrue(res.output().contains("o: f32[2, 6, 2, 3]"), res.output());
        Map<String, Tensor> result = SafeTensors.read(out).tensors();
        assertEquals(List.of("o", "final_state"), List.copyOf(result.keySet()));
        OpsReference.Run ref = OpsReference.recurrence(OpsReference.Kind.GATED_DELTA, q, k, v, g, beta, s0, B, T, H, K, V, 0.5);
        assertArrayEquals(new long[] {B, T, H, V}, result.get("o").shape());
        close(ref.o(), values(result.get("o")), "o");
        close(ref.state(), values(result.get("final_state")), "final_state");
    }

    @Test
    void aFunctionWritesItsResultAsO() throws IOException {
        double[] x = random(new SplittableRandom(3), 12, -2, 2);
        Path out = dir.resolve("norm.safetensors");
        CliRunner.Result res = CliRunner.run("op", "std.ops.l2norm", "--inputs", inputs(Map.of("x", Creation.of(x, 3, 4))).toString(),
                "--out", out.toString(), "--arg", "eps=0.001");
        assertEquals(0, res.exitCode(), res.output());
        close(OpsReference.l2norm(x, 4, 0.001), values(SafeTensors.read(out).tensors().get("o")), "l2norm");
    }

    @Test
    void benchPrintsTheMedianMillisecondsOnTheLastLine() throws IOException {
        Path in = inputs(Map.of("x", Creation.ones(2, 8)));
        CliRunner.Result res = CliRunner.run("op", "std.ops.l2norm", "--inputs", in.toString(), "--out", dir.resolve("o.safetensors").toString(),
                "--bench", "3");
        assertEquals(0, res.exitCode(), res.output());
        String[] lines = res.output().strip().split("\n");
        assertTrue(Double.parseDouble(lines[lines.length - 1]) >= 0, res.output());
    }

    @Test
    void cudaIsRefusedInOneSentenceAndCpuAndAutoRunTheOp() throws IOException {
        Path in = inputs(Map.of("x", Creation.ones(2, 8)));
        CliRunner.Result cuda = CliRunner.run("op", "std.ops.l2norm", "--inputs", in.toString(), "--out", dir.resolve("o.safetensors").toString(),
                "--engine", "cuda");
        String noGpu = org.linlang.runtime.gpu.cuda.CudaDriver.whyUnavailable();
        if (noGpu != null) { // without a GPU (CI): one sentence, exit 1; GpuOpTest covers the rest
            assertEquals(1, cuda.exitCode(), cuda.output());
            assertEquals("lin op: engine cuda cannot run: " + noGpu + "\n", cuda.output());
        }
        CliRunner.Result cpu = CliRunner.run("op", "std.ops.l2norm", "--inputs", in.toString(), "--out", dir.resolve("o.safetensors").toString(),
                "--engine", "cpu");
        assertEquals(0, cpu.exitCode(), cpu.output());
        assertTrue(cpu.output().startsWith("engine cpu: 1 kernels"), cpu.output());
        CliRunner.Result auto = CliRunner.run("op", "std.ops.l2norm", "--inputs", in.toString(), "--out", dir.resolve("o.safetensors").toString(),
                "--engine", "auto");
        assertEquals(0, auto.exitCode(), auto.output());
        if (noGpu != null) assertTrue(auto.output().startsWith("lin op: engine auto chooses cpu, as cuda cannot run: "), auto.output());
        assertTrue(auto.output().contains("engine cpu:"), auto.output());
    }

    @Test
    void missingAndUnknownInputsAreReported() throws IOException {
        Path in = inputs(Map.of("q", Creation.ones(1, 2, 1, 4), "k", Creation.ones(1, 2, 1, 4), "v", Creation.ones(1, 2, 1, 4)));
        CliRunner.Result missing = CliRunner.run("op", "std.ops.delta_rule", "--inputs", in.toString(), "--out", dir.resolve("o.safetensors").toString());
        assertEquals(1, missing.exitCode(), missing.output());
        assertTrue(missing.output().contains("has no tensor 'beta' for parameter beta: f32"), missing.output());
        CliRunner.Result badArg = CliRunner.run("op", "std.ops.linear_attn", "--inputs", in.toString(), "--out", dir.resolve("o.safetensors").toString(),
                "--arg", "scale=big");
        assertEquals(2, badArg.exitCode(), badArg.output());
        assertTrue(badArg.output().contains("--arg scale=big: expected a float"), badArg.output());
        CliRunner.Result unknown = CliRunner.run("op", "std.ops.nothing", "--inputs", in.toString(), "--out", dir.resolve("o.safetensors").toString());
        assertEquals(1, unknown.exitCode(), unknown.output());
        assertTrue(unknown.output().contains("has no definition 'nothing'"), unknown.output());
    }
}
