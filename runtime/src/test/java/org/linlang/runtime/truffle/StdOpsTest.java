package org.linlang.runtime.truffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.Tensor;

/**
 * Every operation of std.ops, run by the interpreter on random f32 inputs (B=2, T=7, H=3, K=5, V=4),
 * against the float64 loops of {@link OpsReference}: relative RMS error at most 1e-5, outputs and
 * final states, with and without an initial state. Then identities between the recurrences: a
 * gated rule with zero gates is the ungated one, and a sequence split in two chained calls (the
 * second starting from the first's final state) gives what one call gives.
 */
class StdOpsTest {
    static final int B = 2, T = 7, H = 3, K = 5, V = 4;
    static final double TOLERANCE = 1e-5;
    static final double SCALE = 1 / Math.sqrt(K);

    private static Context context;

    @BeforeAll
    static void start() {
        context = Context.create("lin");
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    /** A function defined by Lin code over std.ops ({@code fn f(…) = …}), as a value. */
    private static Value fn(String definition) {
        String code = "import std.ops.*\n" + definition + "\nf\n";
        return context.eval(Source.newBuilder("lin", code, "std_ops_test.lin").buildLiteral());
    }

    // ---- data ----------------------------------------------------------------------------------

    private static final SplittableRandom RANDOM = new SplittableRandom(20251123);

    /** Values rounded to f32, as the tensors hold them. */
    private static double[] f32(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (float) x[i];
        return out;
    }

    private static double[] normal(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = RANDOM.nextGaussian();
        return f32(x);
    }

    private static double[] uniform(int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * RANDOM.nextDouble();
        return f32(x);
    }

    private static Tensor tensor(double[] x, long... shape) {
        return Creation.of(x, shape);
    }

    /** A result tensor's elements, read through the interop buffer (f32, little-endian). */
    private static double[] read(Value t, long... shape) {
        assertEquals("f32", t.getMember("dtype").asString());
        Value s = t.getMember("shape");
        long[] actual = new long[(int) s.getArraySize()];
        for (int i = 0; i < actual.length; i++) actual[i] = s.getArrayElement(i).asLong();
        assertArrayEquals(shape, actual, "shape");
        int n = (int) (t.getBufferSize() / 4);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = t.readBufferFloat(ByteOrder.LITTLE_ENDIAN, 4L * i);
        return out;
    }

    /** Relative RMS error, {@code rms(ref - x) / rms(ref)}, and no NaN. */
    static void close(double[] ref, double[] x, double tolerance, String what) {
        assertEquals(ref.length, x.length, what + ": length");
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            assertTrue(Double.isFinite(x[i]), what + ": element " + i + " is " + x[i]);
            num += (ref[i] - x[i]) * (ref[i] - x[i]);
            den += ref[i] * ref[i];
        }
        double err = Math.sqrt(num / Math.max(den, 1e-300));
        assertTrue(den > 0, what + ": the reference is all zeros");
        assertTrue(err <= tolerance, what + ": relative error " + err + " > " + tolerance);
    }

    // ---- normalisations and activations --------------------------------------------------------

    @Test
    void l2norm() {
        double[] x = normal(B * T * H * K);
        Value r = fn("fn f(x) = l2norm(x)").execute(tensor(x, B, T, H, K));
        close(OpsReference.l2norm(x, K, 1e-6), read(r, B, T, H, K), TOLERANCE, "l2norm");
    }

    @Test
    void rmsnorm() {
        double[] x = normal(B * T * K), w = uniform(K, 0.5, 1.5);
        Value r = fn("fn f(x, w) = rmsnorm(x, w)").execute(tensor(x, B, T, K), tensor(w, K));
        close(OpsReference.rmsnorm(x, w, K, 1e-6), read(r, B, T, K), TOLERANCE, "rmsnorm");
    }

    @Test
    void gatedRmsnorm() {
        double[] x = normal(B * T * K), gate = normal(B * T * K), w = uniform(K, 0.5, 1.5);
        Value r = fn("fn f(x, gate, w) = gated_rmsnorm(x, gate, w)").execute(tensor(x, B, T, K), tensor(gate, B, T, K), tensor(w, K));
        close(OpsReference.gatedRmsnorm(x, gate, w, K, 1e-6), read(r, B, T, K), TOLERANCE, "gated_rmsnorm");
    }

    @Test
    void swiglu() {
        double[] gate = normal(B * T * K), up = normal(B * T * K);
        Value r = fn("fn f(gate, up) = swiglu(gate, up)").execute(tensor(gate, B, T, K), tensor(up, B, T, K));
        close(OpsReference.swiglu(gate, up), read(r, B, T, K), TOLERANCE, "swiglu");
    }

    @Test
    void shortConv() {
        int C = 6, W = 4;
        double[] x = normal(B * T * C), w = normal(C * W);
        Value r = fn("fn f(x, w) = short_conv(x, w)").execute(tensor(x, B, T, C), tensor(w, C, W));
        close(OpsReference.shortConv(x, w, B, T, C, W), read(r, B, T, C), TOLERANCE, "short_conv");
    }

