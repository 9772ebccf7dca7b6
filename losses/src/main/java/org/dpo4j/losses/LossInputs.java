package org.dpo4j.losses;

/**
 * Everything a preference loss may read for a batch of B pairs. Rows are pairs; every
 * array has shape (B). Fields a loss does not declare in its {@link LossRequirements} may
 * be {@code null}: the trainer computes only what is needed.
 *
 * @param policyChosen      policy log-probs of the chosen completions (with gradient)
 * @param policyRejected    policy log-probs of the rejected completions (with gradient)
 * @param referenceChosen   reference log-probs of the chosen completions (constants), or null
 * @param referenceRejected reference log-probs of the rejected completions (constants), or null
 */
public record LossInputs(
        SequenceLogProbs policyChosen,
        SequenceLogProbs policyRejected,
        SequenceLogProbs referenceChosen,
        SequenceLogProbs referenceRejected) {}
