package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Per-position statistics of a policy's next-token distributions that TRL's DPO trainer logs or
 * weighs with, all without gradient. Each takes the logits of the predicting positions (any
 * leading shape, vocabulary last) and gives one value per position.
 *
 * <pre>
 *   entropy_t        = −Σ_v p_t(v)·log p_t(v)                      (TRL's entropy_from_logits)
 *   correct_t        = [argmax_v z_t(v) = label_t]                  (mean_token_accuracy's numerator)
 *   vocabMeanLogit_t = (1/V)·Σ_v z_t(v)                             (logits/chosen, logits/rejected)
 *   wpo_t            = log p_t(label_t) − log Σ_v p_t(v)²           (WPO's per-token log weight)
 * </pre>
 *
 * TRL's metrics over a batch: {@code entropy} = the token-weighted mean of entropy_t over the scored
 * positions of all chosen and rejected rows; {@code mean_token_accuracy} = the fraction of scored
 * chosen positions that are correct; {@code logits/<side>} = the token-weighted mean of
 * vocabMeanLogit_t over that side's scored positions.
 */
public final class TokenMetrics {

    private TokenMetrics() {}

    /**
     * Entropy of softmax(z) over the last axis, max-subtracted (exact for any per-row offset).
     *
     * @param logits (..., V)
     * @return (...), detached
     */
    public static NDArray entropy(NDArray logits) {
        NDArray logp = SequenceStats.logSoftmax(logits.stopGradient());
        return logp.exp().mul(logp).sum(new int[] {-1}).neg();
    }

    /**
     * Entropy of a distribution given by its log-probabilities, −Σ_v e^{logp_v}·logp_v: the same
     * value as {@link #entropy} of the logits they came from, without normalising them again.
     * Why: the LM head already has log_softmax(z) per chunk of (rows, V); renormalising it costs
     * four more passes over (rows, V) and three temporaries of that size, this costs one pass and
     * one temporary (the product is taken in place).
     *
     * @param logProbs (..., V) normalised log-probabilities (log_softmax of the logits)
     * @return (...), detached
     */
    public static NDArray entropyOfLogProbs(NDArray logProbs) {
        NDArray logp = logProbs.stopGradient();
        try (NDArray plogp = logp.exp()) {
            return plogp.muli(logp).sum(new int[] {-1}).neg();
        }
    }

    /**
     * 1 where the largest logit is the label's, else 0.
     *
     * @param logits (..., V)
     * @param labels (...) token ids
     * @return (...) 0/1 in the logits' dtype, detached
     */
    public static NDArray correct(NDArray logits, NDArray labels) {
        NDArray argmax = logits.stopGradient().argMax(-1);
        return argmax.eq(labels.toType(argmax.getDataType(), false)).toType(logits.getDataType(), false);
    }

    /**
     * The mean logit over the vocabulary.
     *
     * @param logits (..., V)
     * @return (...), detached
     */
    public static NDArray vocabMeanLogit(NDArray logits) {
        return logits.stopGradient().mean(new int[] {-1});
    }

    /**
     * WPO's per-token log weight log p(label) − log Σ_v p(v)², in max-subtracted form: with
     * s = z − max z, log p(label) = s_label − lse(s) and log Σ p² = lse(2s) − 2·lse(s), so the
     * term is s_label + lse(s) − lse(2s) (finite for any offset; Σ p² ≥ 1/V never underflows).
     *
     * @param logits (..., V)
     * @param labels (...) token ids
     * @return (...), detached
     */
    public static NDArray wpoPositionTerms(NDArray logits, NDArray labels) {
        NDArray z = logits.stopGradient();
        NDArray shifted = z.sub(z.max(new int[] {-1}, true));
        NDArray lse = shifted.exp().sum(new int[] {-1}).log();
        NDArray lse2 = shifted.add(shifted).exp().sum(new int[] {-1}).log();
        NDArray label = shifted.gather(labels.toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1);
        // (s_label − lse) − (lse2 − 2·lse) = s_label + lse − lse2
        return label.add(lse).sub(lse2);
    }
}
