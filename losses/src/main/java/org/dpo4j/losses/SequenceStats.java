package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Turns a causal language model's logits into per-sequence log-probabilities of the scored
 * tokens.
 *
 * <p>Label shift: logits at position t predict token t+1. With labels = inputIds[:, 1:],
 * mask = lossMask[:, 1:] and z = logits[:, :−1, :],
 *
 * <pre>
 *   log π(label_t) = z[t, label_t] − logsumexp_v z[t, v]        (max-subtracted)
 *   sum   = Σ_t mask_t · log π(label_t)
 *   count = Σ_t mask_t
 *   mean  = sum / count
 * </pre>
 *
 * The loss mask is aligned with the tokens: a token is scored iff its own mask entry is 1, so
 * prompt tokens and padding contribute nothing and their logits receive zero gradient.
 */
public final class SequenceStats {

    private SequenceStats() {}

    /**
     * Sequence log-probs of every row.
     *
     * @param logits   (N, T, V) floating point, any offset per row (the row max is subtracted)
     * @param inputIds (N, T) integer token ids
     * @param lossMask (N, T) 0/1, any numeric type; 1 marks a scored token
     * @return sums, means and token counts, each (N) in the logits' dtype
     */
    public static SequenceLogProbs logProbs(NDArray logits, NDArray inputIds, NDArray lossMask) {
        NDArray tokenLogps = tokenLogProbs(logits, inputIds);
        long seqLen = logits.getShape().get(1);
        NDArray mask = lossMask.get(":, 1:" + seqLen).toType(logits.getDataType(), false);
        NDArray sum = tokenLogps.mul(mask).sum(new int[] {1});
        NDArray count = mask.sum(new int[] {1});
        // A row with no scored token has sum 0; dividing by max(count, 1) keeps its mean 0.
        NDArray mean = sum.div(count.maximum(1));
        return new SequenceLogProbs(sum, mean, count);
    }

    /**
     * log π(x_{t+1} | x_≤t) for every position but the last.
     *
     * @param logits   (N, T, V)
     * @param inputIds (N, T) integer token ids
     * @return (N, T−1) log-probabilities of the next tokens
     */
    public static NDArray tokenLogProbs(NDArray logits, NDArray inputIds) {
        long seqLen = logits.getShape().get(1);
        NDArray predicting = logits.get(":, 0:" + (seqLen - 1) + ", :");
        NDArray labels = inputIds.get(":, 1:" + seqLen).toType(DataType.INT64, false);
        NDArray rowMax = predicting.max(new int[] {-1}, true).stopGradient();
        NDArray shifted = predicting.sub(rowMax);
        NDArray logNormalizer = shifted.exp().sum(new int[] {-1}).log();
        NDArray labelLogits = shifted.gather(labels.expandDims(-1), -1).squeeze(-1);
        return labelLogits.sub(logNormalizer);
    }
}
