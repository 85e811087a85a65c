package org.linlang.runtime.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The generation loop: prefill the prompt, then pick and feed one token at a time until a stop token, a
 * stop string or the token budget. With a tokenizer it streams text: each piece is passed to the consumer
 * as soon as it is final (not an incomplete UTF-8 sequence, not the possible start of a stop string).
 * Stop tokens and stop strings are not part of the result's text.
 */
public final class Generator {
    /** Why generation ended. */
    public enum Stop { STOP_TOKEN, STOP_STRING, MAX_TOKENS }

    /** The outcome: generated ids (a stop token excluded), text, why it stopped and the timings. */
    public record Result(long[] ids, String text, Stop stop, int promptTokens, double prefillSeconds,
                         int decodeSteps, double decodeSeconds, String method) {
        public double prefillTokensPerSecond() { return promptTokens / Math.max(prefillSeconds, 1e-9); }

        public double decodeTokensPerSecond() { return decodeSteps / Math.max(decodeSeconds, 1e-9); }

        /** "prefill 11 tokens in 0.05 s (220.0 tokens/s); decode 8 tokens in 0.40 s (20.0 tokens/s); …" */
        public String statistics() {
            return String.format("prefill %d tokens in %.3f s (%.1f tokens/s); decode %d tokens in %.3f s (%.1f tokens/s); %s",
                    promptTokens, prefillSeconds, prefillTokensPerSecond(), decodeSteps, decodeSeconds, decodeTokensPerSecond(), method);
        }
    }

    private Generator() {}

    /** Generates from token ids; {@code tokenizer} may be null (then there is no text and no stop strings). */
    public static Result generate(DecodeSession session, long[] prompt, Sampling sampling, TextTokenizer tokenizer, Consumer<String> stream) {
        if (tokenizer == null && !sampling.stopStrings().isEmpty()) throw new IllegalArgumentException("stop strings need a tokenizer");
        Sampler sampler = new Sampler(sampling);
        List<Long> out = new ArrayList<>();
        String emitted = "";
        Stop stop = Stop.MAX_TOKENS;
        String finalText = "";
        long t0 = System.nanoTime();
        float[] logits = sampling.maxTokens() > 0 ? session.prefill(prompt) : null;
        double prefill = (System.nanoTime() - t0) / 1e9;
        int steps = 0;
        long t1 = System.nanoTime();
        while (out.size() < sampling.maxTokens()) {
            long token = sampler.next(logits);
            if (sampling.stopTokens().contains(token)) {
                stop = Stop.STOP_TOKEN;
                break;
            }
            out.add(token);
            if (tokenizer != null) {
                String text = tokenizer.decode(ids(out), true);
                int at = firstStop(text, sampling.stopStrings());
                if (at >= 0) {
                    finalText = text.substring(0, at);
                    stop = Stop.STOP_STRING;
                    break;
                }
                finalText = text;
                String ready = text.substring(0, safeEnd(text, sampling.stopStrings()));
                if (ready.length() > emitted.length() && ready.startsWith(emitted)) {
                    if (stream != null) stream.accept(ready.substring(emitted.length()));
                    emitted = ready;
                }
            }
            if (out.size() >= sampling.maxTokens()) break;
            logits = session.next(token);
            steps++;
        }
        double decode = (System.nanoTime() - t1) / 1e9;
        if (stream != null && tokenizer != null && finalText.length() > emitted.length() && finalText.startsWith(emitted)) {
            stream.accept(finalText.substring(emitted.length()));
        }
        return new Result(ids(out), finalText, stop, session.prefilled(prompt), prefill, steps, decode, session.method());
    }

    private static long[] ids(List<Long> list) {
        long[] a = new long[list.size()];
        for (int i = 0; i < a.length; i++) a[i] = list.get(i);
        return a;
    }

    private static int firstStop(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    /**
     * How much of {@code text} is final: not a trailing replacement character (bytes of a character not
     * complete yet) and not a suffix that could begin a stop string.
     */
    static int safeEnd(String text, List<String> stops) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\uFFFD') end--;
        int hold = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, end); k > hold; k--) {
                if (text.startsWith(s.substring(0, k), end - k)) {
                    hold = k;
                    break;
                }
            }
        }
        return end - hold;
    }
}
