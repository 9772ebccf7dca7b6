package org.dpo4j.trainer.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** distinct-n, mean entropy and mean KL, derived by hand. */
class SampleStatisticsTest {

    @Test
    void distinctNCountsUniqueNGramsOverAllSamplesWithoutCrossingThem() {
        List<int[]> samples = List.of(new int[] {1, 2, 3, 1}, new int[] {1, 2});
        // unigrams 1 2 3 1 | 1 2: 6 in all, {1, 2, 3} distinct
        assertEquals(3.0 / 6, SampleStatistics.distinct(samples, 1), 0);
        // bigrams (1 2) (2 3) (3 1) | (1 2): 4 in all, 3 distinct; (1 1) across the samples is not one
        assertEquals(3.0 / 4, SampleStatistics.distinct(samples, 2), 0);
        assertEquals(0.0, SampleStatistics.distinct(List.of(new int[] {5}), 2), 0);
        assertEquals(1.0, SampleStatistics.distinct(List.of(new int[] {5, 6, 7}), 3), 0);
    }

    @Test
    void theStopTokenIsNotTextButCountsForTheEntropy() {
        // sample a: 4 4 and the stop token 9; sample b: 4 5, cut by max_new_tokens
        Sample a = new Sample(new int[] {4, 4, 9}, new double[] {-1, -2, -0.5}, new double[] {1.0, 2.0, 3.0}, true);
        Sample b = new Sample(new int[] {4, 5}, new double[] {-1, -1}, new double[] {0.5, 0.5}, false);
        SampleStatistics s = SampleStatistics.of(List.of(a, b), null);
        assertEquals(2, s.samples());
        assertEquals(5, s.tokens());
        assertEquals(2.0 / 4, s.distinct1(), 0); // 4 4 | 4 5
        assertEquals(2.0 / 2, s.distinct2(), 0); // (4 4) | (4 5)
        assertEquals((1.0 + 2.0 + 3.0 + 0.5 + 0.5) / 5, s.meanEntropy(), 1e-15);
        assertNull(s.meanKl());
        assertEquals(-3.5, a.logProb(), 0);
    }

    @Test
    void theKlIsTheMeanOfTheSamplesSequenceLogRatios() {
        Sample x = new Sample(new int[] {1}, new double[] {-1}, new double[] {0}, false);
        SampleStatistics s = SampleStatistics.of(List.of(x, x, x), new double[] {0.5, -0.1, 0.2});
        assertEquals((0.5 - 0.1 + 0.2) / 3, s.meanKl(), 1e-15);
    }
}
