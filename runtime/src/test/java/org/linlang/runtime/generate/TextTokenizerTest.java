package org.linlang.runtime.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.checkpoint.CheckpointException;

/**
 * The byte-level BPE tokenizer.json of the tiny fixture (tools/fixtures/make_tokenizer.py: 256 byte
 * symbols, 40 merges, 4 special tokens): known ids, and round trips of text the merges never saw.
 */
class TextTokenizerTest {
    private static final Path DIR = Path.of("src/test/resources/fixtures/tiny_llama");
    private static final long BOS = 296, EOS = 297, IM_START = 298, IM_END = 299;
    private static TextTokenizer tok;

    @BeforeAll
    static void open() {
        tok = TextTokenizer.open(DIR, "tiny_llama");
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void knownIds() {
        // ids 0-255 are the byte symbols in byte order, then one id per merge: "hello" is 285, "Ġthe" 258, "Ġworld" 273
        assertArrayEquals(new long[] {BOS, 285}, tok.encode("hello", true), "BOS, then 'hello'");
        assertArrayEquals(new long[] {285, 273}, tok.encode("hello world", false));
        assertArrayEquals(new long[] {258}, tok.encode(" the", false), "'Ġthe' is one token");
        assertArrayEquals(new long[] {0x7a, 0x71}, tok.encode("zq", false), "no merge: one byte symbol each");
        assertArrayEquals(new long[] {0xf0, 0x9f, 0xa6, 0x99}, tok.encode("🦙", false), "the four UTF-8 bytes of the emoji");
        assertArrayEquals(new long[] {IM_START, IM_END, EOS}, tok.encode("<|im_start|><|im_end|><|end_of_text|>", false), "special tokens are atomic");
    }

    @Test
    void roundTrips() {
        String[] texts = {
            "the cat sat on the mat",
            "Grüße aus Köln — ça va? ¿Qué tal? Привет, мир! 你好，世界。こんにちは 안녕하세요 مرحبا",
            "emoji: 🦙🔥👩‍👩‍👧‍👦 🇫🇷 ✔︎",
            "  leading spaces, \t tabs\t\tand\n\n\nnewlines   and trailing   ",
            "",
        };
        for (String t : texts) assertEquals(t, tok.decode(tok.encode(t, false), false), "round trip of " + t);
        for (String t : texts) assertEquals(t, tok.decode(tok.encode(t, true), true), "with BOS added and skipped: " + t);
    }

    @Test
    void metaspaceWithByteFallback() {
        // SentencePiece-style (Llama 2, Mistral): "▁the" is one token; what the vocabulary lacks falls back to byte tokens <0x..> (id 3 + byte)
        try (TextTokenizer sp = TextTokenizer.open(Path.of("src/test/resources/fixtures/metaspace_tokenizer"), "metaspace")) {
            assertArrayEquals(new long[] {1, 291}, sp.encode("the", true), "<s>, then '▁the'");
            assertArrayEquals(new long[] {3 + 0xf0, 3 + 0x9f, 3 + 0xa6, 3 + 0x99}, java.util.Arrays.copyOfRange(sp.encode("🦙", false), 1, 5),
                    "after '▁', the emoji's four UTF-8 bytes");
            for (String t : new String[] {"the cat sat", "Grüße, Привет, 你好 🦙🔥", "  two leading, \t tab\n\nnewlines  and   runs "}) {
                assertEquals(t, sp.decode(sp.encode(t, true), true), "round trip of " + t);
            }
        }
    }

    @Test
    void endOfSequenceIdsComeFromTheConfigs() {
        assertEquals(Set.of(EOS, IM_END), tok.eosIds());
    }

    @Test
    void aFolderWithoutTokenizerJson(@TempDir Path tmp) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> TextTokenizer.open(tmp, "ckpt"));
        assertEquals("'ckpt' has no tokenizer.json (Lin reads tokenizers in the Hugging Face tokenizer.json format)", e.getMessage());
    }
}
