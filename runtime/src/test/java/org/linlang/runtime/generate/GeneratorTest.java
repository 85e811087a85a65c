package org.linlang.runtime.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generation loop on a scripted model (each step's logits put all weight on a chosen next token), with
 * the fixture's tokenizer: stop tokens, stop strings, the token budget and streaming.
 */
class GeneratorTest {
    private static TextTokenizer tok;

    @BeforeAll
    static void open() {
        tok = TextTokenizer.open(Path.of("src/test/resources/fixtures/tiny_llama"), "tiny_llama");
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    /** A session whose logits select these tokens in turn, and which records what it was fed. */
    private static final class Scripted implements DecodeSession {
        final long[] script;
        final List<Long> fed = new ArrayList<>();
        int at;

        Scripted(long... script) { this.script = script; }

        private float[] pick() {
            float[] logits = new float[300];
            logits[(int) script[at++]] = 10;
            return logits;
        }

        @Override public float[] prefill(long[] prompt) {
            for (long id : prompt) fed.add(id);
            return pick();
        }

        @Override public float[] next(long token) {
            fed.add(token);
            return pick();
        }

        @Override public String method() { return "scripted"; }
    }

    private static long[] ids(String text) { return tok.encode(text, false); }

    private static long[] concat(long[]... parts) {
        List<Long> all = new ArrayList<>();
        for (long[] p : parts) for (long id : p) all.add(id);
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void stopsAtAStopTokenAndFeedsEachTokenOnce() {
        long[] text = ids("hello world");
        Scripted s = new Scripted(concat(text, new long[] {297, 5}));
        List<String> pieces = new ArrayList<>();
        Generator.Result r = Generator.generate(s, new long[] {296}, Sampling.greedy(10).withStopTokens(Set.of(297L)), tok, pieces::add);
        assertArrayEquals(text, r.ids());
        assertEquals("hello world", r.text());
        assertEquals("hello world", String.join("", pieces));
        assertEquals(Generator.Stop.STOP_TOKEN, r.stop());
        assertEquals(List.of(296L, text[0], text[1]), s.fed, "the prompt once, then each new token once");
        assertEquals(1, r.promptTokens());
        assertEquals(2, r.decodeSteps());
    }

    @Test
    void stopsAtAStopStringWithoutStreamingIt() {
        Scripted s = new Scripted(ids("the cat. the dog"));
        List<String> pieces = new ArrayList<>();
        Sampling sampling = new Sampling(0, 0, 1, 0, 50, Set.of(), List.of(". the"));
        Generator.Result r = Generator.generate(s, new long[] {296}, sampling, tok, pieces::add);
        assertEquals("the cat", r.text());
        assertEquals("the cat", String.join("", pieces), "a possible start of the stop string is held back");
        assertEquals(Generator.Stop.STOP_STRING, r.stop());
    }

    @Test
    void stopsAtTheBudgetAndStreamsWholeCharacters() {
        long[] emoji = ids("🦙🦙"); // eight byte tokens
        Scripted s = new Scripted(emoji);
        List<String> pieces = new ArrayList<>();
        Generator.Result r = Generator.generate(s, new long[] {296}, Sampling.greedy(6), tok, pieces::add);
        assertEquals(6, r.ids().length);
        assertEquals(Generator.Stop.MAX_TOKENS, r.stop());
        assertEquals("🦙", pieces.get(0), "no piece carries half a character");
    }

    @Test
    void holdBackOnlyWhatCouldStartAStop() {
        assertEquals(5, Generator.safeEnd("hello", List.of("xyz")));
        assertEquals(4, Generator.safeEnd("hell.", List.of(".\n")));
        assertEquals(3, Generator.safeEnd("abc\uFFFD", List.of()));
    }
}
