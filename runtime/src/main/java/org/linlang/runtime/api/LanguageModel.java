package org.linlang.runtime.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.linlang.runtime.checkpoint.Checkpoint;
import org.linlang.runtime.generate.CausalLM;
import org.linlang.runtime.generate.Generator;
import org.linlang.runtime.generate.Sampling;
import org.linlang.runtime.generate.TextTokenizer;
import org.linlang.runtime.tensor.Tensor;

/**
 * A Hugging Face checkpoint folder loaded into a {@link Lin} session ({@link Lin#loadCheckpoint}): the
 * standard-library model of its architecture with the weights read, and its tokenizer when the folder has
 * a tokenizer.json.
 *
 * <pre>{@code
 * try (Lin lin = Lin.builder().allowRead(dir).build(); LanguageModel m = lin.loadCheckpoint(dir)) {
 *     float[][] logits = m.logits(new long[] {1, 17, 42});          // [T][vocab]
 *     Generator.Result r = m.generate("Once upon a time", Sampling.greedy(20), System.out::print);
 * }
 * }</pre>
 */
public final class LanguageModel implements AutoCloseable {
    private final CausalLM model;
    private final TextTokenizer tokenizer;

    LanguageModel(CausalLM model, TextTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    static LanguageModel load(org.graalvm.polyglot.Context context, Path dir) {
        Checkpoint checkpoint = Checkpoint.open(dir);
        CausalLM model = CausalLM.load(context, checkpoint);
        TextTokenizer tokenizer = Files.isRegularFile(dir.resolve("tokenizer.json")) ? TextTokenizer.open(dir, dir.toString()) : null;
        return new LanguageModel(model, tokenizer);
    }

    /** The checkpoint: its config.json, architecture and the model's arguments. */
    public Checkpoint checkpoint() { return model.checkpoint(); }

    /** The tokenizer, or null when the folder has no tokenizer.json. */
    public TextTokenizer tokenizer() { return tokenizer; }

    /**
     * Logits [T][vocab] of every position of one sequence (a full forward). A call the engine refuses (engine
     * cpu, opencl or cuda, a model it cannot compile; cuda without a GPU) or bad ids are {@link LinException}s.
     */
    public float[][] logits(long[] ids) {
        try {
            return model.logits(ids);
        } catch (IllegalArgumentException e) {
            throw LinException.runtime(e.getMessage());
        }
    }

    /** Logits [B, T, vocab] (f32) of ids [B, T]. */
    public Tensor logits(Tensor ids) {
        try {
            return model.logits(ids);
        } catch (IllegalArgumentException e) {
            throw LinException.runtime(e.getMessage());
        }
    }

    /** Generates from token ids on a fresh session (KV caches and recurrent states carried from token to token). */
    public Generator.Result generate(long[] prompt, Sampling sampling) {
        try {
            return Generator.generate(model.session(), prompt, sampling, tokenizer, null);
        } catch (IllegalArgumentException e) {
            throw LinException.runtime(e.getMessage());
        }
    }

    /**
     * Generates from text: tokenized with the tokenizer's special tokens (BOS), stopping at the sampling's
     * stop tokens and the checkpoint's end-of-sequence tokens; {@code stream} (may be null) receives the
     * text as it becomes final.
     */
    public Generator.Result generate(String prompt, Sampling sampling, Consumer<String> stream) {
        if (tokenizer == null) throw new IllegalStateException(checkpoint().shown() + " has no tokenizer.json; generate from token ids instead");
        Set<Long> stops = new LinkedHashSet<>(sampling.stopTokens());
        stops.addAll(tokenizer.eosIds());
        try {
            return Generator.generate(model.session(), tokenizer.encode(prompt, true), sampling.withStopTokens(stops), tokenizer, stream);
        } catch (IllegalArgumentException e) {
            throw LinException.runtime(e.getMessage());
        }
    }

    @Override
    public void close() {
        if (tokenizer != null) tokenizer.close();
    }
}
