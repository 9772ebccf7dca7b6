package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDArray;
import org.dpo4j.trainer.model.CausalLm;

/**
 * The reference's next-token log-distributions at a batch's scored positions, made chunk by chunk
 * when asked (TDPO's per-token divergence, Ra-DPO's risk): only the (M, d) hidden states are
 * kept, not the (M, V) log-probs, so what the reference hands the policy's pass does not grow with
 * the vocabulary.
 *
 * <pre>
 *   logProbs(rows) = log_softmax(head(h[rows]))     (R, V), no gradient
 * </pre>
 *
 * The same ops on the same rows as {@link TokenScores}' chunks, so the values are those a kept
 * (M, V) array would hold when asked for the same chunks.
 */
public final class ReferenceDistribution {

    private final CausalLm model;
    private final NDArray hidden;

    private ReferenceDistribution(CausalLm model, NDArray hidden) {
        this.model = model;
        this.hidden = hidden;
    }

    /**
     * @param model  the reference
     * @param hidden (N, T, d) its {@link CausalLm#hiddenStates} over the batch
     * @param at     the batch's scored positions
     */
    public static ReferenceDistribution at(CausalLm model, NDArray hidden, ScoredPositions at) {
        return new ReferenceDistribution(model, at.gather(hidden).stopGradient());
    }

    /** (M, d) the gathered hidden states this distribution keeps (for the caller's scope bookkeeping). */
    public NDArray hidden() {
        return hidden;
    }

    /** M, the number of positions. */
    public long positions() {
        return hidden.getShape().get(0);
    }

    /** The vocabulary size V. */
    public int vocabSize() {
        return model.architecture().vocabSize();
    }

    /**
     * @param rows "from:to" among the M positions, or ":" for all
     * @return (R, V) log π_ref at those positions, in the caller's scope, without gradient
     */
    public NDArray logProbs(String rows) {
        return model.head(hidden.get(rows)).logSoftmax(-1).stopGradient();
    }
}
