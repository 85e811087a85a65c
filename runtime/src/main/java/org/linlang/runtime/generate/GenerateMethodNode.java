package org.linlang.runtime.generate;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.interop.InteropException;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.nodes.RootNode;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.linlang.runtime.checkpoint.CheckpointOrigins;
import org.linlang.runtime.tensor.Creation;
import org.linlang.runtime.tensor.DType;
import org.linlang.runtime.tensor.Tensor;
import org.linlang.runtime.truffle.LinRuntimeError;
import org.linlang.runtime.truffle.nodes.LinCallSite;
import org.linlang.runtime.truffle.values.LinInstance;
import org.linlang.runtime.truffle.values.LinMissing;
import org.linlang.runtime.truffle.values.LinTensor;
import org.linlang.runtime.truffle.values.LinValues;

/**
 * {@code m.generate(prompt, max_tokens = 64, temperature = 0.0, top_k = 0, top_p = 1.0, seed = 0)}, which every
 * model has: the {@link Generator} on a session of {@code m} (its KV caches and recurrent states carried from
 * token to token). A string prompt is tokenized with the tokenizer.json of the checkpoint folder {@code m}
 * was loaded from, and the continuation comes back as text (stopping at the end-of-sequence tokens); a
 * tensor of token ids ({@code [T]} or {@code [1, T]}) gives the generated ids, i64 {@code [N]}.
 */
public final class GenerateMethodNode extends RootNode {
    public static final String[] PARAMETERS = {"prompt", "max_tokens", "temperature", "top_k", "top_p", "seed"};
    public static final boolean[] DEFAULTS = {false, true, true, true, true, true};

    private static final Map<Path, TextTokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    public GenerateMethodNode(TruffleLanguage<?> language) {
        super(language);
    }

    @Override
    public Object execute(VirtualFrame frame) {
        return run(frame.getArguments());
    }

    @TruffleBoundary
    private Object run(Object[] args) {
        LinInstance self = (LinInstance) args[0];
        try {
            Sampling sampling = new Sampling(number(args[3], 0.0), (int) integer(args[4], 0), number(args[5], 1.0), integer(args[6], 0),
                    (int) integer(args[2], 64), Set.of(), List.of());
            DecodeSession session = new InstanceSession(self);
            if (args[1] instanceof String text) {
                TextTokenizer tokenizer = tokenizer(self);
                Set<Long> stops = new LinkedHashSet<>(tokenizer.eosIds());
                return Generator.generate(session, tokenizer.encode(text, true), sampling.withStopTokens(stops), tokenizer, null).text();
            }
            if (!(args[1] instanceof LinTensor t) || t.dtype() != DType.I64 && t.dtype() != DType.I32 || t.tensor().rank() > 2
                    || t.tensor().rank() == 2 && t.tensor().dim(0) != 1) {
                throw new IllegalArgumentException("generate takes a prompt as text or as token ids (i64 [T] or [1, T]), got " + LinValues.aTypeName(args[1]));
            }
            long[] ids = t.tensor().toLongArray();
            long[] out = Generator.generate(session, ids, sampling, null, null).ids();
            return new LinTensor(Creation.of(out, out.length));
        } catch (IllegalArgumentException e) {
            throw new LinRuntimeError(e.getMessage(), LinCallSite.of(this));
        }
    }

    private static TextTokenizer tokenizer(LinInstance self) {
        Path dir = CheckpointOrigins.of(self);
        if (dir == null) {
            throw new IllegalArgumentException("generate(text) needs a tokenizer: load the model from a checkpoint folder with tokenizer.json "
                    + "(m.load(dir) or load(dir)), or pass token ids");
        }
        return TOKENIZERS.computeIfAbsent(dir, d -> TextTokenizer.open(d, d.toString()));
    }

    private static double number(Object v, double dflt) {
        if (v == LinMissing.INSTANCE) return dflt;
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("generate: expected a number, got " + LinValues.aTypeName(v));
    }

    private static long integer(Object v, long dflt) {
        if (v == LinMissing.INSTANCE) return dflt;
        if (v instanceof Long n) return n;
        throw new IllegalArgumentException("generate: expected an int, got " + LinValues.aTypeName(v));
    }

    /** A session of the instance driven through interop: the same calls a script makes, s = m.session(); s(ids). */
    private static final class InstanceSession implements DecodeSession {
        private final Object session;

        InstanceSession(LinInstance model) {
            try {
                session = InteropLibrary.getUncached().invokeMember(model, "session");
            } catch (InteropException e) {
                throw new IllegalStateException("a model without sessions", e);
            }
        }

        @Override public float[] prefill(long[] prompt) {
            if (prompt.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
            return call(Creation.of(prompt, 1, prompt.length));
        }

        @Override public float[] next(long token) { return call(Creation.of(new long[] {token}, 1, 1)); }

        private float[] call(Tensor ids) {
            Object out;
            try {
                out = InteropLibrary.getUncached().execute(session, new LinTensor(ids));
            } catch (InteropException e) {
                throw new IllegalStateException("the model cannot be called on token ids", e);
            }
            if (!(out instanceof LinTensor logits) || logits.tensor().rank() != 3) {
                throw new IllegalArgumentException("generate needs a model whose forward gives logits [B, T, vocab], got " + LinValues.aTypeName(out));
            }
            Tensor l = logits.tensor();
            return l.select(0, 0).select(0, l.dim(1) - 1).toFloatArray();
        }

        @Override public String method() { return "session"; }
    }
}
