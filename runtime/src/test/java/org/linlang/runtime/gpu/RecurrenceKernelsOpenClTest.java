package org.linlang.runtime.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jocl.cl_mem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.linlang.compiler.codegen.KernelParam;
import org.linlang.compiler.codegen.KernelSource;
import org.linlang.compiler.codegen.RecurrenceKernels;
import org.linlang.compiler.codegen.RecurrenceSpec;
import org.linlang.compiler.codegen.RecurrenceSpec.Gate;
import org.linlang.compiler.types.DType;
import org.linlang.compiler.types.Dim;

/**
 * The portable recurrence kernels, run on OpenCL (PoCL in CI: it must be installed, these tests do
 * not skip), against float64 recurrences: sequential and chunked, diagonal (no gate, per head, per
 * channel) and delta (no gate, per head), f32 and bf16 inputs, lengths around the chunk size, with
 * initial and final states. Tolerance: relative RMS ≤ 1e-4 for f32 (the brief's bound).
 */
class RecurrenceKernelsOpenClTest {
    static OpenClDevice dev;

    @BeforeAll
    static void open() { dev = OpenClDevice.open(); }

    /** The worst errors seen, printed at the end (for docs/cuda.md). */
    static double worstF32, worstBf16;

    @AfterAll
    static void close() {
        System.out.printf("recurrence kernels on %s: worst relative RMS error f32 %.2e, bf16 inputs %.2e%n",
                dev == null ? "?" : dev.name(), worstF32, worstBf16);
        if (dev != null) dev.close();
    }

    static List<Arguments> cases() {
        var out = new ArrayList<Arguments>();
        for (boolean delta : new boolean[] {false, true}) {
            for (Gate g : Gate.values()) {
                if (delta && g == Gate.CHANNEL) continue;
                for (int T : new int[] {1, 15, 63, 64, 65, 130}) out.add(Arguments.of(delta, g, T, 24, 20, DType.F32, 0.5));
                out.add(Arguments.of(delta, g, 130, 64, 64, DType.F32, 0.01));
                out.add(Arguments.of(delta, g, 97, 32, 40, DType.F32, 5.0));
                out.add(Arguments.of(delta, g, 70, 24, 20, DType.BF16, 0.5));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "delta={0} gate={1} T={2} K={3} V={4} {5} gate strength {6}")
    @MethodSource("cases")
    void matchesFloat64(boolean delta, Gate gate, int T, int K, int V, DType dt, double strength) {
        int B = 2, H = 3;
        var r = new Random(T * 31L + K + (delta ? 7 : 0) + gate.ordinal());
        float[] q = Reference.normal(r, B * T * H * K, 1), k = Reference.normal(r, B * T * H * K, 1), v = Reference.normal(r, B * T * H * V, 1);
        if (delta) normalizeRows(k, K);
        float[] g = null;
        if (gate != Gate.NONE) {
            int n = B * T * H * (gate == Gate.CHANNEL ? K : 1);
            g = new float[n];
            for (int i = 0; i < n; i++) g[i] = (float) (-strength * r.nextDouble());
            if (gate == Gate.CHANNEL) for (int row = 0; row < B * T * H; row++) g[row * K + 1] = -20f;
        }
        float[] beta = null;
        if (delta) {
            beta = new float[B * T * H];
            for (int i = 0; i < beta.length; i++) beta[i] = (float) r.nextDouble();
        }
        float[] s0 = Reference.normal(r, B * H * K * V, 0.5);
        if (dt == DType.BF16) {
            q = Reference.bf16(q);
            k = Reference.bf16(k);
            v = Reference.bf16(v);
            if (g != null) g = Reference.bf16(g);
            if (beta != null) beta = Reference.bf16(beta);
        }
        double scale = Math.pow(K, -0.5);
        double[][] ref = Reference.recurrence(delta, gate == Gate.CHANNEL, B, T, H, K, V, scale, q, k, v, g, beta, s0);
        var spec = new RecurrenceSpec(delta, gate, K, V, scale, dt, dt, DType.F32, true, true);
        for (boolean chunked : new boolean[] {false, true}) {
            KernelSource ks = chunked ? RecurrenceKernels.chunked("rec", spec, Dim.of((long) B * H))
                    : RecurrenceKernels.sequential("rec", spec, Dim.of((long) B * H * V));
            float[] o = new float[B * T * H * V], s1 = new float[B * H * K * V];
            var args = new ArrayList<Object>();
            var mems = new ArrayList<cl_mem>();
            for (KernelParam p : ks.params()) {
                if (p.size()) {
                    args.add(switch (p.name()) { case "n_B" -> (long) B; case "n_T" -> (long) T; default -> (long) H; });
                    continue;
                }
                float[] data = switch (p.name()) {
                    case "q" -> q; case "k" -> k; case "v" -> v; case "g" -> g; case "beta" -> beta; case "s0" -> s0;
                    case "o" -> o; default -> s1;
                };
                cl_mem m = upload(data, p.dtype());
                mems.add(m);
                args.add(m);
            }
            dev.launch(ks, args, ks.launch().threads().constant());
            dev.finish();
            int oi = ks.params().stream().filter(p -> !p.size()).map(KernelParam::name).toList().indexOf("o");
            int si = ks.params().stream().filter(p -> !p.size()).map(KernelParam::name).toList().indexOf("s1");
            read(mems.get(oi), o);
            read(mems.get(si), s1);
            mems.forEach(dev::release);
            double eo = Reference.relRms(ref[0], o), es = Reference.relRms(ref[1], s1);
            String what = (chunked ? "chunked " : "sequential ") + spec.tag() + " T=" + T;
            if (dt == DType.F32) worstF32 = Math.max(worstF32, Math.max(eo, es));
            else worstBf16 = Math.max(worstBf16, Math.max(eo, es));
            assertTrue(eo <= 1e-4, what + ": output relative RMS error " + eo);
            assertTrue(es <= 1e-4, what + ": final state relative RMS error " + es);
        }
    }

    static void normalizeRows(float[] x, int d) {
        for (int r = 0; r < x.length / d; r++) {
            double s = 0;
            for (int i = 0; i < d; i++) s += x[r * d + i] * x[r * d + i];
            float inv = (float) (1 / Math.sqrt(s + 1e-6));
            for (int i = 0; i < d; i++) x[r * d + i] *= inv;
        }
    }

    static cl_mem upload(float[] data, DType dt) { return upload(dev, data, dt); }

    static cl_mem upload(OpenClDevice dev, float[] data, DType dt) {
        if (dt == DType.BF16) {
            MemorySegment seg = MemorySegment.ofArray(new short[data.length]);
            for (int i = 0; i < data.length; i++) seg.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) Reference.bf16Bits(data[i]));
            cl_mem m = dev.alloc(seg.byteSize());
            dev.write(m, seg);
            return m;
        }
        cl_mem m = dev.alloc(4L * data.length);
        dev.write(m, MemorySegment.ofArray(data));
        return m;
    }

    static void read(cl_mem m, float[] into) { dev.read(m, MemorySegment.ofArray(into)); }
}
