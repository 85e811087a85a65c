package org.linlang.runtime.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sampler against probabilities computed here in double: greedy, top-k, top-p, temperature, seeds. */
class SamplerTest {
    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, 3.0f, -1.0f};

    private static Sampling sampling(double temperature, int topK, double topP, long seed) {
        return new Sampling(temperature, topK, topP, seed, 10, Set.of(), List.of());
    }

    /** Frequencies of each token over n draws. */
    private static double[] frequencies(Sampling s, int n) {
        Sampler sampler = new Sampler(s);
        double[] f = new double[LOGITS.length];
        for (int i = 0; i < n; i++) f[(int) sampler.next(LOGITS)] += 1.0 / n;
        return f;
    }

    private static double[] softmax(double temperature, boolean[] keep) {
        double[] p = new double[LOGITS.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) if (keep[i]) sum += p[i] = Math.exp(LOGITS[i] / temperature);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    private static void close(double[] expected, double[] actual, double tolerance) {
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance, "token " + i + ": expected " + expected[i] + ", drew " + actual[i]);
        }
    }

    @Test
    void greedyTakesTheFirstLargest() {
        assertEquals(1, new Sampler(Sampling.greedy(1)).next(LOGITS));
    }

    @Test
    void temperatureSamplesTheSoftmax() {
        // 20000 draws: the standard error of a frequency is at most 0.0036, so 0.015 is > 4 sigma
        close(softmax(0.7, new boolean[] {true, true, true, true, true}), frequencies(sampling(0.7, 0, 1, 1), 20000), 0.015);
    }

    @Test
    void topKKeepsTheKMostLikely() {
        close(softmax(1, new boolean[] {false, true, true, true, false}), frequencies(sampling(1, 3, 1, 2), 20000), 0.015);
        double[] one = frequencies(sampling(1.5, 1, 1, 3), 1000);
        assertEquals(1.0, one[1], 1e-9, "top-k 1 is greedy (ties to the lowest id)");
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities at T = 1: [0.0563, 0.4161, 0.1531, 0.4161, 0.0076]; sorted: 1, 3, 2, 0, 4.
        // 1 and 3 together hold 0.832 < 0.9, adding 2 reaches 0.985: tokens 1, 2, 3 remain.
        close(softmax(1, new boolean[] {false, true, true, true, false}), frequencies(sampling(1, 0, 0.9, 4), 20000), 0.015);
        close(softmax(1, new boolean[] {false, true, false, false, false}), frequencies(sampling(1, 0, 0.3, 5), 2000), 1e-9);
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        Sampler a = new Sampler(sampling(1, 0, 1, 42)), b = new Sampler(sampling(1, 0, 1, 42)), c = new Sampler(sampling(1, 0, 1, 43));
        StringBuilder sa = new StringBuilder(), sb = new StringBuilder(), sc = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            sa.append(a.next(LOGITS));
            sb.append(b.next(LOGITS));
            sc.append(c.next(LOGITS));
        }
        assertEquals(sa.toString(), sb.toString());
        assertTrue(!sa.toString().equals(sc.toString()), "another seed draws other tokens");
    }

    @Test
    void badSettingsAreRefused() {
        assertEquals("top-p must be in (0, 1], got 0.0", assertThrows(IllegalArgumentException.class, () -> sampling(1, 0, 0, 0)).getMessage());
        assertEquals("temperature must be >= 0, got -1.0", assertThrows(IllegalArgumentException.class, () -> sampling(-1, 0, 1, 0)).getMessage());
    }
}
