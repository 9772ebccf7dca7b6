package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDArray;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.SharedPromptLayout;

/**
 * How a batch goes through the models, worked out once per batch and used by both the reference
 * and the policy pass: where the head runs, and the shared-prompt layout when there is one.
 * Create it in the scope that encloses both passes, so that its index arrays outlive them.
 *
 * @param at     the positions whose next token is read
 * @param shared the batch as a {@link SharedPromptLayout}, or null to run every row whole
 */
public record BatchPlan(ScoredPositions at, SharedPromptLayout shared) {

    /**
     * @param batch        2B right-padded rows, chosen then rejected
     * @param attendedRows rows that also need every attended position ({@link ScoredPositions#of})
     * @param forward      whether prompts are shared
     */
    public static BatchPlan of(Batch.Tensors batch, int attendedRows, BatchForward forward) {
        return new BatchPlan(ScoredPositions.of(batch, attendedRows), forward.layoutFor(batch));
    }

    /**
     * @param batch the batch this plan was made for
     * @return (2B, T, d) {@link CausalLm#hiddenStates} of {@code batch}, through the shared layout
     *         when there is one; padding positions hold arbitrary finite values
     */
    public NDArray hiddenStates(CausalLm model, Batch.Tensors batch) {
        return shared == null
                ? model.hiddenStates(batch.inputIds(), batch.attentionMask())
                : model.hiddenStates(shared);
    }
}
