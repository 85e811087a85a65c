package org.linlang.runtime.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.LinAlg;
import org.linlang.runtime.tensor.Tensor;

/**
 * Speeds of the cpu engine's recurrence kernels (not a unit test; run by bench/cpu_recurrences.sh).
 *
 * <p>Prints one {@code key value} line per figure. {@code --part prefill} gives the prefill times
 * (median and min of {@code --repeat} runs after warm-up) of Gated DeltaNet (delta, per-head gate)
 * and GLA (diagonal, per-channel gate) at B=1 T=4096 H=4 K=V=128 f32. {@code --part rest} gives
 * short prefills in both forms, decode steps at B=1 H=16 K=V=128 against one copy of the state's
 * bytes, chunk-sized products of {@link Gemm} against OpenBLAS's sgemm, and ND4J's sgemm at 4096^3
 * (the practical ceiling). The default is both.
 */
public final class CpuRecurrencesBench {
    private static final long WARM_UP_NANOS = 5_000_000_000L;

    private CpuRecurrencesBench() {}

    public static void main(String[] args) {
        int b = 1, t = 4096, h = 4, k = 128, v = 128, repeat = 7, chunk = 64;
        String part = "all";
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--part")) {
                part = args[i + 1];
                continue;
            }
            int x = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--T" -> t = x;
                case "--H" -> h = x;
                case "--repeat" -> repeat = x;
                case "--chunk" -> chunk = x;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        print("threads", Runtime.getRuntime().availableProcessors());
        print("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));

        // Inputs like the numpy baseline's: normal q, k (unit rows), v; g = log U(0.9, 1); beta = U(0, 1).
        Tensor q = Creation.randn(new long[] {b, t, h, k}, 1), kk = unitRows(Creation.randn(new long[] {b, t, h, k}, 2), k);
        Tensor vv = Creation.randn(new long[] {b, t, h, v}, 3);
        Tensor g = logUniform(new long[] {b, t, h}, 4), gk = logUniform(new long[] {b, t, h, k}, 5);
        Tensor beta = Creation.rand(new long[] {b, t, h}, 6);
        double scale = 1 / Math.sqrt(k);
        int c = chunk;

        if (!part.equals("rest")) {
            // Timings as median and min: the min is the figure least disturbed by other jobs on the machine.
            double[] gdr = times(repeat, () -> DeltaRecurrence.chunked(q, kk, vv, beta, g, scale, null, true, c));
            double[] gla = times(repeat, () -> DiagonalRecurrence.chunked(q, kk, vv, gk, scale, null, true, c));
            print("prefill.gated_delta_rule.seconds", gdr[repeat / 2]);
            print("prefill.gated_delta_rule.min.seconds", gdr[0]);
            print("prefill.gla.seconds", gla[repeat / 2]);
            print("prefill.gla.min.seconds", gla[0]);
            print("model.gflop.gated_delta_rule", deltaFlops(b, t, h, k, v, chunk) / 1e9);
            print("model.gflop.gla", glaFlops(b, t, h, k, v, chunk) / 1e9);
        }
        if (part.equals("prefill")) return;

        // Where the sequential form stops paying: short prefills of Gated DeltaNet, both forms.
        for (int n : new int[] {16, 64, 256}) {
            if (n > t) break;
            Tensor sq = q.slice(1, 0, n, 1), sk = kk.slice(1, 0, n, 1), sv = vv.slice(1, 0, n, 1);
            Tensor sb = beta.slice(1, 0, n, 1), sg = g.slice(1, 0, n, 1);
            int calls = 100;
            print("short.T" + n + ".sequential.seconds", median(repeat, () -> {
                for (int i = 0; i < calls; i++) DeltaRecurrence.sequential(sq, sk, sv, sb, sg, scale, null, true);
            }) / calls);
            print("short.T" + n + ".chunked.seconds", median(repeat, () -> {
                for (int i = 0; i < calls; i++) DeltaRecurrence.chunked(sq, sk, sv, sb, sg, scale, null, true, c);
            }) / calls);
        }

        // Decode: one token, B=1 H=16 K=V=128, state updated in place.
        int dh = 16;
        Tensor dq = Creation.randn(new long[] {1, 1, dh, k}, 7), dk = unitRows(Creation.randn(new long[] {1, 1, dh, k}, 8), k);
        Tensor dv = Creation.randn(new long[] {1, 1, dh, v}, 9), dg = logUniform(new long[] {1, 1, dh}, 10);
        Tensor dgk = logUniform(new long[] {1, 1, dh, k}, 11), db = Creation.rand(new long[] {1, 1, dh}, 12);
        Tensor state = Creation.zeros(1, dh, k, v), out = Creation.zeros(1, 1, dh, v);
        int steps = 2000;
        double deltaStep = median(repeat, () -> {
            for (int i = 0; i < steps; i++) DeltaRecurrence.sequentialInto(dq, dk, dv, db, dg, scale, state, out);
        }) / steps;
        double glaStep = median(repeat, () -> {
            for (int i = 0; i < steps; i++) DiagonalRecurrence.sequentialInto(dq, dk, dv, dgk, scale, state, out);
        }) / steps;
        long bytes = (long) dh * k * v * Float.BYTES;
        MemorySegment from = Arena.ofAuto().allocate(bytes, 64), to = Arena.ofAuto().allocate(bytes, 64);
        double copy = median(repeat, () -> {
            for (int i = 0; i < steps; i++) MemorySegment.copy(from, 0, to, 0, bytes);
        }) / steps;
        print("decode.state.bytes", bytes);
        print("decode.gated_delta_rule.seconds", deltaStep);
        print("decode.gla.seconds", glaStep);
        print("decode.copy.seconds", copy);

        // Chunk-sized products: the Vector API kernel against OpenBLAS's sgemm through the binding ND4J
        // uses (JavaCPP's openblas_nolapack.cblas_sgemm on native memory). The Vector API kernel runs on
        // the calling thread alone; OpenBLAS uses its own threads (2 here), as ND4J would.
        int[][] shapes = {{64, 128, 128}, {128, 128, 128}, {64, 64, 128}, {128, 128, 64}};
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], kd = sh[2], reps = 2000;
            float[] a = Creation.randn(new long[] {m, kd}, 20).toFloatArray(), bm = Creation.randn(new long[] {kd, n}, 21).toFloatArray();
            float[] cm = new float[m * n];
            FloatPointer pa = new FloatPointer(a), pb = new FloatPointer(bm), pc = new FloatPointer((long) m * n);
            double flops = 2.0 * m * n * kd * reps;
            String tag = "gemm." + m + "x" + kd + "x" + n;
            print(tag + ".vector.gflops", flops / median(repeat, () -> {
                for (int i = 0; i < reps; i++) Gemm.multiply(m, n, kd, a, 0, kd, bm, 0, n, cm, 0, n, false, false);
            }) / 1e9);
            print(tag + ".openblas.gflops", flops / median(repeat, () -> {
                for (int i = 0; i < reps; i++) openblas_nolapack.cblas_sgemm(101, 111, 111, m, n, kd, 1f, pa, kd, pb, n, 0f, pc, n);
            }) / 1e9);
        }

        // The ceiling: ND4J (OpenBLAS) sgemm at 4096^3, through LinAlg.matmul.
        Tensor x = Creation.randn(new long[] {4096, 4096}, 13), y = Creation.randn(new long[] {4096, 4096}, 14);
        double mm = median(Math.max(3, repeat / 2), () -> LinAlg.matmul(x, y));
        print("nd4j.sgemm4096.seconds", mm);
        print("nd4j.sgemm4096.gflops", 2.0 * 4096 * 4096 * 4096 / mm / 1e9);
    }

    static double deltaFlops(int b, int t, int h, int k, int v, int chunk) { return ChunkFlops.delta(b, t, h, k, v, chunk); }

    static double glaFlops(int b, int t, int h, int k, int v, int chunk) { return ChunkFlops.gla(b, t, h, k, v, chunk); }

    /**
     * The median of {@code repeat} timed runs after a warm-up of at least 3 runs and 5 seconds (the first prefill takes 1-2 s): the
     * Vector API kernels run boxed, hundreds of times slower, until C2 has compiled them.
     */
    private static double median(int repeat, Runnable job) {
        return times(repeat, job)[repeat / 2];
    }

    /** {@code repeat} timed runs after the warm-up, in seconds, sorted. */
    private static double[] times(int repeat, Runnable job) {
        long warm = System.nanoTime();
        for (int i = 0; i < 3 || System.nanoTime() - warm < WARM_UP_NANOS; i++) job.run();
        double[] times = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            job.run();
            times[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        return times;
    }

    private static Tensor logUniform(long[] shape, long seed) {
        float[] x = Creation.rand(shape, seed).toFloatArray();
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.log(0.9 + 0.1 * x[i]);
        return Creation.of(x, shape);
    }

    private static Tensor unitRows(Tensor t, int d) {
        float[] x = t.toFloatArray();
        for (int r = 0; r < x.length; r += d) {
            double n = 0;
            for (int i = 0; i < d; i++) n += (double) x[r + i] * x[r + i];
            float inv = (float) (1 / Math.sqrt(n));
            for (int i = 0; i < d; i++) x[r + i] *= inv;
        }
        return Creation.of(x, t.shape());
    }

    private static void print(String key, Object value) {
        System.out.println(key + " " + (value instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : value));
    }
}
