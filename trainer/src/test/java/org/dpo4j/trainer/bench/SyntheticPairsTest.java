package org.dpo4j.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.dpo4j.trainer.data.TokenizedPair;
import org.junit.jupiter.api.Test;

class SyntheticPairsTest {

    @Test
    void rowsAreSeqLenLongWithAQuarterPrompt() {
        List<TokenizedPair> pairs = SyntheticPairs.generate(3, 256, 8192, 42);
        assertEquals(3, pairs.size());
        for (TokenizedPair p : pairs) {
            assertEquals(64, p.prompt().length);
            assertEquals(192, p.chosen().length);
            assertEquals(192, p.rejected().length);
            assertTrue(Arrays.stream(p.chosen()).allMatch(id -> id >= 0 && id < 8192));
        }
        assertEquals(1, SyntheticPairs.promptLength(2), "a prompt keeps at least one token");
        assertEquals(List.of("bench-0", "bench-1", "bench-2"), pairs.stream().map(TokenizedPair::id).toList());
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        TokenizedPair a = SyntheticPairs.generate(2, 32, 259, 7).get(1);
        TokenizedPair b = SyntheticPairs.generate(2, 32, 259, 7).get(1);
        assertArrayEquals(a.chosen(), b.chosen());
        assertFalse(Arrays.equals(a.chosen(), SyntheticPairs.generate(2, 32, 259, 8).get(1).chosen()));
        assertFalse(Arrays.equals(a.chosen(), a.rejected()));
    }
}
