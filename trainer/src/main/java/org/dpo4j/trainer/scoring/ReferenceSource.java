package org.dpo4j.trainer.scoring;

import java.util.List;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.TokenizedPair;

/**
 * Where a batch's reference values come from: a live forward pass of the reference model
 * ({@code LiveReference}) or log-probs computed before training ({@code CachedReference}).
 */
public interface ReferenceSource {

    /**
     * The reference's contribution to a batch. Call outside a gradient collector: the reference
     * is a constant. Arrays are created in the caller's scope.
     *
     * @param pairs             the B pairs of the batch, in batch order
     * @param batch             their 2B rows (chosen first, then rejected)
     * @param plan              the positions whose next token is read (a live reference runs its
     *                          head only there) and the batch's shared-prompt layout
     * @param keepTokenLogProbs whether the loss needs the reference's log-distributions at those
     *                          positions (per-token KL), as a {@link ReferenceDistribution}
     */
    PreferenceScorer.ReferencePass pass(
            List<TokenizedPair> pairs, Batch.Tensors batch, BatchPlan plan, boolean keepTokenLogProbs);
}
