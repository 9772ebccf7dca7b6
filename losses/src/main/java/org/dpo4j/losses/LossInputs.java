package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Everything a preference loss may read for a batch of B prompts. Every array has shape (B) unless
 * said otherwise. Fields a loss does not declare in its {@link LossRequirements} may be
 * {@code null}: the trainer computes only what is needed.
 *
 * @param policyChosen             policy log-probs of the chosen completions (with gradient); with
 *                                 LD-DPO ({@link LossRequirements#lengthDesensitization}) the
 *                                 length-weighted sums
 * @param policyRejected           policy log-probs of the rejected completions (with gradient), likewise
 * @param referenceChosen          reference log-probs of the chosen completions (constants), or null
 * @param referenceRejected        reference log-probs of the rejected completions (constants), or null
 * @param chosenTokenKl            Σ_t KL(π_ref(·|t) ‖ π(·|t)) over the chosen completion's scored
 *                                 positions (with gradient through π), or null
 * @param rejectedTokenKl          the same for the rejected completions, or null
 * @param policyChosenAttended     policy log-probs of the chosen rows over every attended token
 *                                 t ≥ 1 (prompt included), or null
 * @param policyChosenUnweighted   with LD-DPO, the plain (unweighted) policy log-probs of the chosen
 *                                 completions, which an NLL term reads; null otherwise
 * @param policyRejectedUnweighted the same for the rejected completions, or null
 * @param chosenLogWeights         WPO's log weight of each chosen completion (a constant), or null
 * @param rejectedLogWeights       the same for the rejected completions, or null
 * @param chosenTokenRisk          Ra-DPO's Σ_t R_t over the chosen completion's scored positions
 *                                 ({@link TailRisk}, with gradient through π), or null
 * @param rejectedTokenRisk        the same for the rejected completions, or null
 * @param policySamples            D2O: policy log-probs of K samples per prompt, each statistic (B, K), or null
 * @param referenceSamples         D2O: reference log-probs of the samples, (B, K), or null
 * @param policySourceChosen       WRPO: policy log-probs of the source model's chosen completions, or null
 * @param referenceSourceChosen    WRPO: reference log-probs of them, or null
 */
public record LossInputs(
        SequenceLogProbs policyChosen,
        SequenceLogProbs policyRejected,
        SequenceLogProbs referenceChosen,
        SequenceLogProbs referenceRejected,
        NDArray chosenTokenKl,
        NDArray rejectedTokenKl,
        SequenceLogProbs policyChosenAttended,
        SequenceLogProbs policyChosenUnweighted,
        SequenceLogProbs policyRejectedUnweighted,
        NDArray chosenLogWeights,
        NDArray rejectedLogWeights,
        NDArray chosenTokenRisk,
        NDArray rejectedTokenRisk,
        SequenceLogProbs policySamples,
        SequenceLogProbs referenceSamples,
        SequenceLogProbs policySourceChosen,
        SequenceLogProbs referenceSourceChosen) {

    /** Inputs with sequence log-probs only (no token KL, no attended log-probs). */
    public LossInputs(
            SequenceLogProbs policyChosen,
            SequenceLogProbs policyRejected,
            SequenceLogProbs referenceChosen,
            SequenceLogProbs referenceRejected) {
        this(policyChosen, policyRejected, referenceChosen, referenceRejected, null, null, null);
    }

    /** Pair inputs with TDPO's token KL sums and ORPO's attended log-probs (each may be null). */
    public LossInputs(
            SequenceLogProbs policyChosen,
            SequenceLogProbs policyRejected,
            SequenceLogProbs referenceChosen,
            SequenceLogProbs referenceRejected,
            NDArray chosenTokenKl,
            NDArray rejectedTokenKl,
            SequenceLogProbs policyChosenAttended) {
        this(policyChosen, policyRejected, referenceChosen, referenceRejected, chosenTokenKl, rejectedTokenKl,
                policyChosenAttended, null, null, null, null, null, null, null, null, null, null);
    }

    /** The chosen log-probs an NLL term reads: the unweighted ones under LD-DPO, else {@link #policyChosen}. */
    public SequenceLogProbs chosenForNll() {
        return policyChosenUnweighted != null ? policyChosenUnweighted : policyChosen;
    }

    /** These inputs with LD-DPO's plain (unweighted) policy log-probs beside the weighted ones. */
    public LossInputs withUnweighted(SequenceLogProbs chosen, SequenceLogProbs rejected) {
        return new LossInputs(policyChosen, policyRejected, referenceChosen, referenceRejected, chosenTokenKl,
                rejectedTokenKl, policyChosenAttended, chosen, rejected, chosenLogWeights, rejectedLogWeights,
                chosenTokenRisk, rejectedTokenRisk, policySamples, referenceSamples, policySourceChosen,
                referenceSourceChosen);
    }

    /** These inputs with WPO's per-sequence log weights. */
    public LossInputs withLogWeights(NDArray chosen, NDArray rejected) {
        return new LossInputs(policyChosen, policyRejected, referenceChosen, referenceRejected, chosenTokenKl,
                rejectedTokenKl, policyChosenAttended, policyChosenUnweighted, policyRejectedUnweighted, chosen,
                rejected, chosenTokenRisk, rejectedTokenRisk, policySamples, referenceSamples, policySourceChosen,
                referenceSourceChosen);
    }

    /** These inputs with Ra-DPO's sequence risks. */
    public LossInputs withTokenRisk(NDArray chosen, NDArray rejected) {
        return new LossInputs(policyChosen, policyRejected, referenceChosen, referenceRejected, chosenTokenKl,
                rejectedTokenKl, policyChosenAttended, policyChosenUnweighted, policyRejectedUnweighted,
                chosenLogWeights, rejectedLogWeights, chosen, rejected, policySamples, referenceSamples,
                policySourceChosen, referenceSourceChosen);
    }

    /** These inputs with D2O's K samples per prompt, each statistic (B, K). */
    public LossInputs withSamples(SequenceLogProbs policy, SequenceLogProbs reference) {
        return new LossInputs(policyChosen, policyRejected, referenceChosen, referenceRejected, chosenTokenKl,
                rejectedTokenKl, policyChosenAttended, policyChosenUnweighted, policyRejectedUnweighted,
                chosenLogWeights, rejectedLogWeights, chosenTokenRisk, rejectedTokenRisk, policy, reference,
                policySourceChosen, referenceSourceChosen);
    }

    /** These inputs with WRPO's source chosen completions. */
    public LossInputs withSourceChosen(SequenceLogProbs policy, SequenceLogProbs reference) {
        return new LossInputs(policyChosen, policyRejected, referenceChosen, referenceRejected, chosenTokenKl,
                rejectedTokenKl, policyChosenAttended, policyChosenUnweighted, policyRejectedUnweighted,
                chosenLogWeights, rejectedLogWeights, chosenTokenRisk, rejectedTokenRisk, policySamples,
                referenceSamples, policy, reference);
    }
}
