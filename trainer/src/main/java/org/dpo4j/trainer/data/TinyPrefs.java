package org.dpo4j.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code builtin:tiny-prefs}: a deterministic synthetic preference set a tiny model can learn.
 *
 * <p>The rule: every prompt asks either to <em>praise</em> or to <em>criticise</em> an item
 * ("Praise the soup." / "Criticise the soup."). Both answers share one sentence frame and name
 * the same item; the chosen answer's two adjectives have the sentiment the prompt asked for
 * and the rejected answer's have the opposite one. So the model must read the instruction,
 * not just learn to like one word list.
 *
 * <pre>
 *   prompt:   "Praise the soup.\n"
 *   chosen:   "The soup is lovely and superb."
 *   rejected: "The soup is dull and awful."
 * </pre>
 *
 * The set is fixed (its own seed, independent of the run's), so every run sees the same pairs.
 */
public final class TinyPrefs {

    public static final String NAME = "tiny-prefs";
    /**
     * {@code builtin:tiny-prefs-sft}: the same pairs with chosen and rejected swapped in every
     * odd-numbered pair, so that the "chosen" answers have the asked sentiment half of the time.
     * Supervised fine-tuning on them ({@code loss.type: sft}) gives a reference that writes the
     * task's sentences fluently but picks the sentiment at random, which preference training
     * must then fix (the reproduction in {@code configs/experiments/}).
     */
    public static final String SFT_NAME = "tiny-prefs-sft";
    public static final int SIZE = 2000;

    private static final long DATA_SEED = 20231106L;
    private static final String[] ITEMS = {
        "soup", "movie", "hotel", "concert", "book", "garden", "train", "coffee", "museum", "song",
        "bakery", "lecture", "beach", "phone", "bridge", "pizza", "painting", "game", "bicycle",
        "market", "theatre", "river", "festival", "laptop", "salad", "village", "poem", "jacket",
        "library", "park", "ferry", "cake", "podcast", "castle", "tea", "camera", "island", "menu",
        "workshop", "sandwich"
    };
    private static final String[] POSITIVE = {
        "lovely", "superb", "wonderful", "great", "excellent", "delightful", "charming",
        "brilliant", "pleasant", "fantastic", "splendid", "marvellous"
    };
    private static final String[] NEGATIVE = {
        "awful", "dull", "terrible", "boring", "horrible", "bland", "dreadful", "poor", "lousy",
        "mediocre", "grim", "tedious"
    };
    private static final String[] FRAMES = {
        "The %s is %s and %s.", "I found the %s %s and %s.", "What a %2$s, %3$s %1$s.",
        "Honestly, the %s was %s and %s."
    };

    private TinyPrefs() {}

    /** All {@link #SIZE} pairs, in a fixed order. */
    public static List<PreferencePair> pairs() {
        Random random = new Random(DATA_SEED);
        List<PreferencePair> pairs = new ArrayList<>(SIZE);
        for (int i = 0; i < SIZE; i++) {
            String item = pick(ITEMS, random);
            boolean praise = random.nextBoolean();
            String frame = pick(FRAMES, random);
            String prompt = prompt(praise, item);
            String good = answer(frame, item, praise ? POSITIVE : NEGATIVE, random);
            String bad = answer(frame, item, praise ? NEGATIVE : POSITIVE, random);
            pairs.add(new PreferencePair("builtin:" + NAME + "#" + i, prompt, good, bad));
        }
        return pairs;
    }

    /** The pairs of {@link #SFT_NAME}: {@link #pairs()} with odd-numbered pairs' answers swapped. */
    public static List<PreferencePair> sftPairs() {
        List<PreferencePair> pairs = pairs();
        List<PreferencePair> mixed = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            PreferencePair p = pairs.get(i);
            String id = "builtin:" + SFT_NAME + "#" + i;
            mixed.add(i % 2 == 0
                    ? new PreferencePair(id, p.prompt(), p.chosen(), p.rejected())
                    : new PreferencePair(id, p.prompt(), p.rejected(), p.chosen()));
        }
        return mixed;
    }

    /** The items the prompts name, in a fixed order. */
    public static List<String> items() {
        return List.of(ITEMS);
    }

    /** The adjectives that praise. */
    public static List<String> positiveWords() {
        return List.of(POSITIVE);
    }

    /** The adjectives that criticise. */
    public static List<String> negativeWords() {
        return List.of(NEGATIVE);
    }

    /** The prompt asking to praise ({@code true}) or criticise an item, as the pairs write it. */
    public static String prompt(boolean praise, String item) {
        return (praise ? "Praise" : "Criticise") + " the " + item + ".\n";
    }

    private static String answer(String frame, String item, String[] words, Random random) {
        String first = pick(words, random);
        String second = pick(words, random);
        while (second.equals(first)) {
            second = pick(words, random);
        }
        return String.format(frame, item, first, second);
    }

    private static String pick(String[] options, Random random) {
        return options[random.nextInt(options.length)];
    }

    /**
     * The texts of the built-in pairs ({@code builtin:tiny-prefs}): each pair's prompt, chosen
     * and rejected, in the data set's order; the corpus the default tokenizer is trained on.
     */
    public static List<String> corpus() {
        List<PreferencePair> pairs = pairs();
        List<String> texts = new ArrayList<>(3 * pairs.size());
        for (PreferencePair pair : pairs) {
            texts.add(pair.prompt());
            texts.add(pair.chosen());
            texts.add(pair.rejected());
        }
        return texts;
    }
}
