package org.dpo4j.trainer.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.List;
import org.dpo4j.losses.SequenceLogProbs;
import org.dpo4j.losses.SequenceStats;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.scoring.BatchForward;
import org.dpo4j.trainer.scoring.BatchPlan;
import org.dpo4j.trainer.scoring.PreferenceScorer;
import org.dpo4j.trainer.scoring.ReferenceDistribution;
import org.dpo4j.trainer.scoring.ReferenceSource;
import org.dpo4j.trainer.scoring.TokenScores;

/** The reference model run on every batch; counts its forward passes. */
public final class LiveReference implements ReferenceSource {

    private final CausalLm model;
    private final BatchForward forward;
    private long forwards;

    /** A reference that shares prompts ({@link BatchForward#SHARED_PROMPTS}). */
    public LiveReference(CausalLm model) {
        this(model, BatchForward.SHARED_PROMPTS);
    }

    /** @param forward how batches this reference prepares itself ({@link #plan}) are laid out */
    public LiveReference(CausalLm model, BatchForward forward) {
        this.model = model;
        this.forward = forward;
    }

    /** The plan of a batch scored by the reference alone (precomputing): scored positions only. */
    BatchPlan plan(Batch.Tensors batch) {
        return BatchPlan.of(batch, 0, forward);
    }

    public CausalLm model() {
        return model;
    }

    /** Reference forward passes so far (each over one batch of rows), caches built included. */
    public long forwards() {
        return forwards;
    }

    /**
     * The reference's sequence log-probs, with the head and log-softmax only at {@code plan.at()} (as
     * {@link PreferenceScorer#score} does for the policy). Everything but the results is made in
     * a scope of its own and freed before this returns: the hidden states and the (M, V) logits;
     * for a loss that needs the reference's distribution only the (M, d) hidden states at the
     * scored positions are kept ({@link ReferenceDistribution}).
     */
    @Override
    public PreferenceScorer.ReferencePass pass(
            List<TokenizedPair> pairs, Batch.Tensors batch, BatchPlan plan, boolean keepTokenLogProbs) {
        forwards++;
        PreferenceScorer.ReferencePass pass;
        NDList kept;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray hidden = plan.hiddenStates(model, batch);
            TokenScores tokens = TokenScores.of(model, hidden, plan.at(), false);
            NDArray labelLogProbs = plan.at().scatter(tokens.labelLogProbs());
            SequenceLogProbs logProbs = SequenceStats.fromTokenLogProbs(labelLogProbs, batch.lossMask());
            // the distributions are remade chunk by chunk from the (M, d) hidden states when asked
            ReferenceDistribution distribution = keepTokenLogProbs ? ReferenceDistribution.at(model, hidden, plan.at()) : null;
            pass = new PreferenceScorer.ReferencePass(logProbs, distribution, labelLogProbs);
            kept = new NDList(logProbs.sum(), logProbs.mean(), logProbs.tokenCount(), labelLogProbs);
            if (distribution != null) {
                kept.add(distribution.hidden());
            }
            NDScope.unregister(kept);
        }
        kept.forEach(NDScope::register);
        return pass;
    }
}
