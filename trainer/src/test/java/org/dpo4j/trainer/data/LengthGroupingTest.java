package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LengthGroupingTest {

    @Test
    void megaBatchIsFiftyBatchesOrAboutAQuarterOfTheData() {
        // M = B·max(1, min(⌊N / 4B⌋, 50))
        assertEquals(400, LengthGrouping.megaBatchSize(1800, 8), "⌊1800/32⌋ = 56, capped at 50: 50·8");
        assertEquals(400, LengthGrouping.megaBatchSize(1600, 8), "⌊1600/32⌋ = 50: 50·8");
        assertEquals(24, LengthGrouping.megaBatchSize(100, 8), "⌊100/32⌋ = 3: 3·8, four mega-batches and a rest");
        assertEquals(8, LengthGrouping.megaBatchSize(10, 8), "⌊10/32⌋ = 0, at least 1: one batch");
        assertEquals(100, LengthGrouping.megaBatchSize(400, 2), "⌊400/8⌋ = 50: 50·2");
    }

    /** 203 pairs, row lengths 2..41 at random, plus one pair of row length 1 + 60, the longest. */
    private static List<TokenizedPair> withOneLongest(int longestAt) {
        Random lengths = new Random(11);
        int[] completions = new int[203];
        for (int i = 0; i < completions.length; i++) {
            completions[i] = i == longestAt ? 60 : 1 + lengths.nextInt(40);
        }
        return Pairs.withCompletions(completions);
    }

    @Test
    void theBatchWithTheLongestPairComesFirst() {
        for (int seed = 0; seed < 20; seed++) {
            List<TokenizedPair> pairs = withOneLongest(seed * 10);
            List<List<TokenizedPair>> epoch = LengthGrouping.batches(pairs, 4, new Random(seed));
            // sorted longest first inside its mega-batch, so it heads its batch
            assertEquals("p" + seed * 10, epoch.get(0).get(0).id(), "seed " + seed);
        }
    }

    @Test
    void batchesAreSortedLongestFirstAndOnlyOneIsShort() {
        List<List<TokenizedPair>> epoch = LengthGrouping.batches(withOneLongest(5), 4, new Random(3));
        for (List<TokenizedPair> batch : epoch) {
            for (int i = 1; i < batch.size(); i++) {
                assertTrue(batch.get(i - 1).maxRowLength() >= batch.get(i).maxRowLength(), Pairs.ids(batch).toString());
            }
        }
        // M = 4·⌊203/16⌋ = 48, a multiple of B: mega-batches 48, 48, 48, 48, 11 give 12·4 + 3 batches
        assertEquals(51, epoch.size());
        assertEquals(1, epoch.stream().filter(b -> b.size() < 4).count());
    }

    @Test
    void groupedBatchesSpanLessLengthThanPlainOnes() {
        // Sorting a mega-batch of 48 pairs of 40 lengths puts near-equal lengths together: the
        // spread (longest − shortest) inside a batch falls from about half the range to about one.
        List<TokenizedPair> pairs = withOneLongest(-1);
        double grouped = meanSpread(LengthGrouping.batches(pairs, 4, new Random(1)));
        double plain = meanSpread(new EpochBatches(pairs, 4, false, 1).next());
        assertTrue(grouped < 3 && plain > 15, "grouped " + grouped + ", plain " + plain);
    }

    private static double meanSpread(List<List<TokenizedPair>> epoch) {
        return epoch.stream().mapToInt(b -> {
            int max = b.stream().mapToInt(TokenizedPair::maxRowLength).max().orElseThrow();
            int min = b.stream().mapToInt(TokenizedPair::maxRowLength).min().orElseThrow();
            return max - min;
        }).average().orElseThrow();
    }
}
