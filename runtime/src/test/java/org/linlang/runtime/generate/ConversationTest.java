package org.linlang.runtime.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A chat keeps one session while each turn's prompt extends what the session has consumed. */
class ConversationTest {
    /** Logits that always pick token 7; records every session it makes and what each was fed. */
    private static final class Recorder {
        final List<List<Long>> sessions = new ArrayList<>();

        DecodeSession make() {
            List<Long> fed = new ArrayList<>();
            sessions.add(fed);
            return new DecodeSession() {
                private float[] pick() {
                    float[] l = new float[10];
                    l[7] = 1;
                    return l;
                }

                @Override public float[] prefill(long[] prompt) {
                    for (long id : prompt) fed.add(id);
                    return pick();
                }

                @Override public float[] next(long token) {
                    fed.add(token);
                    return pick();
                }

                @Override public String method() { return "recorded"; }
            };
        }
    }

    @Test
    void aTurnThatExtendsTheConversationFeedsOnlyTheNewTokens() {
        Recorder r = new Recorder();
        Conversation c = new Conversation(r::make);
        Generator.Result first = Generator.generate(c.turn(new long[] {1, 2, 3}), new long[] {1, 2, 3}, Sampling.greedy(3), null, null);
        assertEquals(3, first.promptTokens());
        // the session saw 1 2 3 7 7 (the third 7 was sampled, not fed); the next prompt repeats them and adds 4 5
        long[] second = {1, 2, 3, 7, 7, 7, 4, 5};
        Generator.Result next = Generator.generate(c.turn(second), second, Sampling.greedy(1), null, null);
        assertEquals(1, r.sessions.size(), "one session for both turns");
        assertEquals(List.of(1L, 2L, 3L, 7L, 7L, 7L, 4L, 5L), r.sessions.get(0));
        assertEquals(3, next.promptTokens(), "only 7 4 5 were prefilled");
    }

    @Test
    void aTurnThatDoesNotExtendItStartsAFreshSession() {
        Recorder r = new Recorder();
        Conversation c = new Conversation(r::make);
        Generator.generate(c.turn(new long[] {1, 2}), new long[] {1, 2}, Sampling.greedy(2), null, null);
        long[] other = {1, 9, 9};
        Generator.Result next = Generator.generate(c.turn(other), other, Sampling.greedy(1), null, null);
        assertEquals(2, r.sessions.size());
        assertEquals(List.of(1L, 9L, 9L), r.sessions.get(1));
        assertEquals(3, next.promptTokens());
    }
}
