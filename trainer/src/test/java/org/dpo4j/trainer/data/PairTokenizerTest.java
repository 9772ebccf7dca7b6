package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

class PairTokenizerTest {

    private final ByteTokenizer bytes = new ByteTokenizer();

    @Test
    void promptIsBosThenBytesAndCompletionsEndWithEos() {
        TokenizedPair p = new PairTokenizer(bytes, 64, 32).tokenize(new PreferencePair("x", "Hi", "ab", "c"));
        assertArrayEquals(new int[] {ByteTokenizer.BOS, 'H', 'i'}, p.prompt());
        assertArrayEquals(new int[] {'a', 'b', ByteTokenizer.EOS}, p.chosen());
        assertArrayEquals(new int[] {'c', ByteTokenizer.EOS}, p.rejected());
    }

    @Test
    void longPromptKeepsItsEndAndCompletionsKeepTheirStart() {
        // max_prompt_length 3 keeps the last 3 prompt tokens "cde" (BOS and "ab" go);
        // max_length 5 leaves 2 completion tokens: "xy" of "xyz" + EOS.
        TokenizedPair p = new PairTokenizer(bytes, 5, 3).tokenize(new PreferencePair("x", "abcde", "xyz", "q"));
        assertArrayEquals(new int[] {'c', 'd', 'e'}, p.prompt());
        assertArrayEquals(new int[] {'x', 'y'}, p.chosen());
        assertArrayEquals(new int[] {'q', ByteTokenizer.EOS}, p.rejected());
    }

    @Test
    void pairWithNoRoomForACompletionIsDroppedAndCounted() {
        // BOS + 4 prompt bytes = 5 = max_length: no completion token fits.
        PairTokenizer tokenizer = new PairTokenizer(bytes, 5, 5);
        assertNull(tokenizer.tokenize(new PreferencePair("x", "abcd", "y", "z")));
        PairTokenizer.Result result = tokenizer.tokenizeAll(List.of(
                new PreferencePair("a", "abcd", "y", "z"), new PreferencePair("b", "a", "y", "z")));
        assertEquals(1, result.dropped());
        assertEquals("b", result.pairs().get(0).id());
    }
}
