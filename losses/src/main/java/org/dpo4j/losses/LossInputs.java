package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Everything a preference loss may read for a batch of B pairs. Rows are pairs; every array
 * has shape (B). Fields a loss does not declare in its {@link LossRequirements} may be
 * {@code null}: the trainer computes only what is needed.
 *
 * @param policyChosen          policy log-probs of the chosen completions (with gradient)
 * @param policyRejected        policy log-probs of the rejected completions (with gradient)
 * @param referenceChosen       reference log-probs of the chosen completions (constants), or null
 * @param referenceRejected     reference log-probs of the rejected completions (constants), or null
 * @param chosenTokenKl         Σ_t KL(π_ref(·|t) ‖ π(·|t)) over the chosen completion's scored
 *                              positions (with gradient through π), or null
 * @param rejectedTokenKl       the same for the rejected completions, or null
 * @param policyChosenAttended  policy log-probs of the chosen rows over every attended token
 *                              t ≥ 1 (prompt included), or null
 */
public record LossInputs(
        SequenceLogProbs policyChosen,
        SequenceLogProbs policyRejected,
        SequenceLogProbs referenceChosen,
        SequenceLogProbs referenceRejected,
        NDArray chosenTokenKl,
        NDArray rejectedTokenKl,
        SequenceLogProbs policyChosenAttended) {

    /** Inputs with sequence log-probs only (no token KL, no attended log-probs). */
    public LossInputs(
            SequenceLogProbs policyChosen,
            SequenceLogProbs policyRejected,
            SequenceLogProbs referenceChosen,
            SequenceLogProbs referenceRejected) {
        this(policyChosen, policyRejected, referenceChosen, referenceRejected, null, null, null);
    }
}
