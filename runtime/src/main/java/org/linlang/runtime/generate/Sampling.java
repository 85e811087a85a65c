package org.linlang.runtime.generate;

import java.util.List;
import java.util.Set;

/**
 * How the next token is chosen and when generation stops. {@code temperature = 0} is greedy (argmax,
 * ties to the lowest id); otherwise the logits are divided by the temperature, cut to the {@code topK}
 * most likely (0: no cut), then to the smallest set whose probability reaches {@code topP} (1: no cut), and
 * a token is drawn with a generator seeded by {@code seed} — the order transformers' logits warpers use.
 */
public record Sampling(double temperature, int topK, double topP, long seed, int maxTokens,
                       Set<Long> stopTokens, List<String> stopStrings) {
    public Sampling {
        if (temperature < 0 || Double.isNaN(temperature)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 keeps every token), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (maxTokens < 0) throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
        stopTokens = Set.copyOf(stopTokens);
        stopStrings = List.copyOf(stopStrings);
        for (String s : stopStrings) if (s.isEmpty()) throw new IllegalArgumentException("a stop string cannot be empty");
    }

    /** Greedy decoding of up to {@code maxTokens} tokens, stopping at none but the count. */
    public static Sampling greedy(int maxTokens) {
        return new Sampling(0, 0, 1, 0, maxTokens, Set.of(), List.of());
    }

    public Sampling withStopTokens(Set<Long> ids) {
        return new Sampling(temperature, topK, topP, seed, maxTokens, ids, stopStrings);
    }
}
