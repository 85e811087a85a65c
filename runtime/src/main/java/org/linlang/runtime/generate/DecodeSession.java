package org.linlang.runtime.generate;

/**
 * One sequence being generated: {@link #prefill} feeds the prompt, {@link #next} one token at a time; each
 * returns the logits of the last position.
 */
public interface DecodeSession {
    float[] prefill(long[] prompt);

    float[] next(long token);

    /** How many of the prompt's tokens {@link #prefill} runs the model on (fewer when a session already holds the start). */
    default int prefilled(long[] prompt) { return prompt.length; }

    /** How this session decodes, for the statistics line. */
    String method();
}