    @Test
    void softmaxAttention() {
        double[] q = normal(B * T * H * K), k = normal(B * T * H * K), v = normal(B * T * H * V);
        Value r = fn("fn f(q, k, v) = softmax_attn(q, k, v)").execute(tensor(q, B, T, H, K), tensor(k, B, T, H, K), tensor(v, B, T, H, V));
        close(OpsReference.softmaxAttention(q, k, v, B, T, H, K, V, SCALE), read(r, B, T, H, V), TOLERANCE, "softmax_attn");
    }

    @Test
    void ropeRotatesHalvesLikeTransformers() {
        int D = 8;
        double[] x = normal(B * T * H * D);
        double[] positions = new double[B * T];
        for (int i = 0; i < positions.length; i++) positions[i] = (i % T) + 3 * (i / T); // batches at different offsets
        var pos = org.linlang.runtime.tensor.Creation.of(java.util.Arrays.stream(positions).mapToLong(p -> (long) p).toArray(), B, T);
        Value full = fn("fn f(x, p) = rope(x, p, 500.0)").execute(tensor(x, B, T, H, D), pos);
        close(OpsReference.rope(x, positions, B, T, H, D, D, 500.0), read(full, B, T, H, D), TOLERANCE, "rope");
        Value partial = fn("fn f(x, p) = partial_rope(x, p, 2)").execute(tensor(x, B, T, H, D), pos);
        close(OpsReference.rope(x, positions, B, T, H, D, 4, 10000.0), read(partial, B, T, H, D), TOLERANCE, "partial_rope");
    }

    @Test
    void groupedQueryAttentionWithASlidingWindow() {
        int Hk = 2, G = 3, W = 3;
        double[] q = normal(B * T * Hk * G * K), k = normal(B * T * Hk * K), v = normal(B * T * Hk * V);
        Value r = fn("fn f(q, k, v) = softmax_attn(q, k, v, G = 3, window = 3)")
                .execute(tensor(q, B, T, Hk * G, K), tensor(k, B, T, Hk, K), tensor(v, B, T, Hk, V));
        close(OpsReference.softmaxAttention(q, k, v, B, T, Hk, G, W, K, V, SCALE), read(r, B, T, Hk * G, V), TOLERANCE,
                "softmax_attn with G = 3, window = 3");
        // A window at least T long is full causal attention.
        Value full = fn("fn f(q, k, v) = softmax_attn(q, k, v, G = 3, window = " + T + ")")
                .execute(tensor(q, B, T, Hk * G, K), tensor(k, B, T, Hk, K), tensor(v, B, T, Hk, V));
        close(OpsReference.softmaxAttention(q, k, v, B, T, Hk, G, 0, K, V, SCALE), read(full, B, T, Hk * G, V), TOLERANCE,
                "softmax_attn with window >= T");
    }

    // ---- recurrences ---------------------------------------------------------------------------

    /** Inputs of one recurrence call. */
    private record Inputs(double[] q, double[] k, double[] v, double[] g, double[] gk, double[] beta, double[] s0) {
        static Inputs random() {
            double[] q = normal(B * T * H * K);
            double[] k = f32(OpsReference.l2norm(normal(B * T * H * K), K, 1e-6));
            return new Inputs(q, k, normal(B * T * H * V), uniform(B * T * H, -1, -0.05), uniform(B * T * H * K, -1, -0.05),
                    uniform(B * T * H, 0, 1), normal(B * H * K * V));
        }
    }

    /** The Lin call of an op, with its gate arguments, and the kind of its reference. */
    private record Op(String name, String gates, OpsReference.Kind kind) {}

    private static final Op[] RECURRENCES = {
        new Op("linear_attn", "", OpsReference.Kind.LINEAR),
        new Op("simple_gla", ", g", OpsReference.Kind.SIMPLE_GLA),
        new Op("gla", ", gk", OpsReference.Kind.GLA),
        new Op("delta_rule", ", beta", OpsReference.Kind.DELTA),
        new Op("gated_delta_rule", ", g, beta", OpsReference.Kind.GATED_DELTA),
    };

    /** Runs an op with output_final_state (and initial_state when {@code s0} is given): (o, final state). */
    private static Value[] call(Op op, Inputs in, double[] s0, int t0, int t1) {
        int n = t1 - t0;
        String params = "q, k, v" + op.gates() + (s0 != null ? ", s0" : "");
        String call = op.name() + "(q, k, v" + op.gates() + (s0 != null ? ", initial_state = s0" : "") + ", output_final_state = true)";
        Value f = fn("fn f(" + params + ") = " + call);
        java.util.List<Object> args = new java.util.ArrayList<>();
        args.add(tensor(slice(in.q, t0, t1, H * K), B, n, H, K));
        args.add(tensor(slice(in.k, t0, t1, H * K), B, n, H, K));
        args.add(tensor(slice(in.v, t0, t1, H * V), B, n, H, V));
        switch (op.kind()) {
            case SIMPLE_GLA -> args.add(tensor(slice(in.g, t0, t1, H), B, n, H));
            case GLA -> args.add(tensor(slice(in.gk, t0, t1, H * K), B, n, H, K));
            case DELTA -> args.add(tensor(slice(in.beta, t0, t1, H), B, n, H));
            case GATED_DELTA -> {
                args.add(tensor(slice(in.g, t0, t1, H), B, n, H));
                args.add(tensor(slice(in.beta, t0, t1, H), B, n, H));
            }
            case LINEAR -> { }
        }
        if (s0 != null) args.add(tensor(s0, B, H, K, V));
        Value r = f.execute(args.toArray());
        return new Value[] {r.getArrayElement(0), r.getArrayElement(1)};
    }

