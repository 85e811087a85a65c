package org.linlang.runtime.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.compiler.codegen.Prelude;
import org.linlang.compiler.codegen.RecurrenceKernels;
import org.linlang.compiler.codegen.RecurrenceSpec;
import org.linlang.compiler.types.DType;

/**
 * The on-disk kernel cache, with nvcc as its compiler (NVRTC needs a CUDA runtime install that CI
 * lacks): a miss compiles and stores a cubin, a hit reads it back without compiling, and the key
 * changes with the source and with the architecture. Skipped only where nvcc is not installed.
 */
class KernelCacheTest {
    @Test
    void missThenHitKeyedBySourceAndArchitecture(@TempDir Path dir) {
        String nvcc = NvccCompiler.locate();
        Assumptions.assumeTrue(nvcc != null, "nvcc is not installed: the cache is checked where it is (CI has it)");
        var counting = new CudaCompiler() {
            int calls;
            final NvccCompiler inner = new NvccCompiler(nvcc);
            public String describe() { return inner.describe(); }
            public byte[] compile(String source, String arch) {
                calls++;
                return inner.compile(source, arch);
            }
        };
        var cache = new KernelCache(dir, counting);
        var spec = new RecurrenceSpec(true, RecurrenceSpec.Gate.HEAD, 32, 32, 0.25, DType.BF16, DType.F32, DType.BF16, false, false);
        String unit = RecurrenceKernels.sequential("k", spec, null).unit(Prelude.Target.CUDA);
        byte[] first = cache.cubin(unit, "sm_90");
        assertTrue(first.length > 0);
        assertTrue(Files.isRegularFile(dir.resolve(KernelCache.key(unit, "sm_90") + ".cubin")));
        byte[] again = new KernelCache(dir, counting).cubin(unit, "sm_90");
        assertArrayEquals(first, again);
        assertEquals(1, counting.calls, "the second lookup must be a hit");
        assertNotEquals(KernelCache.key(unit, "sm_90"), KernelCache.key(unit, "sm_80"));
        assertNotEquals(KernelCache.key(unit, "sm_90"), KernelCache.key(unit + " ", "sm_90"));
        cache.cubin(unit, "sm_80");
        assertEquals(2, counting.calls);
        var broken = assertThrows(IllegalStateException.class, () -> cache.cubin(unit + "\nKERNEL broken( {", "sm_90"));
        assertTrue(broken.getMessage().contains("nvcc failed for sm_90"), broken.getMessage());
    }
}
