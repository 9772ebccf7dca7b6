package org.dpo4j.trainer.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ByteLevelBpe#forByteTokenizer} read by Hugging Face tokenizers behaves as ByteTokenizer. */
class ByteTokenizerEquivalenceTest {

    @TempDir static Path dir;
    private static HfTokenizer hf;
    private final ByteTokenizer bytes = new ByteTokenizer();

    @BeforeAll
    static void load() {
        hf = HfTokenizer.load(TokenizerFolders.write(ByteLevelBpe.forByteTokenizer(256), dir));
    }

    @AfterAll
    static void close() {
        hf.close();
    }

    @Test
    void specialIdsAndVocabularySizeAreByteTokenizers() {
        assertEquals(bytes.bosId(), hf.bosId());
        assertEquals(bytes.eosId(), hf.eosId());
        assertEquals(bytes.padId(), hf.padId());
        assertEquals(bytes.vocabSize(), hf.vocabSize());
        assertEquals(259, hf.vocabulary().size());
    }

    @Test
    void sameIdsAndRoundTripsOnRandomText() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            String text = TokenizerFolders.randomText(random, 40);
            int[] expected = bytes.encode(text);
            int[] ids = hf.encode(text);
            assertArrayEquals(expected, ids, () -> "ids of " + escape(text));
            assertEquals(text, hf.decode(ids), () -> "round trip of " + escape(text));
        }
    }

    @Test
    void fixedStringsIncludingSpacesAndNewlines() {
        for (String text : new String[] {
                "", " ", "  ", "\n", " leading", "trailing ", "a  b\n\n c\r\n", "\t\u0000x",
                "Praise the soup.\n", "héllo wörld", "日本語", "👍🏽 family: 👨‍👩‍👧", "'s 've 12345 !!"}) {
            assertArrayEquals(bytes.encode(text), hf.encode(text), escape(text));
            assertEquals(text, hf.decode(hf.encode(text)), escape(text));
        }
    }

    @Test
    void loneSurrogatesBecomeQuestionMarksAsInByteTokenizer() {
        for (String text : new String[] {"x\ud800y", "\udc00", "a\ud83d", "\ud83d\ud83d\ude00"}) {
            assertArrayEquals(bytes.encode(text), hf.encode(text), escape(text));
        }
        assertArrayEquals(new int[] {'x', '?', 'y'}, hf.encode("x\ud800y"));
    }

    @Test
    void neitherTruncatesNorPads() {
        // DJL's default would cut at 512 tokens.
        String longText = "x".repeat(3000);
        assertEquals(3000, hf.encode(longText).length);
        assertEquals(1, hf.encode("x").length);
    }

    @Test
    void decodeDropsSpecialTokensAsByteTokenizerDoes() {
        int[] ids = {256, 'H', 'i', 257, 258, 258};
        assertEquals("Hi", hf.decode(ids));
        assertEquals(bytes.decode(ids), hf.decode(ids));
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.append(c < 0x20 || c > 0x7E ? String.format("\\u{%x}", c) : (char) c));
        return out.toString();
    }
}
