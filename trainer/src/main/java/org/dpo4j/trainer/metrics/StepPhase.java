package org.dpo4j.trainer.metrics;

/**
 * The phases of one training step, in the order {@code TrainingLoop} runs them, as
 * {@code dpo4j bench} splits the step's time.
 */
public enum StepPhase {
    /** Drawing the pairs, laying them out as a batch and copying it into tensors. */
    DATA("data"),
    /** The reference's log-probs: a live forward pass, or the lookup of precomputed values. */
    REFERENCE_FORWARD("reference_forward"),
    /**
     * The policy's forward pass, recorded for autograd: hidden states of all 2B·T positions, then
     * the LM head and log-softmax at the M scored positions only ({@code TokenScores}).
     */
    POLICY_FORWARD("policy_forward"),
    /** Sequence log-probs (masked sums of the token log-probs), token KLs when needed, and the loss. */
    LOSS("loss"),
    /** TRL's per-batch metrics (rewards, log-probs, mean logits) read back to Java. */
    METRICS("metrics"),
    /** Back-propagation from the loss into the policy's gradients. */
    POLICY_BACKWARD("policy_backward"),
    /** Global gradient norm, clipping and the AdamW update (gradients zeroed). */
    OPTIMIZER("optimizer");

    private final String key;

    StepPhase(String key) {
        this.key = key;
    }

    /** The phase's name in {@code dpo4j bench}'s {@code time_split}. */
    String key() {
        return key;
    }
}
