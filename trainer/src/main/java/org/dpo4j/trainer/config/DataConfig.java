package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Preference data.
 *
 * @param train           {@code builtin:tiny-prefs} or a JSONL file of
 *                        {@code {"prompt", "chosen", "rejected"}} objects
 * @param eval            held-out pairs in the same forms, or null to split {@code evalFraction}
 *                        of {@code train} off (fixed by the seed)
 * @param evalFraction    share of the training pairs held out when {@code eval} is null
 * @param maxLength       most tokens of prompt + completion (EOS included) in one row
 * @param maxPromptLength most prompt tokens; longer prompts keep their last tokens
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DataConfig(
        String train, String eval, Double evalFraction, Integer maxLength, Integer maxPromptLength) {

    public DataConfig {
        Check.required("train", train);
        Check.halfOpen("eval_fraction", evalFraction, 0.0, 1.0);
        Check.atLeast("max_length", maxLength, 2);
        Check.atLeast("max_prompt_length", maxPromptLength, 1);
        if (maxPromptLength >= maxLength) {
            throw new ConfigValueException(
                    "max_prompt_length",
                    "must be < max_length (" + maxLength + "), got " + maxPromptLength);
        }
    }
}
