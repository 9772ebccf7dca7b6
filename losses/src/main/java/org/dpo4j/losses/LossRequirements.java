package org.dpo4j.losses;

/**
 * What a loss needs the trainer to compute, so that nothing else is computed.
 *
 * @param referenceLogProbs the reference model's sequence log-probs (a reference forward pass,
 *                          live or cached); false for reference-free losses
 */
public record LossRequirements(boolean referenceLogProbs) {

    /** A loss that compares policy and reference sequence log-probs, as DPO does. */
    public static final LossRequirements POLICY_AND_REFERENCE = new LossRequirements(true);
}
