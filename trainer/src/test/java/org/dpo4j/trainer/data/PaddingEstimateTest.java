package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaddingEstimateTest {

    private static final TokenizedPair SHORT_A = Pairs.of("a", 1, 1); // rows of 2 tokens
    private static final TokenizedPair SHORT_B = Pairs.of("b", 1, 1);
    private static final TokenizedPair LONG_C = Pairs.of("c", 1, 3); //  rows of 4 tokens
    private static final TokenizedPair LONG_D = Pairs.of("d", 1, 3);

    @Test
    void layoutsByHand() {
        // {a,b},{c,d}: every row as long as its batch's longest, no padding
        assertEquals(0.0, PaddingEstimate.ofLayout(List.of(List.of(SHORT_A, SHORT_B), List.of(LONG_C, LONG_D))));
        // {a,c},{b,d}: each batch is 2·2 rows × T = 4 = 16 positions, 2·2 + 2·4 = 12 real, 4 padded;
        // 8 of 32 over both
        assertEquals(0.25, PaddingEstimate.ofLayout(List.of(List.of(SHORT_A, LONG_C), List.of(SHORT_B, LONG_D))));
    }

    @Test
    void equalsTheBatchFractionOnOneBatchAndWeighsBatchesByPositions() {
        TokenizedPair a = new TokenizedPair("a", new int[] {1, 2}, new int[] {3}, new int[] {4, 5});
        TokenizedPair b = new TokenizedPair("b", new int[] {6}, new int[] {7, 8}, new int[] {0});
        Batch batch = new Batcher(0).batch(List.of(a, b));
        assertEquals(4.0 / 16, batch.paddingFraction(), "BatcherTest's batch: 12 real of 16");
        assertEquals(batch.paddingFraction(), PaddingEstimate.ofLayout(List.of(List.of(a, b))));
        // with a pad-free batch of 2·1·4 = 8 positions beside it: 4 / (16 + 8), not the mean of 1/4 and 0
        assertEquals(4.0 / 24, PaddingEstimate.ofLayout(List.of(List.of(a, b), List.of(LONG_C))));
    }

    @Test
    void matchesTheBatcherOverAnEpoch() {
        List<TokenizedPair> pairs = twoLengths();
        List<List<TokenizedPair>> epoch = new EpochBatches(pairs, 2, false, 5).next();
        long padded = 0;
        long positions = 0;
        for (List<TokenizedPair> pairsOfBatch : epoch) {
            Batch batch = new Batcher(0).batch(pairsOfBatch);
            positions += batch.attentionMask().length;
            padded += batch.attentionMask().length - batch.realTokens();
        }
        assertEquals((double) padded / positions, PaddingEstimate.of(pairs, 2, false, 5), 1e-15);
    }

    /** 200 short pairs (rows of 2 tokens) and 200 long ones (rows of 6), interleaved. */
    private static List<TokenizedPair> twoLengths() {
        List<TokenizedPair> pairs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            pairs.add(Pairs.of("s" + i, 1, 1));
            pairs.add(Pairs.of("l" + i, 1, 5));
        }
        return pairs;
    }

    /**
     * 400 pairs in batches of 2; real tokens R = 2·(200·2 + 200·6) = 3200 in any layout. A batch
     * is pad-free unless it mixes a short and a long pair; a mixed batch pads the short pair's
     * two rows by 6 − 2 = 4, so a layout with m mixed batches has fraction 8m / (3200 + 8m) =
     * m / (400 + m).
     *
     * <p>Grouped: M = 2·min(⌊400/8⌋, 50) = 100, four mega-batches. A sorted mega-batch is its long
     * pairs, then its short ones; cut in twos from the start, only the batch straddling the
     * boundary can mix (when the long count is odd): m ≤ 4, fraction ≤ 4/404 ≈ 0.0099.
     * Plain: each of the 200 batches mixes with probability 2·200·200 / (400·399) = 200/399, so
     * m ≈ 100 and the fraction ≈ 0.2.
     */
    @Test
    void groupingLowersThePaddingOfMixedLengths() {
        List<TokenizedPair> pairs = twoLengths();
        for (long seed = 0; seed < 10; seed++) {
            double grouped = PaddingEstimate.of(pairs, 2, true, seed);
            double plain = PaddingEstimate.of(pairs, 2, false, seed);
            long groupedMixed = mixedBatches(grouped);
            long plainMixed = mixedBatches(plain);
            assertTrue(groupedMixed <= 4, "seed " + seed + ": " + groupedMixed + " mixed grouped batches");
            assertTrue(plainMixed > 50 && plainMixed < 150, "seed " + seed + ": " + plainMixed + " mixed plain batches");
            assertTrue(grouped < plain);
        }
    }

    /** m from fraction = m / (400 + m), i.e. m = 400·f / (1 − f); checks that it is whole. */
    private static long mixedBatches(double fraction) {
        double m = 400 * fraction / (1 - fraction);
        assertEquals(Math.round(m), m, 1e-6, "not a whole number of mixed batches: " + m);
        return Math.round(m);
    }
}
