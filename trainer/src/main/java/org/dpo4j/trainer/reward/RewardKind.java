package org.dpo4j.trainer.reward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.TinyPrefs;

/**
 * The rewards {@code --reward NAME} accepts, each with the prompts it is evaluated on by
 * default. The constant's lower-case name is the option's value.
 */
public enum RewardKind {

    /** {@link SentimentReward} on the built-in praise/criticise task ({@code builtin:tiny-prefs}). */
    SENTIMENT(SentimentReward::new, RewardKind::sentimentPrompts);

    /** Items of the default evaluation prompts: every fifth item of the task, praised and criticised. */
    private static final int ITEM_STRIDE = 5;

    private final Supplier<Reward> factory;
    private final Supplier<List<String>> prompts;

    RewardKind(Supplier<Reward> factory, Supplier<List<String>> prompts) {
        this.factory = factory;
        this.prompts = prompts;
    }

    /** The option value: the constant's name in lower case. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A new reward of this kind. */
    public Reward create() {
        return factory.get();
    }

    /** The prompts to sample when none are given, in a fixed order. */
    public List<String> defaultPrompts() {
        return prompts.get();
    }

    /**
     * @param option the option's name, for the message
     * @throws UserInputException naming the allowed values when {@code name} is none of them
     */
    public static RewardKind byName(String name, String option) {
        for (RewardKind k : values()) {
            if (k.optionName().equals(name)) {
                return k;
            }
        }
        throw new UserInputException(option + ": unknown reward '" + name + "' (allowed: "
                + String.join(", ", Arrays.stream(values()).map(RewardKind::optionName).toList()) + ")");
    }

    private static List<String> sentimentPrompts() {
        List<String> items = TinyPrefs.items();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += ITEM_STRIDE) {
            out.add(TinyPrefs.prompt(true, items.get(i)));
            out.add(TinyPrefs.prompt(false, items.get(i)));
        }
        return List.copyOf(out);
    }
}
