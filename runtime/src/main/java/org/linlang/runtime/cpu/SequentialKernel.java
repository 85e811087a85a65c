package org.linlang.runtime.cpu;

import static org.linlang.runtime.cpu.Operand.F32;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.linlang.runtime.tensor.Tensor;

/**
 * The sequential ("fused recurrent") form of both families, one token after another, reading the
 * inputs and updating the state where they lie (contiguous f32 memory), so that a decode step
 * allocates nothing. A small call (a decode step whose state fits one core's cache) runs on the
 * calling thread; larger ones share the pool's threads. One work item is a (batch, head, block of up to 64 state columns): the columns
 * of the state never mix, so a block's 4 vectors of output stay in registers while the item walks
 * the K rows of its state block.
 *
 * <ul>
 *   <li>diagonal: {@code S_c = a_c S_c + k_c v}, {@code o = scale * sum_c q_c S_c}, one pass over the
 *       state per token ({@code a_c = exp(g)} per head, {@code exp(gk_c)} per channel, 1 without gate);
 *   <li>delta: {@code u = beta (v - gamma k^T S)}, {@code S = gamma S + k u^T},
 *       {@code o = scale * S^T q}: a read pass for {@code k^T S}, then a read-modify-write pass.
 * </ul>
 *
 * <p>Instances are reused per calling thread: their fields carry one call's arguments to the pool's
 * workers, so a call allocates nothing.
 */
final class SequentialKernel implements WorkerPool.Task {
    private static final VectorSpecies<Float> F = Gemm.F;
    private static final int LANES = F.length();
    private static final int BLOCK = 4 * LANES;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /**
     * A call whose state passes (state bytes x tokens) fit one core's L2 (2 MiB here) runs on the
     * caller alone. Split over the pool, the items land on whichever core claims them, so every
     * step the cores trade the state's blocks through their caches: a Gated DeltaNet decode step
     * with a 1 MiB state took 86 µs on two threads and 36 µs on one (2026-12-07).
     */
    static final long CALLER_ONLY_BYTES = 2L << 20;

    private static final ThreadLocal<SequentialKernel> PER_THREAD = ThreadLocal.withInitial(SequentialKernel::new);
    private static final ThreadLocal<float[]> ALPHA = ThreadLocal.withInitial(() -> new float[0]);

    private boolean busy;
    private boolean delta;
    private int gate;
    private int batch, time, heads, keys, values, blocks;
    private float scale;
    private MemorySegment q, k, v, g, beta, state, out;
    private long qBase, kBase, vBase, gBase, betaBase, stateBase, outBase;

    /**
     * The allocating sequential form: the state starts as the problem's initial state (or zeros) in
     * its final-state tensor, which must exist.
     */
    static void run(Problem p) {
        if (p.initial != null && !sameElements(p.initial.tensor, p.finalState)) p.finalState.copyFrom(p.initial.tensor);
        runInto(p.delta, p.gate, p.scale, p.q.tensor, p.k.tensor, p.v.tensor, p.g == null ? null : p.g.tensor,
                p.beta == null ? null : p.beta.tensor, p.finalState, p.output);
    }

    /** Whether two contiguous tensors are the same elements of the same memory (a state updated in place). */
    static boolean sameElements(Tensor a, Tensor b) {
        return a.storage().address() == b.storage().address() && a.offset() == b.offset() && a.dtype() == b.dtype()
                && a.numel() == b.numel() && a.isContiguous() && b.isContiguous();
    }

    /** The decode entry: every tensor f32, contiguous and already checked. Allocates nothing. */
    static void runInto(boolean delta, int gate, float scale, Tensor q, Tensor k, Tensor v, Tensor g, Tensor beta,
                        Tensor state, Tensor out) {
        SequentialKernel s = PER_THREAD.get();
        if (s.busy) s = new SequentialKernel(); // called from inside a running loop on this thread
        s.bind(delta, gate, scale, q, k, v, g, beta, state, out);
        s.busy = true;
        try {
            s.runAll();
        } finally {
            s.busy = false;
        }
    }

    private void bind(boolean delta, int gate, float scale, Tensor q, Tensor k, Tensor v, Tensor g, Tensor beta,
                      Tensor state, Tensor out) {
        this.delta = delta;
        this.gate = gate;
        this.scale = scale;
        batch = (int) q.dim(0);
        time = (int) q.dim(1);
        heads = (int) q.dim(2);
        keys = (int) q.dim(3);
        values = (int) v.dim(3);
        this.q = q.storage(); qBase = q.offset() * 4;
        this.k = k.storage(); kBase = k.offset() * 4;
        this.v = v.storage(); vBase = v.offset() * 4;
        if (g != null) { this.g = g.storage(); gBase = g.offset() * 4; }
        if (beta != null) { this.beta = beta.storage(); betaBase = beta.offset() * 4; }
        this.state = state.storage(); stateBase = state.offset() * 4;
        this.out = out.storage(); outBase = out.offset() * 4;
    }

