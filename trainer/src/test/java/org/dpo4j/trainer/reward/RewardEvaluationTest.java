package org.dpo4j.trainer.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.generate.Sample;
import org.dpo4j.trainer.generate.SampleStatistics;
import org.dpo4j.trainer.reward.RewardEvaluation.Result;
import org.dpo4j.trainer.reward.RewardEvaluation.Scores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scores of hand-made samples, each expected value counted beside it. */
class RewardEvaluationTest {

    @Test
    void wordsAreLowerCasedLetterRunsWithIdsByFirstAppearance() {
        List<int[]> ids = RewardEvaluation.wordIds(List.of("The cake, the TEA!", "tea"));
        assertArrayEquals(new int[] {0, 1, 0, 2}, ids.get(0));
        assertArrayEquals(new int[] {2}, ids.get(1));
    }

    @Test
    void scoresCountRewardsAndWordDiversity() {
        // two samples of 2 tokens each, the stop token (9) ending the first
        List<Sample> samples = List.of(
                new Sample(new int[] {5, 9}, new double[] {-1, -1}, new double[] {0.5, 1.5}, true),
                new Sample(new int[] {5, 6}, new double[] {-1, -1}, new double[] {1.0, 1.0}, false));
        SampleStatistics stats = SampleStatistics.of(samples, null);
        Scores s = RewardEvaluation.of(stats, new double[] {2, -1}, List.of("a b a", "a c"));
        assertEquals(2, s.samples());
        assertEquals(0.5, s.meanReward()); // (2 - 1) / 2
        assertEquals(1.5, s.rewardStd()); // sqrt(((2 - 0.5)^2 + (-1 - 0.5)^2) / 2)
        assertNull(s.meanKl());
        // words: [a b a], [a c]: unigrams a,b,a,a,c -> 3 distinct of 5; bigrams ab, ba, ac -> 3 of 3
        assertEquals(3.0 / 5, s.wordDistinct1());
        assertEquals(1.0, s.wordDistinct2());
        assertEquals(1.0, s.meanEntropy()); // (0.5 + 1.5 + 1 + 1) / 4 tokens
        assertEquals(2.0, s.meanTokens());
    }

    @Test
    void resultsRoundTripThroughJson(@TempDir Path dir) {
        Scores s = new Scores(4, 1.25, 0.5, 0.125, 0.5, 0.75, 0.25, 0.5, 1.5, 12.0);
        Result r = new Result("sentiment", s, List.of(new RewardEvaluation.PromptResult(0, "Praise the soup.\n", s,
                List.of("The soup is lovely."))));
        Path file = dir.resolve("scores.json");
        RewardEvaluation.writeJson(file, r);
        assertEquals(r, RewardEvaluation.readJson(file));
    }
}
