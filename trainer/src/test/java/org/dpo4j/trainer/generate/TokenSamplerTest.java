package org.dpo4j.trainer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Temperature, top-k, top-p and the draw on hand-made distributions. */
class TokenSamplerTest {

    /** logits ln p of p = (0.5, 0.3, 0.15, 0.05): softmax gives p back. */
    private static final float[] LOGITS = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15),
        (float) Math.log(0.05)};

    private static SamplingOptions options(double temperature, double topP, int topK) {
        return new SamplingOptions(temperature, topP, topK, 8, 1);
    }

    @Test
    void nothingFilteredGivesTheSoftmax() {
        assertArrayEquals(new double[] {0.5, 0.3, 0.15, 0.05}, TokenSampler.distribution(LOGITS, 0, 4, options(1, 1, 0)), 1e-6);
    }

    @Test
    void topPKeepsTheMostLikelyTokensUntilTheirMassReachesP() {
        // descending: 0.5, 0.3 (mass before it 0.5 < 0.75: kept), 0.15 (mass before it 0.8 ≥ 0.75: dropped)
        assertArrayEquals(new double[] {0.5 / 0.8, 0.3 / 0.8, 0, 0},
                TokenSampler.distribution(LOGITS, 0, 4, options(1, 0.75, 0)), 1e-6);
        // at 0.85 the third token (mass before it 0.8) stays and the fourth (0.95) goes
        assertArrayEquals(new double[] {0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0},
                TokenSampler.distribution(LOGITS, 0, 4, options(1, 0.85, 0)), 1e-6);
        // a tiny p still keeps the most likely token
        assertArrayEquals(new double[] {1, 0, 0, 0}, TokenSampler.distribution(LOGITS, 0, 4, options(1, 0.01, 0)), 1e-12);
    }

    @Test
    void topKKeepsTheKMostLikelyTokensAndTopPThenActsOnWhatIsLeft() {
        assertArrayEquals(new double[] {0.5 / 0.8, 0.3 / 0.8, 0, 0},
                TokenSampler.distribution(LOGITS, 0, 4, options(1, 1, 2)), 1e-6);
        // top-k 3 renormalises to (0.5, 0.3, 0.15)/0.95 = (0.526, 0.316, 0.158); top-p 0.8 then
        // keeps 0.526 and 0.316 (mass before it 0.526 < 0.8) and drops the third (0.842 ≥ 0.8)
        assertArrayEquals(new double[] {0.5 / 0.8, 0.3 / 0.8, 0, 0},
                TokenSampler.distribution(LOGITS, 0, 4, options(1, 0.8, 3)), 1e-6);
    }

    @Test
    void temperatureTwoTakesTheSquareRootOfTheProbabilities() {
        // softmax(ln p / 2) = √p / Σ√p
        double[] roots = {Math.sqrt(0.5), Math.sqrt(0.3), Math.sqrt(0.15), Math.sqrt(0.05)};
        double sum = roots[0] + roots[1] + roots[2] + roots[3];
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) {
            expected[i] = roots[i] / sum;
        }
        assertArrayEquals(expected, TokenSampler.distribution(LOGITS, 0, 4, options(2, 1, 0)), 1e-6);
    }

    @Test
    void greedyIsTheArgmaxWithTheLowestIdOnTies() {
        assertEquals(0, TokenSampler.choose(LOGITS, 0, 4, options(0, 1, 0), new SplittableRandom(1)));
        float[] tied = {0f, 3f, 1f, 3f};
        assertEquals(1, TokenSampler.argmax(tied, 0, 4));
        // an offset row of a batch
        float[] rows = {9f, 0f, 0f, 1f, 5f, 2f};
        assertEquals(1, TokenSampler.argmax(rows, 3, 3));
    }

    @Test
    void theDrawFollowsTheCumulativeIntervalsInIdOrder() {
        double[] p = {0.5, 0, 0.3, 0.2};
        assertEquals(0, TokenSampler.draw(p, 0.0));
        assertEquals(0, TokenSampler.draw(p, 0.499));
        assertEquals(2, TokenSampler.draw(p, 0.5));
        assertEquals(2, TokenSampler.draw(p, 0.79));
        assertEquals(3, TokenSampler.draw(p, 0.8));
        assertEquals(3, TokenSampler.draw(p, Math.nextDown(1.0)));
    }

    @Test
    void drawFrequenciesMatchTheDistribution() {
        SplittableRandom random = new SplittableRandom(5);
        int[] counts = new int[4];
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            counts[TokenSampler.choose(LOGITS, 0, 4, options(1, 1, 0), random)]++;
        }
        double[] p = {0.5, 0.3, 0.15, 0.05};
        for (int i = 0; i < 4; i++) {
            // binomial standard deviation at n = 20,000 is at most 0.0036; 5 of them
            assertEquals(p[i], counts[i] / (double) draws, 0.018, "token " + i);
        }
    }

    @Test
    void logProbAndEntropyOfTheModelsOwnDistribution() {
        double[] own = TokenSampler.logProbAndEntropy(LOGITS, 0, 4, 2);
        assertEquals(Math.log(0.15), own[0], 1e-6);
        double h = -(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.15 * Math.log(0.15) + 0.05 * Math.log(0.05));
        assertEquals(h, own[1], 1e-6);
        // uniform over V: H = ln V
        assertEquals(Math.log(7), TokenSampler.logProbAndEntropy(new float[7], 0, 7, 0)[1], 1e-12);
    }

    @Test
    void optionsOutsideTheirRangesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(1, 0, 0)).getMessage().startsWith("top_p"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(1, 1.5, 0)).getMessage().startsWith("top_p"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(-1, 1, 0)).getMessage().startsWith("temperature"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(Double.NaN, 1, 0)).getMessage().startsWith("temperature"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(1, 1, -1)).getMessage().startsWith("top_k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1, 1, 0, 0, 1))
                .getMessage().startsWith("max_new_tokens"));
    }
}