    /** Runs the recurrence over all items; clears the references afterwards. */
    private void runAll() {
        blocks = (values + BLOCK - 1) / BLOCK;
        int items = batch * heads * blocks;
        try {
            if ((long) batch * heads * keys * values * Float.BYTES * time <= CALLER_ONLY_BYTES) {
                for (int i = 0; i < items; i++) run(i, 0);
            } else {
                WorkerPool.shared().run(items, this);
            }
        } finally {
            q = k = v = g = beta = state = out = null;
        }
    }

    @Override
    public void run(int item, int worker) {
        int blk = item % blocks, bh = item / blocks, h = bh % heads, b = bh / heads;
        int v0 = blk * BLOCK, width = Math.min(BLOCK, values - v0);
        float[] alpha = null;
        if (gate == Checks.CHANNEL_GATE) {
            alpha = ALPHA.get();
            if (alpha.length < keys) {
                alpha = new float[keys];
                ALPHA.set(alpha);
            }
        }
        for (int t = 0; t < time; t++) {
            long row = ((long) b * time + t) * heads + h;
            long qo = qBase + row * keys * 4, ko = kBase + row * keys * 4;
            long vo = vBase + (row * values + v0) * 4, oo = outBase + (row * values + v0) * 4;
            long so = stateBase + (((long) b * heads + h) * keys * values + v0) * 4;
            float a = 1;
            if (gate == Checks.HEAD_GATE) a = (float) Math.exp(g.get(F32, gBase + row * 4));
            else if (gate == Checks.CHANNEL_GATE) expRow(g, gBase + row * keys * 4, alpha, keys);
            if (delta) {
                float bt = beta.get(F32, betaBase + row * 4);
                if (width == BLOCK) deltaBlock(qo, ko, vo, so, oo, a, bt);
                else for (int j = 0; j < width; j += LANES) deltaVector(qo, ko, vo + j * 4L, so + j * 4L, oo + j * 4L, a, bt, F.indexInRange(j, width));
            } else {
                if (width == BLOCK) decayWriteRead(v, vo, qo, ko, so, oo, a, alpha);
                else for (int j = 0; j < width; j += LANES) diagonalVector(qo, ko, vo + j * 4L, so + j * 4L, oo + j * 4L, a, alpha, F.indexInRange(j, width));
            }
        }
    }

    private static void expRow(MemorySegment g, long at, float[] alpha, int n) {
        int c = 0;
        for (; c + LANES <= n; c += LANES) {
            FloatVector.fromMemorySegment(F, g, at + c * 4L, LE).lanewise(VectorOperators.EXP).intoArray(alpha, c);
        }
        for (; c < n; c++) alpha[c] = (float) Math.exp(g.get(F32, at + c * 4L));
    }

    private FloatVector load(MemorySegment m, long at) { return FloatVector.fromMemorySegment(F, m, at, LE); }

    /**
     * One block of {@value #BLOCK} value columns of S ← diag(α) S + k uᵀ, then o = scale · Sᵀ q, with u
     * read from {@code uSeg} at {@code uo}: the value for the diagonal class, and the delta step's
     * corrected value (already in the output row) for the delta class. α is {@code alpha[c]} per key
     * channel, or {@code a} for every channel when {@code alpha} is null.
     */
    private void decayWriteRead(MemorySegment uSeg, long uo, long qo, long ko, long so, long oo, float a, float[] alpha) {
        MemorySegment s = state;
        FloatVector u0 = load(uSeg, uo), u1 = load(uSeg, uo + 4L * LANES), u2 = load(uSeg, uo + 8L * LANES), u3 = load(uSeg, uo + 12L * LANES);
        FloatVector o0 = FloatVector.zero(F), o1 = o0, o2 = o0, o3 = o0;
        long stride = values * 4L;
        for (int c = 0; c < keys; c++, so += stride) {
            float ac = alpha == null ? a : alpha[c];
            FloatVector kc = FloatVector.broadcast(F, k.get(F32, ko + c * 4L)), qc = FloatVector.broadcast(F, q.get(F32, qo + c * 4L));
            FloatVector s0 = u0.fma(kc, load(s, so).mul(ac));
            FloatVector s1 = u1.fma(kc, load(s, so + 4L * LANES).mul(ac));
            FloatVector s2 = u2.fma(kc, load(s, so + 8L * LANES).mul(ac));
            FloatVector s3 = u3.fma(kc, load(s, so + 12L * LANES).mul(ac));
            s0.intoMemorySegment(s, so, LE);
            s1.intoMemorySegment(s, so + 4L * LANES, LE);
            s2.intoMemorySegment(s, so + 8L * LANES, LE);
            s3.intoMemorySegment(s, so + 12L * LANES, LE);
            o0 = s0.fma(qc, o0);
            o1 = s1.fma(qc, o1);
            o2 = s2.fma(qc, o2);
            o3 = s3.fma(qc, o3);
        }
        o0.mul(scale).intoMemorySegment(out, oo, LE);
        o1.mul(scale).intoMemorySegment(out, oo + 4L * LANES, LE);
        o2.mul(scale).intoMemorySegment(out, oo + 8L * LANES, LE);
        o3.mul(scale).intoMemorySegment(out, oo + 12L * LANES, LE);
    }

