package org.dpo4j.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import org.dpo4j.trainer.model.CausalLm;

/**
 * The LM head and the log-softmax at the gathered positions of a batch ({@link ScoredPositions})
 * and what the scorer reads from them. With z = head(h_m), (M, V):
 *
 * <pre>
 *   logProbs_m      = log_softmax(z_m) = z_m − logsumexp_v z_m,v      (M, V)
 *   labelLogProbs_m = logProbs_m[label_m]                              (M)
 *   meanLogits_m    = (1/V)·Σ_v z_m,v, detached (TRL's logits/* metric) (M)
 * </pre>
 *
 * <p>Why log-softmax then gather: PyTorch's log_softmax saves only its output for backward
 * (∂/∂z = g − softmax(z)·Σg, from the output alone) and gather only its index, so exactly one
 * (M, V) array is kept for backward; the logits themselves are saved by nothing (the head's
 * matmul saves its inputs). DJL has no logsumexp op; spelled out (max, subtract, exp, sum, log)
 * it would save the exp, also (M, V), and make two more (M, V) temporaries. All of it runs in
 * its own {@link NDScope}, so the logits and the temporaries are freed as soon as these values
 * are taken; only the results move to the caller's scope (and the log-probs that autograd
 * saved live until backward).
 *
 * @param labelLogProbs (M) log π(label_m | position m)
 * @param meanLogits    (M) mean logit over the vocabulary, no gradient
 * @param logProbs      (M, V) the full log-distributions, kept only when asked (TDPO's
 *                      per-token KL); else null
 */
record TokenScores(NDArray labelLogProbs, NDArray meanLogits, NDArray logProbs) {

    /**
     * @param model        whose head to apply
     * @param hidden       (N, T, d) its {@link CausalLm#hiddenStates}
     * @param at           the positions to score
     * @param keepLogProbs whether to return the (M, V) log-probs too
     */
    static TokenScores of(CausalLm model, NDArray hidden, ScoredPositions at, boolean keepLogProbs) {
        TokenScores scores;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray logits = model.head(at.gather(hidden));
            NDArray logProbs = logits.logSoftmax(-1);
            scores = new TokenScores(
                    logProbs.gather(at.labels(), -1).reshape(at.count()),
                    logits.stopGradient().mean(new int[] {-1}),
                    keepLogProbs ? logProbs : null);
            scores.forEach(NDScope::unregister);
        }
        scores.forEach(NDScope::register);
        return scores;
    }

    private void forEach(java.util.function.Consumer<NDArray> action) {
        action.accept(labelLogProbs);
        action.accept(meanLogits);
        if (logProbs != null) {
            action.accept(logProbs);
        }
    }
}
