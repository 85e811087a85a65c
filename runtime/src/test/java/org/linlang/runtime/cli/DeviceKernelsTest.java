package org.linlang.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lin kernels FILE --engine cuda|opencl}: the device plan printed, one source file per kernel written. */
class DeviceKernelsTest {
    static final String EXAMPLE = "../examples/tiny_hybrid.lin";

    @Test
    void cudaPlanAndSourcesOfTheExample(@TempDir Path dir) throws Exception {
        var r = CliRunner.run("kernels", EXAMPLE, "--arg", "layers=4", "--engine", "cuda", "--source-dir", dir.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("device plan TinyHybrid(layers=4).forward (cuda)"), r.output());
        assertTrue(r.output().contains("cublas gemm"), r.output());
        assertTrue(r.output().contains("chunked delta_head_k32_v64"), r.output());
        try (var files = Files.list(dir)) {
            long n = files.filter(f -> f.toString().endsWith(".cu")).count();
            assertTrue(r.output().contains("wrote " + n + " kernel sources"), r.output());
            assertTrue(n > 20, "kernel files: " + n);
        }
        String rec = Files.readString(dir.resolve("k9_gated_delta_rule.cu"));
        assertTrue(rec.contains("#define KERNEL extern \"C\" __global__ void") && rec.contains("KERNEL k9_gated_delta_rule("), rec);
    }

    @Test
    void openclAndABadEngine(@TempDir Path dir) {
        var r = CliRunner.run("kernels", EXAMPLE, "--arg", "layers=2", "--entry", "TinyHybrid.step", "--engine", "opencl", "--source-dir", dir.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("sequential delta_head_k32_v64"), r.output());
        var bad = CliRunner.run("kernels", EXAMPLE, "--engine", "metal", "--source-dir", dir.toString());
        assertEquals(2, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("lin: --engine takes cuda or opencl, got 'metal'"), bad.output());
    }
}
