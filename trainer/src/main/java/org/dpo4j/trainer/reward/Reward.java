package org.dpo4j.trainer.reward;

/**
 * A program that scores any completion of a prompt: the known reward of a reproduction task
 * (the papers use a trained reward model; a task whose reward is a program makes the result
 * exact and cheap). The family is closed: each reward is a record here, named by its
 * {@link RewardKind}.
 */
public sealed interface Reward permits SentimentReward {

    /** The reward of {@code completion} (the generated text, special tokens dropped) for {@code prompt}. */
    double score(String prompt, String completion);
}
