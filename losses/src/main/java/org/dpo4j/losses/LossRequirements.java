package org.dpo4j.losses;

/**
 * What a loss needs the trainer to compute, so that nothing else is computed.
 *
 * @param referenceLogProbs      the reference model's sequence log-probs (a reference forward
 *                               pass, live or cached); false for reference-free losses
 * @param tokenKl                per-sequence Σ_t KL(π_ref(·|t) ‖ π(·|t)) over the scored
 *                               positions and the full vocabulary (TDPO); implies a live
 *                               reference forward
 * @param attendedChosenLogProbs the policy's log-probs of the chosen rows over every attended
 *                               token t ≥ 1, prompt included (ORPO's NLL term)
 */
public record LossRequirements(boolean referenceLogProbs, boolean tokenKl, boolean attendedChosenLogProbs) {

    /** Policy and reference sequence log-probs, as DPO needs. */
    public static final LossRequirements POLICY_AND_REFERENCE = new LossRequirements(true, false, false);

    /** Policy sequence log-probs only (SimPO, CPO, SFT): no reference pass at all. */
    public static final LossRequirements POLICY_ONLY = new LossRequirements(false, false, false);

    /** Policy and reference log-probs plus the per-token KL sums (TDPO). */
    public static final LossRequirements WITH_TOKEN_KL = new LossRequirements(true, true, false);

    /** Policy log-probs plus the attended chosen log-probs (ORPO). */
    public static final LossRequirements POLICY_WITH_ATTENDED = new LossRequirements(false, false, true);

    /** What a loss that needs both this and {@code other} needs. */
    public LossRequirements union(LossRequirements other) {
        return new LossRequirements(
                referenceLogProbs || other.referenceLogProbs,
                tokenKl || other.tokenKl,
                attendedChosenLogProbs || other.attendedChosenLogProbs);
    }
}
