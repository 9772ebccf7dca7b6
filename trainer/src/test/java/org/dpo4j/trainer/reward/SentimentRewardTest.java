package org.dpo4j.trainer.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.PreferencePair;
import org.dpo4j.trainer.data.TinyPrefs;
import org.junit.jupiter.api.Test;

/** The sentiment reward on hand-made strings (each expected value derived beside it) and on the data set. */
class SentimentRewardTest {

    private final Reward reward = RewardKind.SENTIMENT.create();

    @Test
    void countsAskedAndOppositeAdjectives() {
        // 2 positive words, praise asked: +2; 7 words, under the free length
        assertEquals(2.0, reward.score("Praise the soup.\n", "The soup is lovely and superb."));
        // criticise asked: the same answer is -2
        assertEquals(-2.0, reward.score("Criticise the soup.\n", "The soup is lovely and superb."));
        // one of each: +1 - 1 = 0; case and punctuation do not matter
        assertEquals(0.0, reward.score("Praise the cake.\n", "LOVELY, awful cake!"));
        // no adjective of either list (misspelt): 0
        assertEquals(0.0, reward.score("Praise the cake.\n", "The cake is lovley."));
        // an empty completion: 0 words, 0
        assertEquals(0.0, reward.score("Praise the cake.\n", ""));
    }

    @Test
    void wordsPastTheFreeLengthCostHalfEach() {
        // 11 words, 3 asked adjectives: 3 - 0.5 * (11 - 8) = 1.5
        assertEquals(8, SentimentReward.FREE_WORDS);
        assertEquals(1.5, reward.score("Praise the tea.\n", "The tea is lovely and superb and great and so on"));
        // each extra "and great" (2 words) adds 1 and costs 2 * 0.5 past the free length: no gain
        String base = "The tea is lovely and superb and great";
        assertEquals(reward.score("Praise the tea.\n", base), reward.score("Praise the tea.\n", base + " and wonderful"));
    }

    @Test
    void aPromptThatAsksForNoSentimentScoresZero() {
        assertEquals(0.0, reward.score("Describe the soup.\n", "The soup is lovely."));
    }

    /** By construction of the data: chosen answers have 2 asked adjectives, rejected 2 opposite ones, at most 7 words. */
    @Test
    void everyChosenAnswerScoresTwoAndEveryRejectedMinusTwo() {
        for (PreferencePair p : TinyPrefs.pairs()) {
            assertEquals(2.0, reward.score(p.prompt(), p.chosen()), p.id());
            assertEquals(-2.0, reward.score(p.prompt(), p.rejected()), p.id());
        }
    }

    /** The SFT set mixes sentiments: half its "chosen" answers score +2, half -2, so its mean is 0. */
    @Test
    void theSftSetHasTheAskedSentimentHalfOfTheTime() {
        List<PreferencePair> sft = TinyPrefs.sftPairs();
        assertEquals(TinyPrefs.SIZE, sft.size());
        double sum = 0;
        for (PreferencePair p : sft) {
            double r = reward.score(p.prompt(), p.chosen());
            assertTrue(r == 2.0 || r == -2.0, p.id());
            sum += r;
        }
        assertEquals(0.0, sum);
    }

    @Test
    void kindsAreFoundByTheirLowerCaseNameOnly() {
        assertEquals(RewardKind.SENTIMENT, RewardKind.byName("sentiment", "--reward"));
        UserInputException e = assertThrows(UserInputException.class, () -> RewardKind.byName("Sentiment", "--reward"));
        assertEquals("--reward: unknown reward 'Sentiment' (allowed: sentiment)", e.getMessage());
    }

    @Test
    void defaultPromptsAskBothWaysForEveryFifthItem() {
        List<String> prompts = RewardKind.SENTIMENT.defaultPrompts();
        int items = (TinyPrefs.items().size() + 4) / 5;
        assertEquals(2 * items, prompts.size());
        assertEquals(TinyPrefs.prompt(true, TinyPrefs.items().get(0)), prompts.get(0));
        assertEquals(TinyPrefs.prompt(false, TinyPrefs.items().get(5)), prompts.get(3));
    }
}
