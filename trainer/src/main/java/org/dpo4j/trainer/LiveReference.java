package org.dpo4j.trainer;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.dpo4j.losses.SequenceLogProbs;
import org.dpo4j.losses.SequenceStats;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.CausalLm;

/** The reference model run on every batch; counts its forward passes. */
final class LiveReference implements ReferenceSource {

    private final CausalLm model;
    private long forwards;

    LiveReference(CausalLm model) {
        this.model = model;
    }

    CausalLm model() {
        return model;
    }

    /** Reference forward passes so far (each over one batch of rows), caches built included. */
    long forwards() {
        return forwards;
    }

    /**
     * Logits of the reference.
     *
     * @param batch N rows
     * @return (N, T, V)
     */
    NDArray forward(Batch.Tensors batch) {
        forwards++;
        return model.forward(batch.inputIds(), batch.attentionMask());
    }

    @Override
    public PreferenceScorer.ReferencePass pass(List<TokenizedPair> pairs, Batch.Tensors batch, boolean keepLogits) {
        NDArray logits = forward(batch);
        SequenceLogProbs logProbs = SequenceStats.logProbs(logits, batch.inputIds(), batch.lossMask());
        return new PreferenceScorer.ReferencePass(logProbs, keepLogits ? logits : null);
    }
}
