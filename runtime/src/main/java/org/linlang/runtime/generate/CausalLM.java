package org.linlang.runtime.generate;

import java.lang.foreign.MemorySegment;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.linlang.runtime.checkpoint.Checkpoint;
import org.linlang.runtime.checkpoint.CheckpointException;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinLanguage;
import org.linlang.runtime.truffle.values.LinTensor;

/**
 * A checkpoint's model, built from its standard-library architecture and loaded, in a Lin context:
 * {@link #logits} runs the model's forward on token ids and returns the logits of every position.
 */
public final class CausalLM {

    private final Checkpoint checkpoint;
    private final Value forward;
    private final Value model;
    private final long vocab;
    /** What a session carries ("KV caches", "recurrent states, conv caches"), from the declarations on first use. */
    private String carried;

    private CausalLM(Checkpoint checkpoint, Value forward, Value model, long vocab) {
        this.checkpoint = checkpoint;
        this.forward = forward;
        this.model = model;
        this.vocab = vocab;
    }

    /**
     * Builds and loads the model in {@code context} (a plain program of its own, so it leaves no names
     * behind). Problems (missing tensors, shapes, files) are {@link CheckpointException}s with the loader's
     * report.
     */
    public static CausalLM load(Context context, Checkpoint checkpoint) {
        String model = checkpoint.architecture().model();
        String program = checkpoint.modelSource("__model")
                + "fn __forward(m: " + model + ", ids: i64[B, T]) = m(ids)\n"
                + "let __pair = (__forward, __model)\n__pair\n";
        try {
            Value pair = context.eval(Source.newBuilder(LinLanguage.ID, program, "<checkpoint " + checkpoint.shown() + ">").buildLiteral());
            return new CausalLM(checkpoint, pair.getArrayElement(0), pair.getArrayElement(1), checkpoint.vocabSize());
        } catch (PolyglotException e) {
            if (e.isInternalError()) throw e;
            throw new CheckpointException(e.getMessage());
        }
    }

    public Checkpoint checkpoint() { return checkpoint; }

    public long vocabSize() { return vocab; }

    /** The model instance, a Lin value (its parameters, methods, …). */
    public Value model() { return model; }

    /** Logits [B, T, vocab] (f32) of int64 ids [B, T]: a full forward from empty caches (the model itself is pure). */
    public Tensor logits(Tensor ids) {
        return run(model, ids);
    }

    /**
     * A decoding session: an instance of the model that shares its weights and keeps its own states (KV
     * caches, recurrent states) from call to call, so each step feeds only the new token.
     */
    public DecodeSession session() {
        Value session;
        try {
            session = model.invokeMember("session");
        } catch (PolyglotException e) {
            if (e.isInternalError()) throw e;
            throw new IllegalArgumentException(e.getMessage());
        }
        return new DecodeSession() {
            @Override
            public float[] prefill(long[] prompt) {
                if (prompt.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
                return last(run(session, Creation.of(prompt, 1, prompt.length)));
            }

            @Override
            public float[] next(long token) {
                return last(run(session, Creation.of(new long[] {token}, 1, 1)));
            }

            @Override
            public String method() { return "decode steps one token at a time on the model's session (" + carried() + ")"; }
        };
    }

    private String carried() {
        if (carried == null) carried = SessionStates.describe(checkpoint.architecture().module(), checkpoint.architecture().model());
        return carried;
    }

    private static float[] last(Tensor logits) {
        long T = logits.dim(1);
        return logits.select(0, 0).select(0, T - 1).toFloatArray();
    }

    private Tensor run(Value instance, Tensor ids) {
        if (ids.rank() != 2) throw new IllegalArgumentException("input_ids must be [B, T], found shape " + java.util.Arrays.toString(ids.shape()));
        Value out;
        try {
            out = forward.execute(instance, new LinTensor(ids.dtype() == DType.I64 ? ids : ids.to(DType.I64)));
        } catch (PolyglotException e) {
            if (e.isInternalError()) throw e;
            throw new IllegalArgumentException(e.getMessage());
        }
        long[] shape = new long[(int) out.getMember("shape").getArraySize()];
        for (int i = 0; i < shape.length; i++) shape[i] = out.getMember("shape").getArrayElement(i).asLong();
        String dtype = out.getMember("dtype").asString();
        byte[] bytes = new byte[Math.toIntExact(out.getBufferSize())];
        out.readBuffer(0, bytes, 0, bytes.length);
        Tensor t = Tensor.wrap(MemorySegment.ofArray(bytes), DType.fromLin(dtype), shape, contiguous(shape), 0);
        return t.to(DType.F32);
    }

    /** The logits [T][vocab] of one sequence. */
    public float[][] logits(long[] ids) {
        Tensor t = logits(Creation.of(ids, 1, ids.length));
        float[] flat = t.toFloatArray();
        int T = ids.length, V = Math.toIntExact(t.dim(-1));
        float[][] out = new float[T][V];
        for (int i = 0; i < T; i++) System.arraycopy(flat, i * V, out[i], 0, V);
        return out;
    }

    private static long[] contiguous(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

}
