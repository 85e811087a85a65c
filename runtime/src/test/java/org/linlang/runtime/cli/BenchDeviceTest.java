package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.linlang.runtime.gpu.OpenClDevice;
import org.linlang.runtime.gpu.cuda.CudaDriver;

/**
 * {@code lin bench --engine opencl|cuda} end to end on PoCL, small sizes, structure only (no figure
 * is asserted: the machine is shared): the device line, the ceilings, one table per phase with the
 * kernels that ran; and {@code cuda} without a driver in one sentence.
 */
class BenchDeviceTest {
    private static final String[] SMALL = {"--engine", "opencl", "--repeat", "2", "--warmup", "0", "--copy-mib", "1", "--gemm-n", "32"};

    private static String[] args(String... first) {
        String[] a = new String[first.length + SMALL.length];
        System.arraycopy(first, 0, a, 0, first.length);
        System.arraycopy(SMALL, 0, a, first.length, SMALL.length);
        return a;
    }

    @Test
    void anOpsPrefillAndStepPlansAreTimedPerKernel() {
        String device;
        try (OpenClDevice d = OpenClDevice.open()) {
            device = d.name();
        }
        CliRunner.Result r = CliRunner.run(args("bench", "--op", "gated_delta_rule", "--T", "20", "--H", "2", "--arg", "K=16", "--arg", "V=16"));
        assertEquals(0, r.exitCode(), r.output());
        String out = r.output();
        assertTrue(out.contains("# lin bench --engine opencl: OpenCL device " + device), out);
        assertTrue(out.contains("# memory ceiling: copy of 1 MiB"), out);
        assertTrue(out.contains("# compute ceiling: 32³ GEMM"), out);
        assertTrue(out.contains("## prefill: the op's plan at T=20"), out);
        assertTrue(out.contains("## decode: the op's .step plan"), out);
        assertTrue(Pattern.compile("\\| k\\d+_gated_delta_rule \\| chunked delta_head_k16_v16 L=64 \\| 1 \\| ").matcher(out).find(), out);
        assertTrue(Pattern.compile("\\| k\\d+_gated_delta_rule \\| sequential delta_head_k16_v16 \\| 1 \\| ").matcher(out).find(), out);
        assertTrue(out.contains("# whole call: median "), out);
    }

    @Test
    void aModelFilesCallAndSessionStepAreTimed() {
        CliRunner.Result r = CliRunner.run(args("bench", "../examples/linear_attention.lin", "--T", "6", "--top", "3"));
        assertEquals(0, r.exitCode(), r.output());
        String out = r.output();
        assertTrue(out.contains("its `model` called on ids [1, 6] (ids below 128)"), out);
        assertTrue(out.contains("## prefill: one call of model on [1, 6]"), out);
        assertTrue(out.contains("## decode: one token per call of a session after a prompt of 6"), out);
        assertTrue(out.contains("more kernels) |"), out);
        assertTrue(!out.contains("logits"), "the file's own output is not the bench's: " + out);
    }

    @Test
    void cudaWithoutADriverIsOneSentence() {
        String why = CudaDriver.whyUnavailable();
        Assumptions.assumeTrue(why != null, "this machine has a GPU: the no-GPU path is checked where there is none (CI)");
        CliRunner.Result r = CliRunner.run("bench", "--op", "gated_delta_rule", "--engine", "cuda");
        assertEquals(1, r.exitCode(), r.output());
        assertEquals("lin bench: engine cuda: " + why + "\n", r.output());
    }

    @Test
    void aFileIsForTheDeviceEngines() {
        CliRunner.Result r = CliRunner.run("bench", "../examples/linear_attention.lin");
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().startsWith("lin bench: a FILE or --op is timed with --engine opencl or cuda"), r.output());
    }
}
