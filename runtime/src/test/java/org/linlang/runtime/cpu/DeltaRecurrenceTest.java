package org.linlang.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linlang.runtime.cpu.Fixtures.RMS_TOLERANCE;
import static org.linlang.runtime.cpu.Fixtures.assertClose;
import static org.linlang.runtime.cpu.Fixtures.doubles;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Shapes;
import org.linlang.runtime.tensor.Tensor;

class DeltaRecurrenceTest {
    static final int B = 2, H = 3;
    /** Worst relative RMS errors seen, for the report: [chunked, sequential]. */
    private static final double[] worst = new double[2];

    record Inputs(int b, int t, int h, int kDim, int vDim, Tensor q, Tensor k, Tensor v, Tensor beta, Tensor g, Tensor initial,
                  double scale, NaiveRecurrences.Result ref) {
        /** {@code strength} 0 means no gate. */
        static Inputs of(int b, int t, int h, int kDim, int vDim, double strength, boolean withInitial, long seed) {
            Tensor q = Fixtures.normal(seed, b, t, h, kDim), k = Fixtures.unitRows(seed + 1, b, t, h, kDim);
            Tensor v = Fixtures.normal(seed + 2, b, t, h, vDim), beta = Fixtures.uniform(seed + 3, 0, 1, b, t, h);
            Tensor g = strength == 0 ? null : Fixtures.gates(seed + 4, strength, 0, b, t, h);
            Tensor init = withInitial ? Fixtures.normal(seed + 5, b, h, kDim, vDim) : null;
            return withReference(b, t, h, kDim, vDim, q, k, v, beta, g, init);
        }

        static Inputs withReference(int b, int t, int h, int kDim, int vDim, Tensor q, Tensor k, Tensor v, Tensor beta, Tensor g, Tensor init) {
            double scale = 1 / Math.sqrt(kDim);
            NaiveRecurrences.Result ref = NaiveRecurrences.delta(b, t, h, kDim, vDim, doubles(q), doubles(k), doubles(v), doubles(beta),
                    doubles(g), scale, doubles(init));
            return new Inputs(b, t, h, kDim, vDim, q, k, v, beta, g, init, scale, ref);
        }

        RecurrenceResult chunked(int chunk) { return DeltaRecurrence.chunked(q, k, v, beta, g, scale, initial, true, chunk); }

        RecurrenceResult sequential() { return DeltaRecurrence.sequential(q, k, v, beta, g, scale, initial, true); }

        void check(String what, RecurrenceResult r) {
            int at = what.contains("sequential") || what.contains("decode") ? 1 : 0;
            worst[at] = Math.max(worst[at], assertClose(what + " output", ref.output(), r.output(), RMS_TOLERANCE));
            worst[at] = Math.max(worst[at], assertClose(what + " final state", ref.state(), r.finalState(), RMS_TOLERANCE));
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] dims = {{24, 20}, {64, 64}};
        long seed = 1000;
        for (int[] d : dims) {
            for (int t : new int[] {1, 15, 63, 64, 65, 130}) {
                for (boolean init : new boolean[] {false, true}) {
                    for (double s : new double[] {0, 0.01, 0.5, 5}) out.add(Arguments.of(t, d[0], d[1], s, init, seed++));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "T={0} K={1} V={2} gate strength={3} initial={4}")
    @MethodSource("cases")
    void chunkedAndSequentialMatchTheFloat64Recurrence(int t, int kDim, int vDim, double strength, boolean initial, long seed) {
        Inputs in = Inputs.of(B, t, H, kDim, vDim, strength, initial, seed);
        in.check("chunked", in.chunked(DeltaRecurrence.DEFAULT_CHUNK));
        in.check("sequential", in.sequential());
    }

    @Test
    void betaOneAndLongSequencesStayAccurate() {
        // β = 1 everywhere: each step projects the state exactly; the triangular solve is at its least damped.
        Inputs base = Inputs.of(B, 300, H, 64, 64, 0.05, true, 5);
        Tensor ones = Creation.ones(B, 300, H);
        Inputs in = Inputs.withReference(B, 300, H, 64, 64, base.q, base.k, base.v, ones, base.g, base.initial);
        in.check("beta = 1 chunked", in.chunked(64));
        in.check("beta = 1 sequential", in.sequential());
    }

    @Test
    void otherChunkSizesAgree() {
        Inputs in = Inputs.of(B, 130, H, 24, 20, 0.3, true, 7);
        for (int chunk : new int[] {1, 7, 16, 32, 50, 128, 256}) in.check("chunk " + chunk, in.chunked(chunk));
    }

    @Test
    void onePairIsSplitIntoValueSlices() {
        Inputs in = Inputs.of(1, 200, 1, 64, 128, 0.2, true, 8);
        in.check("sliced", in.chunked(64));
        in.check("sliced sequential", in.sequential());
    }

    @Test
    void withoutGateItIsTheDeltaRule() {
        Inputs in = Inputs.of(B, 130, H, 24, 20, 0, true, 9);
        in.check("delta rule", in.chunked(64));
        RecurrenceResult zero = DeltaRecurrence.chunked(in.q, in.k, in.v, in.beta, Creation.zeros(B, 130, H), in.scale, in.initial, true);
        RecurrenceResult none = in.chunked(64);
        assertClose("g = 0 output", none.output().toDoubleArray(), zero.output(), 1e-6);
        assertClose("g = 0 state", none.finalState().toDoubleArray(), zero.finalState(), 1e-6);
    }

    @Test
    void strongGatesAndResetsStayFinite() {
        float[] g = new float[B * 130 * H];
        for (int i = 0; i < g.length; i++) g[i] = i % 13 == 0 ? Float.NEGATIVE_INFINITY : -25f;
        Inputs base = Inputs.of(B, 130, H, 32, 32, 0.1, true, 10);
        Inputs in = Inputs.withReference(B, 130, H, 32, 32, base.q, base.k, base.v, base.beta, Creation.of(g, B, 130, H), base.initial);
        in.check("strong gates chunked", in.chunked(64));
        in.check("strong gates sequential", in.sequential());
    }

    @Test
    void twoCallsChainedThroughTheStateEqualOne() {
        Inputs in = Inputs.of(B, 130, H, 24, 20, 0.3, true, 11);
        for (boolean chunked : new boolean[] {true, false}) {
            RecurrenceResult first = run(in, 0, 37, in.initial, chunked), second = run(in, 37, 130, first.finalState(), chunked);
            RecurrenceResult whole = chunked ? in.chunked(64) : in.sequential();
            assertClose("split output", whole.output().toDoubleArray(), Shapes.concat(List.of(first.output(), second.output()), 1), 1e-6);
            assertClose("split state", whole.finalState().toDoubleArray(), second.finalState(), 1e-6);
        }
    }

    private static RecurrenceResult run(Inputs in, int from, int to, Tensor initial, boolean chunked) {
        Tensor q = in.q.slice(1, from, to, 1), k = in.k.slice(1, from, to, 1), v = in.v.slice(1, from, to, 1);
        Tensor beta = in.beta.slice(1, from, to, 1), g = in.g == null ? null : in.g.slice(1, from, to, 1);
        return chunked ? DeltaRecurrence.chunked(q, k, v, beta, g, in.scale, initial, true, 64)
                : DeltaRecurrence.sequential(q, k, v, beta, g, in.scale, initial, true);
    }

    @Test
    void bf16InputsAreConvertedOnce() {
        Inputs f = Inputs.of(B, 70, H, 24, 20, 0.3, true, 12);
        DType t = DType.BF16;
        Inputs in = Inputs.withReference(B, 70, H, 24, 20, f.q.to(t), f.k.to(t), f.v.to(t), f.beta.to(t), f.g.to(t), f.initial);
        in.check("bf16 chunked", in.chunked(64));
        in.check("bf16 sequential", in.sequential());
    }

    @Test
    void decodeStepsEqualTheSequentialFormAndAllocateNothing() {
        int t = 12, hh = 4, kd = 64, vd = 96;
        for (double strength : new double[] {0, 0.2}) {
            Inputs in = Inputs.of(1, t, hh, kd, vd, strength, true, 13);
            Tensor state = in.initial.copy(), out = Creation.zeros(1, t, hh, vd);
            for (int i = 0; i < t; i++) {
                Tensor g = in.g == null ? null : in.g.slice(1, i, i + 1, 1).contiguous();
                DeltaRecurrence.sequentialInto(in.q.slice(1, i, i + 1, 1).contiguous(), in.k.slice(1, i, i + 1, 1).contiguous(),
                        in.v.slice(1, i, i + 1, 1).contiguous(), in.beta.slice(1, i, i + 1, 1).contiguous(), g, in.scale, state,
                        out.slice(1, i, i + 1, 1));
            }
            in.check("decode", new RecurrenceResult(out, state));
        }
        Inputs in = Inputs.of(1, 1, 16, 128, 128, 0.2, true, 14);
        Tensor state = in.initial.copy(), out = Creation.zeros(1, 1, 16, 128);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId(), least = Long.MAX_VALUE;
        for (int round = 0; round < 40 && least > 0; round++) {
            long before = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < 500; i++) DeltaRecurrence.sequentialInto(in.q, in.k, in.v, in.beta, in.g, in.scale, state, out);
            least = Math.min(least, mx.getThreadAllocatedBytes(id) - before);
        }
        assertTrue(least == 0, "500 warm decode steps allocated " + least + " bytes");
    }

    @Test
    void badShapesAreReported() {
        Tensor q = Creation.zeros(1, 4, 2, 8), v = Creation.zeros(1, 4, 2, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeltaRecurrence.chunked(q, q, v, null, null, 1, null, false));
        assertTrue(e.getMessage().contains("beta is required"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DeltaRecurrence.chunked(q, q, v, Creation.zeros(1, 4, 2), Creation.zeros(1, 4, 2, 8), 1, null, false));
        assertTrue(e.getMessage().contains("g must have shape"), e.getMessage());
    }

    @AfterAll
    static void report() {
        System.out.println("delta recurrence: worst relative RMS error against float64: chunked " + worst[0] + ", sequential " + worst[1]);
    }
}
