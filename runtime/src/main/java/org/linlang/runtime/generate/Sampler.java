package org.linlang.runtime.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from one position's logits, as {@link Sampling} says; one seeded generator per generation. */
public final class Sampler {
    private final Sampling sampling;
    private final SplittableRandom random;

    public Sampler(Sampling sampling) {
        this.sampling = sampling;
        this.random = new SplittableRandom(sampling.seed());
    }

    public long next(float[] logits) {
        if (sampling.temperature() == 0) return argmax(logits);
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int keep = sampling.topK() > 0 ? Math.min(sampling.topK(), n) : n;
        // softmax of logits / temperature over the kept tokens, in double
        double max = logits[order[0]] / sampling.temperature();
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[order[i]] / sampling.temperature() - max);
            sum += p[i];
        }
        // top-p: the smallest prefix of the sorted tokens whose probability reaches topP (at least one token)
        if (sampling.topP() < 1) {
            double cumulative = 0;
            int cut = keep;
            for (int i = 0; i < keep; i++) {
                cumulative += p[i] / sum;
                if (cumulative >= sampling.topP()) {
                    cut = i + 1;
                    break;
                }
            }
            keep = cut;
            sum = 0;
            for (int i = 0; i < keep; i++) sum += p[i];
        }
        double u = random.nextDouble() * sum;
        for (int i = 0; i < keep; i++) {
            u -= p[i];
            if (u < 0) return order[i];
        }
        return order[keep - 1];
    }

    /** The index of the largest logit, the lowest one on ties (as torch.argmax). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
