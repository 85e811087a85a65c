package org.linlang.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertNull;
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

class DiagonalRecurrenceTest {
    enum Gate { NONE, HEAD, CHANNEL }

    static final int B = 2, H = 3;
    /** Worst relative RMS errors seen, for the report: [chunked, sequential]. */
    private static final double[] worst = new double[2];

    /** One problem: inputs, the float64 reference and the scale. */
    record Inputs(int b, int t, int h, int kDim, int vDim, Tensor q, Tensor k, Tensor v, Tensor g, boolean perChannel, Tensor initial,
                  double scale, NaiveRecurrences.Result ref) {
        static Inputs of(int b, int t, int h, int kDim, int vDim, Gate gate, double strength, int saturated, boolean withInitial, long seed) {
            Tensor q = Fixtures.normal(seed, b, t, h, kDim), k = Fixtures.normal(seed + 1, b, t, h, kDim);
            Tensor v = Fixtures.normal(seed + 2, b, t, h, vDim);
            Tensor g = switch (gate) {
                case NONE -> null;
                case HEAD -> Fixtures.gates(seed + 3, strength, 0, b, t, h);
                case CHANNEL -> Fixtures.gates(seed + 3, strength, saturated, b, t, h, kDim);
            };
            Tensor init = withInitial ? Fixtures.normal(seed + 4, b, h, kDim, vDim) : null;
            return withReference(b, t, h, kDim, vDim, q, k, v, g, gate == Gate.CHANNEL, init);
        }

        static Inputs withReference(int b, int t, int h, int kDim, int vDim, Tensor q, Tensor k, Tensor v, Tensor g, boolean perChannel,
                                    Tensor init) {
            double scale = 1 / Math.sqrt(kDim);
            NaiveRecurrences.Result ref = NaiveRecurrences.diagonal(b, t, h, kDim, vDim, doubles(q), doubles(k), doubles(v), doubles(g),
                    perChannel, scale, doubles(init));
            return new Inputs(b, t, h, kDim, vDim, q, k, v, g, perChannel, init, scale, ref);
        }

        RecurrenceResult chunked(int chunk) { return DiagonalRecurrence.chunked(q, k, v, g, scale, initial, true, chunk); }

        RecurrenceResult sequential() { return DiagonalRecurrence.sequential(q, k, v, g, scale, initial, true); }

        void check(String what, RecurrenceResult r) {
            int at = what.contains("sequential") || what.contains("decode") ? 1 : 0;
            worst[at] = Math.max(worst[at], assertClose(what + " output", ref.output(), r.output(), RMS_TOLERANCE));
            worst[at] = Math.max(worst[at], assertClose(what + " final state", ref.state(), r.finalState(), RMS_TOLERANCE));
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] dims = {{24, 20}, {64, 64}};
        long seed = 1;
        for (int[] d : dims) {
            for (int t : new int[] {1, 15, 63, 64, 65, 130}) {
                for (boolean init : new boolean[] {false, true}) {
                    out.add(Arguments.of(t, d[0], d[1], Gate.NONE, 0.0, init, seed++));
                    for (double s : new double[] {0.01, 0.5, 5}) {
                        out.add(Arguments.of(t, d[0], d[1], Gate.HEAD, s, init, seed++));
                        out.add(Arguments.of(t, d[0], d[1], Gate.CHANNEL, s, init, seed++));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "T={0} K={1} V={2} gate={3} strength={4} initial={5}")
    @MethodSource("cases")
    void chunkedAndSequentialMatchTheFloat64Recurrence(int t, int kDim, int vDim, Gate gate, double strength, boolean initial, long seed) {
        Inputs in = Inputs.of(B, t, H, kDim, vDim, gate, strength, gate == Gate.CHANNEL ? 3 : 0, initial, seed);
        in.check("chunked", in.chunked(DiagonalRecurrence.DEFAULT_CHUNK));
        in.check("sequential", in.sequential());
    }

    @Test
    void otherChunkSizesAgree() {
        for (Gate gate : Gate.values()) {
            Inputs in = Inputs.of(B, 130, H, 24, 20, gate, 0.3, 2, true, 77);
            for (int chunk : new int[] {1, 7, 16, 32, 50, 128, 256}) in.check("chunk " + chunk + " " + gate, in.chunked(chunk));
        }
    }

    @Test
    void onePairIsSplitIntoValueSlices() {
        // B = H = 1: on two or more threads the value columns are sliced between them.
        for (Gate gate : Gate.values()) {
            Inputs in = Inputs.of(1, 200, 1, 64, 128, gate, 0.2, 2, true, 78);
            in.check("sliced " + gate, in.chunked(64));
            in.check("sliced sequential " + gate, in.sequential());
        }
    }

    @Test
    void saturatedGatesStayFinite() {
        // Every channel at -20 per step, and tokens that reset the state (log-decay -inf).
        long[] shape = {B, 130, H, 32};
        float[] gk = Fixtures.gates(90, 20, 0, shape).toFloatArray();
        for (int i = 0; i < gk.length; i++) gk[i] = -20f;
        for (int i = 5 * H * 32; i < 6 * H * 32; i++) gk[i] = Float.NEGATIVE_INFINITY;
        Tensor g = Creation.of(gk, shape);
        float[] gh = new float[B * 130 * H];
        for (int i = 0; i < gh.length; i++) gh[i] = i % 17 == 0 ? Float.NEGATIVE_INFINITY : -30f;
        Tensor q = Fixtures.normal(91, shape), k = Fixtures.normal(92, shape), v = Fixtures.normal(93, B, 130, H, 32);
        Tensor init = Fixtures.normal(94, B, H, 32, 32);
        for (Tensor gate : new Tensor[] {g, Creation.of(gh, B, 130, H)}) {
            Inputs in = Inputs.withReference(B, 130, H, 32, 32, q, k, v, gate, gate.rank() == 4, init);
            in.check("saturated chunked", in.chunked(64));
            in.check("saturated sequential", in.sequential());
        }
    }

    @Test
    void logDecayZeroIsLinearAttention() {
        Tensor q = Fixtures.normal(11, B, 100, H, 24), k = Fixtures.normal(12, B, 100, H, 24), v = Fixtures.normal(13, B, 100, H, 20);
        Tensor init = Fixtures.normal(14, B, H, 24, 20);
        RecurrenceResult plain = DiagonalRecurrence.chunked(q, k, v, null, 0.2, init, true);
        for (Tensor zero : new Tensor[] {Creation.zeros(B, 100, H), Creation.zeros(B, 100, H, 24)}) {
            RecurrenceResult gated = DiagonalRecurrence.chunked(q, k, v, zero, 0.2, init, true);
            assertClose("g = 0 output", plain.output().toDoubleArray(), gated.output(), 1e-6);
            assertClose("g = 0 state", plain.finalState().toDoubleArray(), gated.finalState(), 1e-6);
            RecurrenceResult seq = DiagonalRecurrence.sequential(q, k, v, zero, 0.2, init, true);
            assertClose("g = 0 sequential", plain.output().toDoubleArray(), seq.output(), RMS_TOLERANCE);
        }
    }

    @Test
    void twoCallsChainedThroughTheStateEqualOne() {
        for (Gate gate : Gate.values()) {
            Inputs in = Inputs.of(B, 130, H, 24, 20, gate, 0.3, 2, true, 21);
            int cut = 37;
            for (boolean chunked : new boolean[] {true, false}) {
                RecurrenceResult first = run(in, 0, cut, in.initial, chunked), second = run(in, cut, 130, first.finalState(), chunked);
                RecurrenceResult whole = chunked ? in.chunked(64) : in.sequential();
                Tensor joined = Shapes.concat(List.of(first.output(), second.output()), 1);
                assertClose("split output " + gate, whole.output().toDoubleArray(), joined, 1e-6);
                assertClose("split state " + gate, whole.finalState().toDoubleArray(), second.finalState(), 1e-6);
            }
        }
    }

    private static RecurrenceResult run(Inputs in, int from, int to, Tensor initial, boolean chunked) {
        Tensor q = in.q.slice(1, from, to, 1), k = in.k.slice(1, from, to, 1), v = in.v.slice(1, from, to, 1);
        Tensor g = in.g == null ? null : in.g.slice(1, from, to, 1);
        return chunked ? DiagonalRecurrence.chunked(q, k, v, g, in.scale, initial, true, 64)
                : DiagonalRecurrence.sequential(q, k, v, g, in.scale, initial, true);
    }

    @Test
    void sixteenBitInputsAreConvertedOnce() {
        for (DType type : new DType[] {DType.BF16, DType.F16}) {
            Inputs f = Inputs.of(B, 70, H, 24, 20, Gate.CHANNEL, 0.3, 0, true, 31);
            Tensor q = f.q.to(type), k = f.k.to(type), v = f.v.to(type), g = f.g.to(type);
            Inputs in = Inputs.withReference(B, 70, H, 24, 20, q, k, v, g, true, f.initial);
            in.check(type + " chunked", in.chunked(64));
            in.check(type + " sequential", in.sequential());
        }
    }

    @Test
    void stridedInputsAreRead() {
        // q as a transposed view of a [B, H, T, K] tensor.
        Inputs base = Inputs.of(B, 50, H, 24, 20, Gate.HEAD, 0.3, 0, false, 41);
        Tensor q = base.q.permute(0, 2, 1, 3).copy().permute(0, 2, 1, 3);
        assertTrue(!q.isContiguous());
        Inputs in = Inputs.withReference(B, 50, H, 24, 20, q, base.k, base.v, base.g, false, null);
        in.check("strided", in.chunked(64));
    }

    @Test
    void emptySequencesPassTheStateThrough() {
        Tensor q = Creation.zeros(B, 0, H, 24), v = Creation.zeros(B, 0, H, 20), init = Fixtures.normal(3, B, H, 24, 20);
        for (Tensor g : new Tensor[] {null, Creation.zeros(B, 0, H), Creation.zeros(B, 0, H, 24)}) {
            for (RecurrenceResult r : new RecurrenceResult[] {DiagonalRecurrence.chunked(q, q, v, g, 0.5, init, true),
                    DiagonalRecurrence.sequential(q, q, v, g, 0.5, init, true)}) {
                assertTrue(r.output().numel() == 0);
                assertClose("T = 0 state", init.toDoubleArray(), r.finalState(), 0);
            }
        }
        RecurrenceResult r = DeltaRecurrence.chunked(q, q, v, Creation.zeros(B, 0, H), null, 0.5, init, true);
        assertClose("T = 0 delta state", init.toDoubleArray(), r.finalState(), 0);
    }

    @Test
    void finalStateIsOptional() {
        Inputs in = Inputs.of(1, 10, 1, 24, 20, Gate.HEAD, 0.3, 0, false, 51);
        assertNull(DiagonalRecurrence.chunked(in.q, in.k, in.v, in.g, in.scale, null, false).finalState());
        assertNull(DiagonalRecurrence.sequential(in.q, in.k, in.v, in.g, in.scale, null, false).finalState());
    }

    @Test
    void decodeStepsEqualTheSequentialFormAndAllocateNothing() {
        int t = 12, hh = 4, kd = 64, vd = 96;
        for (Gate gate : Gate.values()) {
            Inputs in = Inputs.of(1, t, hh, kd, vd, gate, 0.2, 1, true, 61);
            Tensor state = in.initial.copy(), out = Creation.zeros(1, t, hh, vd);
            for (int i = 0; i < t; i++) {
                Tensor g = in.g == null ? null : in.g.slice(1, i, i + 1, 1).contiguous();
                DiagonalRecurrence.sequentialInto(in.q.slice(1, i, i + 1, 1).contiguous(), in.k.slice(1, i, i + 1, 1).contiguous(),
                        in.v.slice(1, i, i + 1, 1).contiguous(), g, in.scale, state, out.slice(1, i, i + 1, 1));
            }
            in.check("decode " + gate, new RecurrenceResult(out, state));
        }
        // Allocation: the same step again and again, measured on the calling thread once warm.
        Inputs in = Inputs.of(1, 1, 16, 128, 128, Gate.CHANNEL, 0.2, 0, true, 62);
        Tensor state = in.initial.copy(), out = Creation.zeros(1, 1, 16, 128);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId(), least = Long.MAX_VALUE;
        for (int round = 0; round < 40 && least > 0; round++) {
            long before = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < 500; i++) DiagonalRecurrence.sequentialInto(in.q, in.k, in.v, in.g, in.scale, state, out);
            least = Math.min(least, mx.getThreadAllocatedBytes(id) - before);
        }
        assertTrue(least == 0, "500 warm decode steps allocated " + least + " bytes");
    }

    @Test
    void badShapesAreReported() {
        Tensor q = Creation.zeros(1, 4, 2, 8), v = Creation.zeros(1, 4, 2, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiagonalRecurrence.chunked(q, Creation.zeros(1, 4, 2, 7), v, null, 1, null, false));
        assertTrue(e.getMessage().contains("k must have shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DiagonalRecurrence.chunked(q, q, v, Creation.zeros(1, 4, 3), 1, null, false));
        assertTrue(e.getMessage().contains("g must have shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DiagonalRecurrence.sequentialInto(q, q, v, null, 1, Creation.zeros(1, 2, 8, 6).to(DType.BF16), Creation.zeros(1, 4, 2, 6)));
        assertTrue(e.getMessage().contains("writable contiguous f32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DiagonalRecurrence.chunked(q, q, v, null, 1, null, false, 0));
    }

    @AfterAll
    static void report() {
        System.out.println("diagonal recurrence: worst relative RMS error against float64: chunked " + worst[0] + ", sequential " + worst[1]);
    }
}