    /** Time steps [t0, t1) of a [B, T, rest…] array whose rest has {@code inner} elements. */
    private static double[] slice(double[] x, int t0, int t1, int inner) {
        int n = t1 - t0;
        double[] out = new double[B * n * inner];
        for (int b = 0; b < B; b++) System.arraycopy(x, (b * T + t0) * inner, out, b * n * inner, n * inner);
        return out;
    }

    private static OpsReference.Run reference(Op op, Inputs in, double[] s0) {
        double[] g = op.kind() == OpsReference.Kind.GLA ? in.gk : in.g;
        return OpsReference.recurrence(op.kind(), in.q, in.k, in.v, g, in.beta, s0, B, T, H, K, V, SCALE);
    }

    @Test
    void recurrencesMatchTheReferenceWithoutAnInitialState() {
        Inputs in = Inputs.random();
        for (Op op : RECURRENCES) {
            Value[] r = call(op, in, null, 0, T);
            OpsReference.Run ref = reference(op, in, null);
            close(ref.o(), read(r[0], B, T, H, V), TOLERANCE, op.name() + " output");
            close(ref.state(), read(r[1], B, H, K, V), TOLERANCE, op.name() + " final state");
        }
    }

    @Test
    void recurrencesMatchTheReferenceWithAnInitialState() {
        Inputs in = Inputs.random();
        for (Op op : RECURRENCES) {
            Value[] r = call(op, in, in.s0, 0, T);
            OpsReference.Run ref = reference(op, in, in.s0);
            close(ref.o(), read(r[0], B, T, H, V), TOLERANCE, op.name() + " output from an initial state");
            close(ref.state(), read(r[1], B, H, K, V), TOLERANCE, op.name() + " final state from an initial state");
        }
    }

    @Test
    void recurrencesUseTheDefaultScaleOrTheOneGiven() {
        Inputs in = Inputs.random();
        Value f = fn("fn f(q, k, v) = linear_attn(q, k, v, scale = 0.25)");
        Value r = f.execute(tensor(in.q, B, T, H, K), tensor(in.k, B, T, H, K), tensor(in.v, B, T, H, V));
        double[] ref = OpsReference.recurrence(OpsReference.Kind.LINEAR, in.q, in.k, in.v, null, null, null, B, T, H, K, V, 0.25).o();
        close(ref, read(r, B, T, H, V), TOLERANCE, "linear_attn with scale = 0.25");
    }

    @Test
    void zeroGatesGiveTheUngatedRecurrence() {
        Inputs in = Inputs.random();
        Inputs zeroGates = new Inputs(in.q, in.k, in.v, new double[in.g.length], in.gk, in.beta, in.s0);
        Value[] gated = call(RECURRENCES[4], zeroGates, in.s0, 0, T);
        Value[] delta = call(RECURRENCES[3], in, in.s0, 0, T);
        close(read(delta[0], B, T, H, V), read(gated[0], B, T, H, V), 1e-6, "gated_delta_rule(g = 0) vs delta_rule");
        close(read(delta[1], B, H, K, V), read(gated[1], B, H, K, V), 1e-6, "final states of gated_delta_rule(g = 0) and delta_rule");
        Value[] gla = call(RECURRENCES[1], zeroGates, in.s0, 0, T);
        Value[] linear = call(RECURRENCES[0], in, in.s0, 0, T);
        close(read(linear[0], B, T, H, V), read(gla[0], B, T, H, V), 1e-6, "simple_gla(g = 0) vs linear_attn");
    }

    @Test
    void aSequenceSplitInTwoChainedCallsGivesOneCall() {
        Inputs in = Inputs.random();
        int split = 3;
        for (Op op : RECURRENCES) {
            Value[] whole = call(op, in, in.s0, 0, T);
            Value[] first = call(op, in, in.s0, 0, split);
            double[] mid = read(first[1], B, H, K, V);
            Value[] second = call(op, in, mid, split, T);
            double[] o = read(whole[0], B, T, H, V);
            double[] o1 = read(first[0], B, split, H, V), o2 = read(second[0], B, T - split, H, V);
            double[] joined = new double[o.length];
            for (int b = 0; b < B; b++) {
                System.arraycopy(o1, b * split * H * V, joined, b * T * H * V, split * H * V);
                System.arraycopy(o2, b * (T - split) * H * V, joined, (b * T + split) * H * V, (T - split) * H * V);
            }
            close(o, joined, 1e-6, op.name() + " in two calls");
            close(read(whole[1], B, H, K, V), read(second[1], B, H, K, V), 1e-6, op.name() + " final state in two calls");
        }
    }
}
