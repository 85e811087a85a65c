package org.linlang.runtime.generate;

import java.util.Arrays;

/**
 * Decoding without carried state: every step runs the model's forward on the whole sequence so far and
 * keeps the last position's logits. Exact, but each step costs a full prefill — O(T²) work for T tokens.
 * It is what generation uses until blocks can carry state across calls (KV caches, recurrent states; see
 * docs/checkpoints.md, "Sessions"), and the generator's statistics line says so.
 */
public final class PrefixRecomputation implements DecodeSession {
    private final CausalLM model;
    private long[] ids = new long[0];

    public PrefixRecomputation(CausalLM model) {
        this.model = model;
    }

    @Override
    public float[] prefill(long[] prompt) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
        ids = prompt.clone();
        return last();
    }

    @Override
    public float[] next(long token) {
        ids = Arrays.copyOf(ids, ids.length + 1);
        ids[ids.length - 1] = token;
        return last();
    }

    private float[] last() {
        float[][] all = model.logits(ids);
        return all[all.length - 1];
    }

    @Override
    public String method() { return "decode recomputes the whole prefix at each token (no KV cache yet)"; }
}
