package org.dpo4j.cli.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.dpo4j.trainer.generate.Prompt;
import org.dpo4j.trainer.generate.SamplingOptions;
import org.dpo4j.trainer.reward.RewardKind;

/**
 * How a sweep's models are scored: the reward, its prompts, and the sampling (temperature 1, no
 * top-k/top-p, so that the sequence KL is the Monte-Carlo estimate of KL(π ‖ π_ref) on samples
 * of π itself).
 *
 * @param reward       the reward
 * @param prompts      the prompts, in order
 * @param samples      samples per prompt
 * @param maxNewTokens most tokens per sample
 * @param seed         seed of the draws (the same for every model, so models differ only by their weights)
 */
record RewardSettings(RewardKind reward, List<Prompt> prompts, int samples, int maxNewTokens, long seed) {

    SamplingOptions sampling() {
        return new SamplingOptions(1.0, 1.0, 0, maxNewTokens, seed);
    }

    /** 8 hex digits naming these settings: scores cached under another key are not reused. */
    String key() {
        StringBuilder s = new StringBuilder();
        s.append(reward.optionName()).append('|').append(samples).append('|').append(maxNewTokens).append('|').append(seed);
        prompts.forEach(p -> s.append('|').append(p.text() != null ? p.text() : p.messages().toString()));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** One line for the report. */
    String describe() {
        return String.format(Locale.ROOT, "reward `%s`, %d prompts x %d samples, temperature 1, at most %d new tokens, seed %d",
                reward.optionName(), prompts.size(), samples, maxNewTokens, seed);
    }
}
