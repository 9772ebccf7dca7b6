package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatcherTest {

    @Test
    void chosenRowsFirstThenRejectedRightPaddedWithMasks() {
        int pad = 9;
        TokenizedPair a = new TokenizedPair("a", new int[] {1, 2}, new int[] {3}, new int[] {4, 5});
        TokenizedPair b = new TokenizedPair("b", new int[] {6}, new int[] {7, 8}, new int[] {0});
        Batch batch = new Batcher(pad).batch(List.of(a, b));
        assertEquals(4, batch.seqLen(), "longest row: a's rejected, 2 + 2");
        assertEquals(List.of("a", "b"), batch.pairIds());
        assertArrayEquals(new long[] {
            1, 2, 3, pad, //  a chosen
            6, 7, 8, pad, //  b chosen
            1, 2, 4, 5, //    a rejected
            6, 0, pad, pad // b rejected
        }, batch.inputIds());
        assertArrayEquals(new float[] {1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0}, batch.attentionMask());
        assertArrayEquals(new float[] {0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0}, batch.lossMask());
        assertEquals(3 + 3 + 4 + 2, batch.realTokens());
        assertEquals((16 - 12) / 16.0, batch.paddingFraction(), "2B·T = 16 positions, 12 real");
    }
}