    private void diagonalVector(long qo, long ko, long vo, long so, long oo, float a, float[] alpha, VectorMask<Float> m) {
        FloatVector vv = FloatVector.fromMemorySegment(F, v, vo, LE, m), o = FloatVector.zero(F);
        long stride = values * 4L;
        for (int c = 0; c < keys; c++, so += stride) {
            float ac = alpha == null ? a : alpha[c];
            FloatVector kc = FloatVector.broadcast(F, k.get(F32, ko + c * 4L)), qc = FloatVector.broadcast(F, q.get(F32, qo + c * 4L));
            FloatVector s = vv.fma(kc, FloatVector.fromMemorySegment(F, state, so, LE, m).mul(ac));
            s.intoMemorySegment(state, so, LE, m);
            o = s.fma(qc, o);
        }
        o.mul(scale).intoMemorySegment(out, oo, LE, m);
    }

    /**
     * The delta step on a block of 64 columns, as two methods of one loop each: C2 stops inlining
     * the Vector API's internals in longer methods, and non-inlined vector operations are boxed.
     * {@code u} travels from the first to the second in the output row, which the second overwrites.
     */
    private void deltaBlock(long qo, long ko, long vo, long so, long oo, float gamma, float bt) {
        deltaUpdate(ko, vo, so, oo, gamma, bt);
        decayWriteRead(out, oo, qo, ko, so, oo, gamma, null);
    }

    /** {@code u = beta (v - gamma k^T S)}, written to the output row. */
    private void deltaUpdate(long ko, long vo, long so, long oo, float gamma, float bt) {
        MemorySegment s = state;
        long stride = values * 4L;
        FloatVector p0 = FloatVector.zero(F), p1 = p0, p2 = p0, p3 = p0;
        for (int c = 0; c < keys; c++, so += stride) {
            FloatVector kc = FloatVector.broadcast(F, k.get(F32, ko + c * 4L));
            p0 = load(s, so).fma(kc, p0);
            p1 = load(s, so + 4L * LANES).fma(kc, p1);
            p2 = load(s, so + 8L * LANES).fma(kc, p2);
            p3 = load(s, so + 12L * LANES).fma(kc, p3);
        }
        p0.mul(-gamma).add(load(v, vo)).mul(bt).intoMemorySegment(out, oo, LE);
        p1.mul(-gamma).add(load(v, vo + 4L * LANES)).mul(bt).intoMemorySegment(out, oo + 4L * LANES, LE);
        p2.mul(-gamma).add(load(v, vo + 8L * LANES)).mul(bt).intoMemorySegment(out, oo + 8L * LANES, LE);
        p3.mul(-gamma).add(load(v, vo + 12L * LANES)).mul(bt).intoMemorySegment(out, oo + 12L * LANES, LE);
    }

    private void deltaVector(long qo, long ko, long vo, long so, long oo, float gamma, float bt, VectorMask<Float> m) {
        long stride = values * 4L;
        FloatVector p = FloatVector.zero(F);
        long at = so;
        for (int c = 0; c < keys; c++, at += stride) {
            p = FloatVector.fromMemorySegment(F, state, at, LE, m).fma(FloatVector.broadcast(F, k.get(F32, ko + c * 4L)), p);
        }
        FloatVector u = p.mul(-gamma).add(FloatVector.fromMemorySegment(F, v, vo, LE, m)).mul(bt);
        FloatVector o = FloatVector.zero(F);
        at = so;
        for (int c = 0; c < keys; c++, at += stride) {
            FloatVector kc = FloatVector.broadcast(F, k.get(F32, ko + c * 4L)), qc = FloatVector.broadcast(F, q.get(F32, qo + c * 4L));
            FloatVector s = u.fma(kc, FloatVector.fromMemorySegment(F, state, at, LE, m).mul(gamma));
            s.intoMemorySegment(state, at, LE, m);
            o = s.fma(qc, o);
        }
        o.mul(scale).intoMemorySegment(out, oo, LE, m);
    }
}
