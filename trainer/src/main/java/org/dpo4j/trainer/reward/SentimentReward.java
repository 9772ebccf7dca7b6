package org.dpo4j.trainer.reward;

import java.util.Locale;
import java.util.Set;
import org.dpo4j.trainer.data.TinyPrefs;

/**
 * The reward of the built-in praise/criticise task ({@link TinyPrefs}): a prompt asks to praise
 * or to criticise an item, and the completion is scored by its adjectives.
 *
 * <pre>
 *   r(x, y) = n_asked(y) − n_opposite(y) − λ · max(0, words(y) − L)
 * </pre>
 *
 * n_asked counts the words of y in the asked sentiment's adjective list (praise: the positive
 * list), n_opposite those in the other list, words(y) the words of y (maximal runs of letters),
 * L = {@value #FREE_WORDS} (the task's longest sentence frame, "Honestly, the X was A and B.", has
 * 7 words) and λ = {@value #LENGTH_PENALTY}. The length term makes stuffing adjectives pay
 * nothing past L: each extra "and great" adds 1 and costs 2λ = 1. Every chosen answer of the
 * data set scores +2 and every rejected one −2. A prompt that is not a praise or criticise
 * request scores 0: there is no asked sentiment to reward.
 */
public record SentimentReward(Set<String> positive, Set<String> negative) implements Reward {

    /** Words a completion may have before the length term starts. */
    public static final int FREE_WORDS = 8;
    /** Reward lost per word beyond {@link #FREE_WORDS}. */
    public static final double LENGTH_PENALTY = 0.5;

    private static final String PRAISE = "Praise ";
    private static final String CRITICISE = "Criticise ";

    /** The task's adjective lists. */
    public SentimentReward() {
        this(Set.copyOf(TinyPrefs.positiveWords()), Set.copyOf(TinyPrefs.negativeWords()));
    }

    @Override
    public double score(String prompt, String completion) {
        String request = prompt.strip();
        boolean praise = request.startsWith(PRAISE);
        if (!praise && !request.startsWith(CRITICISE)) {
            return 0.0;
        }
        Set<String> asked = praise ? positive : negative;
        Set<String> opposite = praise ? negative : positive;
        int words = 0;
        int score = 0;
        for (String word : completion.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
            if (word.isEmpty()) {
                continue;
            }
            words++;
            if (asked.contains(word)) {
                score++;
            } else if (opposite.contains(word)) {
                score--;
            }
        }
        return score - LENGTH_PENALTY * Math.max(0, words - FREE_WORDS);
    }
}
