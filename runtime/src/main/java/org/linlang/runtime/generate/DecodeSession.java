package org.linlang.runtime.generate;

/**
 * One sequence being generated: {@link #prefill} feeds the prompt, {@link #next} one token at a time; each
 * returns the logits of the last position.
 */
public interface DecodeSession {
    float[] prefill(long[] prompt);

    float[] next(long token);

    /** How this session decodes, for the statistics line. */
    String method();
}
