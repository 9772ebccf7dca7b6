package org.dpo4j.losses;

import java.util.Objects;

/**
 * What a loss needs the trainer to compute, so that nothing else is computed.
 *
 * @param referenceLogProbs      the reference model's sequence log-probs (a reference forward
 *                               pass, live or cached); false for reference-free losses
 * @param tokenDivergence        the per-token divergence D(π(·|t) ‖ π_ref(·|t)) whose sums over the
 *                               scored positions and the full vocabulary the loss reads as
 *                               {@link LossInputs#chosenTokenKl}/{@link LossInputs#rejectedTokenKl}
 *                               (TDPO; {@link ForwardKl} is its KL(π_ref ‖ π)), implying a live
 *                               reference forward; null when the loss needs none
 * @param attendedChosenLogProbs the policy's log-probs of the chosen rows over every attended
 *                               token t ≥ 1, prompt included (ORPO's NLL term)
 */
public record LossRequirements(boolean referenceLogProbs, Divergence tokenDivergence, boolean attendedChosenLogProbs) {

    /** Policy and reference sequence log-probs, as DPO needs. */
    public static final LossRequirements POLICY_AND_REFERENCE = new LossRequirements(true, null, false);

    /** Policy sequence log-probs only (SimPO, CPO, SFT): no reference pass at all. */
    public static final LossRequirements POLICY_ONLY = new LossRequirements(false, null, false);

    /** Policy and reference log-probs plus the per-token KL(π_ref ‖ π) sums (the paper's TDPO). */
    public static final LossRequirements WITH_TOKEN_KL = withTokenDivergence(new ForwardKl());

    /** Policy log-probs plus the attended chosen log-probs (ORPO). */
    public static final LossRequirements POLICY_WITH_ATTENDED = new LossRequirements(false, null, true);

    /** Policy and reference log-probs plus the per-token sums of {@code divergence} (TDPO). */
    public static LossRequirements withTokenDivergence(Divergence divergence) {
        return new LossRequirements(true, Objects.requireNonNull(divergence, "divergence"), false);
    }

    /** Whether the loss needs per-token divergence sums ({@link #tokenDivergence} is set). */
    public boolean tokenKl() {
        return tokenDivergence != null;
    }

    /**
     * What a loss that needs both this and {@code other} needs.
     *
     * @throws IllegalArgumentException when both need per-token sums of different divergences
     *     (a batch computes one)
     */
    public LossRequirements union(LossRequirements other) {
        if (tokenKl() && other.tokenKl() && !tokenDivergence.equals(other.tokenDivergence)) {
            throw new IllegalArgumentException("one batch computes one token divergence, not both "
                    + tokenDivergence.name() + " and " + other.tokenDivergence.name());
        }
        return new LossRequirements(
                referenceLogProbs || other.referenceLogProbs,
                tokenKl() ? tokenDivergence : other.tokenDivergence,
                attendedChosenLogProbs || other.attendedChosenLogProbs);
    }
}
