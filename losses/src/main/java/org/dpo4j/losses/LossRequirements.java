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
 * @param lengthDesensitization  LD-DPO's token weights on the sequence log-probs
 *                               ({@link LossInputs#policyChosen} etc. are then the weighted sums and
 *                               {@link LossInputs#policyChosenUnweighted} the plain ones); null for none
 * @param pairWeights            WPO's per-sequence log weights from the policy's own distribution
 *                               ({@link LossInputs#chosenLogWeights}/{@link LossInputs#rejectedLogWeights})
 * @param tokenRisk              Ra-DPO's per-token tail risk of the reference distribution, summed
 *                               over the scored positions ({@link LossInputs#chosenTokenRisk}), implying
 *                               a live reference forward; null when the loss needs none
 * @param completions            which completions a prompt comes with: pairs, D2O's rejected answer
 *                               plus K samples, or WRPO's source chosen plus a pair
 */
public record LossRequirements(
        boolean referenceLogProbs,
        Divergence tokenDivergence,
        boolean attendedChosenLogProbs,
        LengthDesensitization lengthDesensitization,
        boolean pairWeights,
        TailRisk tokenRisk,
        Completions completions) {

    /** Policy and reference sequence log-probs, as DPO needs. */
    public static final LossRequirements POLICY_AND_REFERENCE = new LossRequirements(true, null, false);

    /** Policy sequence log-probs only (SimPO, CPO, SFT): no reference pass at all. */
    public static final LossRequirements POLICY_ONLY = new LossRequirements(false, null, false);

    /** Policy and reference log-probs plus the per-token KL(π_ref ‖ π) sums (the paper's TDPO). */
    public static final LossRequirements WITH_TOKEN_KL = withTokenDivergence(new ForwardKl());

    /** Policy log-probs plus the attended chosen log-probs (ORPO). */
    public static final LossRequirements POLICY_WITH_ATTENDED = new LossRequirements(false, null, true);

    public LossRequirements {
        Objects.requireNonNull(completions, "completions");
    }

    /** Pairs, no length weights, no pair weights, no token risk. */
    public LossRequirements(boolean referenceLogProbs, Divergence tokenDivergence, boolean attendedChosenLogProbs) {
        this(referenceLogProbs, tokenDivergence, attendedChosenLogProbs, null, false, null, Completions.PAIRS);
    }

    /** Policy and reference log-probs plus the per-token sums of {@code divergence} (TDPO). */
    public static LossRequirements withTokenDivergence(Divergence divergence) {
        return new LossRequirements(true, Objects.requireNonNull(divergence, "divergence"), false);
    }

    /** Whether the loss needs per-token divergence sums ({@link #tokenDivergence} is set). */
    public boolean tokenKl() {
        return tokenDivergence != null;
    }

    /** Whether the loss needs per-token tail-risk sums ({@link #tokenRisk} is set). */
    public boolean tokenRiskSums() {
        return tokenRisk != null;
    }

    /** Whether the loss needs the reference's per-token distribution (TDPO's divergence, Ra-DPO's risk). */
    public boolean referenceDistribution() {
        return tokenKl() || tokenRiskSums();
    }

    /**
     * Whether the reference's per-token values are needed (its distribution, or its label
     * log-probs for LD-DPO's weighted reference sums), which only a live reference forward gives.
     */
    public boolean referenceTokens() {
        return referenceDistribution() || (lengthDesensitization != null && lengthDesensitization.weightReference());
    }

    /** Whether the loss reads the reference model at all. */
    public boolean usesReference() {
        return referenceLogProbs || referenceDistribution();
    }

    /** These requirements with LD-DPO's length weights on the sequence log-probs. */
    public LossRequirements withLengthDesensitization(LengthDesensitization weights) {
        return new LossRequirements(referenceLogProbs, tokenDivergence, attendedChosenLogProbs,
                Objects.requireNonNull(weights, "weights"), pairWeights, tokenRisk, completions);
    }

    /** These requirements with WPO's per-sequence log weights. */
    public LossRequirements withPairWeights() {
        return new LossRequirements(referenceLogProbs, tokenDivergence, attendedChosenLogProbs,
                lengthDesensitization, true, tokenRisk, completions);
    }

    /** Policy and reference log-probs plus the per-token tail-risk sums of {@code risk} (Ra-DPO). */
    public static LossRequirements withTokenRisk(TailRisk risk) {
        return new LossRequirements(true, null, false, null, false, Objects.requireNonNull(risk, "risk"),
                Completions.PAIRS);
    }

    /** Policy and reference log-probs of the given completions (D2O, WRPO). */
    public static LossRequirements ofCompletions(Completions completions) {
        return new LossRequirements(true, null, false, null, false, null, completions);
    }

    /**
     * What a loss that needs both this and {@code other} needs.
     *
     * @throws IllegalArgumentException when both need per-token sums of different divergences or
     *     risks, different length weights or different completions (a batch has one of each)
     */
    public LossRequirements union(LossRequirements other) {
        if (tokenKl() && other.tokenKl() && !tokenDivergence.equals(other.tokenDivergence)) {
            throw new IllegalArgumentException("one batch computes one token divergence, not both "
                    + tokenDivergence.name() + " and " + other.tokenDivergence.name());
        }
        if (tokenRiskSums() && other.tokenRiskSums() && !tokenRisk.equals(other.tokenRisk)) {
            throw new IllegalArgumentException("one batch computes one token risk, not both " + tokenRisk
                    + " and " + other.tokenRisk);
        }
        if (lengthDesensitization != null && other.lengthDesensitization != null
                && !lengthDesensitization.equals(other.lengthDesensitization)) {
            throw new IllegalArgumentException("one batch has one set of length weights, not both "
                    + lengthDesensitization + " and " + other.lengthDesensitization);
        }
        if (completions != other.completions) {
            throw new IllegalArgumentException("one batch has one kind of completions, not both "
                    + completions.configName() + " and " + other.completions.configName());
        }
        return new LossRequirements(
                referenceLogProbs || other.referenceLogProbs,
                tokenKl() ? tokenDivergence : other.tokenDivergence,
                attendedChosenLogProbs || other.attendedChosenLogProbs,
                lengthDesensitization != null ? lengthDesensitization : other.lengthDesensitization,
                pairWeights || other.pairWeights,
                tokenRiskSums() ? tokenRisk : other.tokenRisk,
                completions);
    }
}
