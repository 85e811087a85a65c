package org.linlang.runtime.cpu;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.linlang.compiler.ir.Node;
import org.linlang.compiler.ir.RecurrenceCall;
import org.linlang.compiler.types.Dim;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;

/**
 * The generic sequential recurrence kernel: any recurrence the two fast families do not take
 * (general and nonlinear classes, KDA, several states or writes) runs its own step body token by
 * token, compiled once per step shapes into operations on {@code float[]} slots
 * ({@link StepProgram}). It is sequential — no chunked form, each token waits for the previous one —
 * so it is as fast as the step's own arithmetic, not a matmul kernel.
 *
 * <p>As in the interpreter, the leading axes after time are heads, the sequences (batch, head) are
 * independent, and each carries its states in f32 from one token to the next. The sequences are the
 * work items shared out over {@link WorkerPool}; each worker has a frame of preallocated slots, so a
 * token allocates nothing.
 */
final class GenericRecurrence {
    private final RecurrenceCall call;
    private final Node node;
    private final String where;
    private final Map<String, StepProgram> programs = new ConcurrentHashMap<>();

    /** The output, and each state's final value ({@code [B, H…, state]}, f32; null where not asked for). */
    record Result(Tensor output, Tensor[] finals) {}

    /** Compiles the step for sample sizes now, so that what it cannot run is refused when the plan is made. */
    GenericRecurrence(Node node, String where) {
        this.node = node;
        this.call = node.recurrence();
        this.where = where;
        Map<org.linlang.compiler.types.Sym, Long> sample = new HashMap<>();
        long[] primes = {3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41};
        int[][] shapes = new int[call.stepInputs()][];
        for (int i = 0; i < shapes.length; i++) {
            List<Dim> tail = call.inputTails().get(i);
            shapes[i] = new int[tail.size()];
            for (int j = 0; j < tail.size(); j++) {
                Dim d = tail.get(j);
                if (d.isConstant()) {
                    shapes[i][j] = (int) d.constant();
                } else {
                    long v = 0;
                    for (org.linlang.compiler.types.Sym s : d.symbols()) v += sample.computeIfAbsent(s, x -> primes[sample.size() % primes.length]);
                    shapes[i][j] = (int) v;
                }
            }
        }
        program(shapes);
    }

    private StepProgram program(int[][] shapes) {
        String key = Arrays.deepToString(shapes);
        StepProgram p = programs.get(key);
        if (p == null) {
            p = new StepProgram(call.decl(), call.inputNames().subList(0, call.stepInputs()), shapes, call.hostArgs(), where);
            programs.put(key, p);
        }
        return p;
    }

    /** Runs the sequence; {@code wantFinal[j]} says whether state j's final value is wanted. */
    Result run(Tensor[] in, boolean[] wantFinal) {
        int steps = call.stepInputs();
        int leadRank = in[0].rank() - call.inputTails().getFirst().size();
        long[] lead = Arrays.copyOf(in[0].shape(), leadRank);
        int batch = (int) lead[0], time = (int) lead[1];
        int heads = 1;
        for (int i = 2; i < leadRank; i++) heads *= (int) lead[i];
        int[][] shapes = new int[steps][];
        float[][] inputs = new float[steps][];
        for (int i = 0; i < steps; i++) {
            long[] s = in[i].shape();
            if (s.length - leadRank != call.inputTails().get(i).size() || !Arrays.equals(Arrays.copyOf(s, leadRank), lead)) {
                throw new CpuEngineException("input '" + call.inputNames().get(i) + "' of recurrence " + call.name() + " in " + where + " has shape "
                        + Arrays.toString(s) + ", whose leading dimensions are not " + Arrays.toString(lead));
            }
            shapes[i] = new int[s.length - leadRank];
            for (int j = 0; j < shapes[i].length; j++) shapes[i][j] = (int) s[leadRank + j];
            inputs[i] = (in[i].dtype() == DType.F32 ? in[i] : in[i].to(DType.F32)).toFloatArray();
        }
        StepProgram p = program(shapes);
        int ns = p.stateHome.length;
        float[][] initial = new float[ns][];
        if (call.stateInputs() > 0) {
            for (int j = 0; j < ns; j++) {
                Tensor s = in[steps + j];
                initial[j] = (s.dtype() == DType.F32 ? s : s.to(DType.F32)).toFloatArray();
                if (initial[j].length != batch * heads * StepProgram.numel(p.stateShape[j])) {
                    throw new CpuEngineException("the initial state '" + call.stateNames().get(j) + "' of recurrence " + call.name() + " in " + where
                            + " has shape " + Arrays.toString(s.shape()) + ", not the leading dimensions without time, then " + Arrays.toString(p.stateShape[j]));
                }
            }
        }
        int outLen = StepProgram.numel(p.outputShape);
        float[] output = new float[batch * time * heads * outLen];
        float[][] finals = new float[ns][];
        for (int j = 0; j < ns; j++) if (wantFinal[j]) finals[j] = new float[batch * heads * StepProgram.numel(p.stateShape[j])];
        double[] inits = new double[ns];
        for (int j = 0; j < ns; j++) inits[j] = p.stateInit(j);

        WorkerPool pool = WorkerPool.shared();
        StepProgram.Frame[] frames = new StepProgram.Frame[pool.threads()];
        StepProgram.Op[] ops = p.ops.toArray(StepProgram.Op[]::new);
        int h = heads, t = time;
        pool.run(batch * heads, (item, worker) -> {
            StepProgram.Frame f = frames[worker];
            if (f == null) {
                f = p.frame();
                f.inputs = inputs;
                f.output = output;
                frames[worker] = f;
            }
            int b = item / h, head = item % h;
            for (int j = 0; j < ns; j++) {
                int n = StepProgram.numel(p.stateShape[j]);
                float[] home = f.slot[p.stateHome[j]];
                if (initial[j] != null) System.arraycopy(initial[j], item * n, home, 0, n);
                else Arrays.fill(home, (float) inits[j]);
            }
            for (int s = 0; s < t; s++) {
                f.row = (b * t + s) * h + head;
                for (StepProgram.Op o : ops) o.run(f);
            }
            for (int j = 0; j < ns; j++) {
                if (finals[j] == null) continue;
                int n = StepProgram.numel(p.stateShape[j]);
                System.arraycopy(f.slot[p.stateHome[j]], 0, finals[j], item * n, n);
            }
        });

        long[] outShape = concat(lead, p.outputShape);
        Tensor o = Creation.of(output, outShape);
        DType want = NodeKernels.dtype(node);
        if (o.dtype() != want) o = o.to(want);
        Tensor[] fin = new Tensor[ns];
        long[] stateLead = new long[leadRank - 1];
        stateLead[0] = lead[0];
        System.arraycopy(lead, 2, stateLead, 1, leadRank - 2);
        for (int j = 0; j < ns; j++) if (finals[j] != null) fin[j] = Creation.of(finals[j], concat(stateLead, p.stateShape[j]));
        return new Result(o, fin);
    }

    private static long[] concat(long[] a, int[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        for (int i = 0; i < b.length; i++) out[a.length + i] = b[i];
        return out;
    }
}
