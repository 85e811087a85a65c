package org.linlang.runtime.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jocl.cl_mem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linlang.compiler.codegen.AttentionKernels;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * The flash prefill and the split decode attention kernels on OpenCL (PoCL in CI), against a
 * float64 softmax attention: grouped-query heads, sliding windows, lengths that are not multiples
 * of anything, bf16 inputs. Tolerance: relative RMS ≤ 1e-4 (f32 accumulation throughout).
 */
class AttentionKernelsOpenClTest {
    static OpenClDevice dev;

    @BeforeAll
    static void open() { dev = OpenClDevice.open(); }

    @AfterAll
    static void close() { if (dev != null) dev.close(); }

    private static cl_mem up(float[] a, DType dt) { return RecurrenceKernelsOpenClTest.upload(dev, a, dt); }

    @ParameterizedTest(name = "T={0} Hq={1} G={2} K={3} V={4} window={5} {6}")
    @CsvSource({"1,2,1,16,16,0,F32", "37,4,2,32,24,0,F32", "70,6,3,16,40,0,F32", "70,4,1,32,32,9,F32", "45,4,2,32,32,0,BF16"})
    void prefillAndDecodeMatchFloat64(int T, int hq, int g, int K, int V, int window, DType dt) {
        int B = 2, hk = hq / g;
        var r = new Random(T + hq);
        float[] q = Reference.normal(r, B * T * hq * K, 1), k = Reference.normal(r, B * T * hk * K, 1), v = Reference.normal(r, B * T * hk * V, 1);
        if (dt == DType.BF16) {
            q = Reference.bf16(q);
            k = Reference.bf16(k);
            v = Reference.bf16(v);
        }
        double scale = Math.pow(K, -0.5);
        double[] ref = Reference.attention(B, T, hq, g, K, V, window, scale, q, k, v);
        var a = new AttentionKernels(hq, g, K, V, window, scale, DType.F32);
        var inT = new AttentionKernels(hq, g, K, V, window, scale, dt);
        // prefill: the output in f32 for an exact comparison (the kernel stores in the input type)
        KernelSource pre = (dt == DType.F32 ? a : inT).prefill("prefill", Dim.of((long) B * T * hq));
        cl_mem mq = up(q, dt), mk = up(k, dt), mv = up(v, dt);
        cl_mem mo = dev.alloc((long) B * T * hq * V * (dt == DType.F32 ? 4 : 2));
        dev.launch(pre, List.of(mq, mk, mv, mo, (long) B, (long) T), (long) B * T * hq);
        dev.finish();
        float[] o = readAs(mo, B * T * hq * V, dt);
        double e = Reference.relRms(ref, o);
        assertTrue(e <= (dt == DType.F32 ? 1e-4 : 8e-3), "prefill: relative RMS error " + e);

        // decode: the last query against the cache of all T positions, in 3 splits
        int splits = 3;
        float[] qLast = new float[B * hq * K];
        for (int b = 0; b < B; b++) System.arraycopy(q, ((b * T + T - 1) * hq) * K, qLast, b * hq * K, hq * K);
        cl_mem mql = up(qLast, dt);
        cl_mem part = dev.alloc((long) B * hq * splits * (V + 2) * 4);
        cl_mem od = dev.alloc((long) B * hq * V * 4);
        KernelSource p1 = inT.decodePartial("decode_partial", splits, null);
        KernelSource p2 = a.decodeCombine("decode_combine", splits, null);
        dev.launch(p1, List.of(mql, mk, mv, part, (long) B, (long) T, (long) T), (long) B * hq * splits);
        dev.launch(p2, List.of(part, od, (long) B), (long) B * hq * V);
        dev.finish();
        float[] d = new float[B * hq * V];
        dev.read(od, MemorySegment.ofArray(d));
        double[] refLast = new double[B * hq * V];
        for (int b = 0; b < B; b++) System.arraycopy(ref, ((b * T + T - 1) * hq) * V, refLast, b * hq * V, hq * V);
        double ed = Reference.relRms(refLast, d);
        assertTrue(ed <= 1e-4, "decode: relative RMS error " + ed);
        for (cl_mem m : new ArrayList<>(List.of(mq, mk, mv, mo, mql, part, od))) dev.release(m);
    }

    private static float[] readAs(cl_mem m, int n, DType dt) {
        float[] out = new float[n];
        if (dt == DType.F32) {
            dev.read(m, MemorySegment.ofArray(out));
            return out;
        }
        short[] raw = new short[n];
        dev.read(m, MemorySegment.ofArray(raw));
        for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((raw[i] & 0xffff) << 16);
        return out;
    }
}
