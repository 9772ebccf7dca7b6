package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

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

    /** KL(π_ref ‖ π) per token: f-DPO's forward KL, f(u) = −log u, in {@link #positionDivergence}. */
    private static final Divergence KL = new ForwardKl();

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
        return fromTokenLogProbs(tokenLogProbs(logits, inputIds), lossMask);
    }

    /**
     * The masked sums of {@link #logProbs} from per-position log-probs that are already taken,
     * e.g. by a caller that ran the head only at the scored positions and put zeros elsewhere.
     *
     * <pre>
     *   sum = Σ_t mask[t+1]·tokenLogProbs[t],  count = Σ_t mask[t+1],  mean = sum / max(count, 1)
     * </pre>
     *
     * @param tokenLogProbs (N, T−1) floating point; entry t is log π(x_{t+1} | x_≤t), any finite
     *                      value where mask[t+1] is 0
     * @param lossMask      (N, T) 0/1, any numeric type; 1 marks a scored token
     * @return sums, means and token counts, each (N) in the log-probs' dtype
     */
    public static SequenceLogProbs fromTokenLogProbs(NDArray tokenLogProbs, NDArray lossMask) {
        long seqLen = lossMask.getShape().get(1);
        NDArray mask = lossMask.get(":, 1:" + seqLen).toType(tokenLogProbs.getDataType(), false);
        NDArray sum = tokenLogProbs.mul(mask).sum(new int[] {1});
        NDArray count = mask.sum(new int[] {1});
        // A row with no scored token has sum 0; dividing by max(count, 1) keeps its mean 0.
        NDArray mean = sum.div(count.maximum(1));
        return new SequenceLogProbs(sum, mean, count);
    }

    /**
     * As {@link #fromTokenLogProbs(NDArray, NDArray)}, each token weighted (LD-DPO's
     * {@link LengthDesensitization#weights}): sum = Σ_t weights[t]·tokenLogProbs[t]; count and mean
     * as there (mean = weighted sum / count).
     *
     * @param tokenLogProbs (N, T−1) per-position log-probs
     * @param lossMask      (N, T) 0/1
     * @param weights       (N, T−1) token weights, 0 where the token is not scored
     * @return weighted sums, their means and the plain token counts, each (N)
     */
    public static SequenceLogProbs fromTokenLogProbs(NDArray tokenLogProbs, NDArray lossMask, NDArray weights) {
        long seqLen = lossMask.getShape().get(1);
        NDArray mask = lossMask.get(":, 1:" + seqLen).toType(tokenLogProbs.getDataType(), false);
        NDArray sum = tokenLogProbs.mul(weights.toType(tokenLogProbs.getDataType(), false)).sum(new int[] {1});
        NDArray count = mask.sum(new int[] {1});
        return new SequenceLogProbs(sum, sum.div(count.maximum(1)), count);
    }

    /**
     * WPO's per-sequence log weight (Zhou et al. 2024, "WPO: Enhancing RLHF with Weighted
     * Preference Optimization", arXiv 2406.11827, Eq. 2, as TRL computes it), from the policy's own
     * distribution and without gradient:
     *
     * <pre>
     *   log w = (1/max(n, 1))·Σ_t mask[t+1]·(log π(x_{t+1}|t) − log Σ_v π(v|t)²)
     *   log Σ_v π(v|t)² = logsumexp_v(2·z_v) − 2·logsumexp_v(z_v)      (both max-subtracted)
     * </pre>
     *
     * @param logits   (N, T, V) policy logits (detached here)
     * @param inputIds (N, T) token ids
     * @param lossMask (N, T) 0/1
     * @return (N) log weights, constants
     */
    public static NDArray wpoLogWeights(NDArray logits, NDArray inputIds, NDArray lossMask) {
        NDArray z = logits.stopGradient();
        long seqLen = z.getShape().get(1);
        NDArray positions = TokenMetrics.wpoPositionTerms(z.get(":, 0:" + (seqLen - 1) + ", :"),
                inputIds.get(":, 1:" + seqLen));
        NDArray mask = lossMask.get(":, 1:" + seqLen).toType(z.getDataType(), false);
        return positions.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1)).stopGradient();
    }

    /**
     * Ra-DPO's sequence risk: per row, Σ_t mask[t+1]·R_t with R_t the reference's tail risk at
     * position t ({@link TailRisk#positionRisk}), same shift and mask alignment as {@link #logProbs};
     * differentiable w.r.t. the policy logits, the reference logits treated as constants.
     *
     * @param policyLogits    (N, T, V)
     * @param referenceLogits (N, T, V)
     * @param inputIds        (N, T) token ids (shape check only)
     * @param lossMask        (N, T) 0/1
     * @param risk            the risk measure
     * @return (N) sequence risks
     */
    public static NDArray tokenRisk(
            NDArray policyLogits, NDArray referenceLogits, NDArray inputIds, NDArray lossMask, TailRisk risk) {
        checkShapes(policyLogits, referenceLogits, inputIds, lossMask);
        long seqLen = policyLogits.getShape().get(1);
        String predicting = ":, 0:" + (seqLen - 1) + ", :";
        NDArray policyLogp = logSoftmax(policyLogits.get(predicting));
        NDArray referenceLogp = logSoftmax(referenceLogits.get(predicting).stopGradient());
        NDArray mask = lossMask.get(":, 1:" + seqLen).toType(policyLogits.getDataType(), false);
        return risk.positionRisk(policyLogp, referenceLogp).mul(mask).sum(new int[] {1});
    }

    /**
     * TDPO's sequential KL: per row, Σ_t mask[t+1]·KL(π_ref(·|t) ‖ π(·|t)) over the scored
     * positions, with the same label shift and mask alignment as {@link #logProbs}:
     *
     * <pre>
     *   KL_t = Σ_v p_ref(v|t)·(log p_ref(v|t) − log p(v|t))     (full vocabulary, t = 0..T−2)
     *   seq  = Σ_t mask[t+1]·KL_t
     * </pre>
     *
     * Differentiable w.r.t. the policy logits (∂KL_t/∂z_t = p(·|t) − p_ref(·|t) at scored positions,
     * exactly 0 at unscored ones and at the last position); the reference logits are treated as
     * constants (detached here). Both log-softmaxes subtract their row max, so per-row offsets of
     * any size are harmless. The token ids are not needed for a KL over the full vocabulary; the
     * parameter keeps the call shaped like {@link #logProbs} (only its shape is checked).
     *
     * @param policyLogits    (N, T, V) floating point
     * @param referenceLogits (N, T, V), same type
     * @param inputIds        (N, T) token ids (shape check only)
     * @param lossMask        (N, T) 0/1, any numeric type; 1 marks a scored token
     * @return (N) sequence KLs in the logits' dtype, ≥ 0 up to rounding
     */
    public static NDArray tokenKl(NDArray policyLogits, NDArray referenceLogits, NDArray inputIds, NDArray lossMask) {
        return tokenDivergence(policyLogits, referenceLogits, inputIds, lossMask, KL);
    }

    /**
     * KL(π_ref(·|t) ‖ π(·|t)) at every position but the last, unmasked (see {@link #tokenKl}).
     *
     * @param policyLogits    (N, T, V)
     * @param referenceLogits (N, T, V), treated as constants
     * @return (N, T−1): entry t is the KL of the distributions that predict token t+1
     */
    public static NDArray positionKl(NDArray policyLogits, NDArray referenceLogits) {
        return positionDivergence(policyLogits, referenceLogits, KL);
    }

    /**
     * An extension beyond the TDPO paper: the per-sequence sum of a token-level f-divergence
     * D_f(π(·|t) ‖ π_ref(·|t)) = Σ_v π_ref(v|t)·f(π(v|t)/π_ref(v|t)) over the scored positions,
     * instead of the KL. With {@link ForwardKl} (f(u) = −log u) this is TDPO's
     * KL(π_ref ‖ π), bit for bit equal to {@link #tokenKl}; other divergences change the token
     * constraint (e.g. {@link ReverseKl}: KL(π ‖ π_ref); {@link JensenShannon}: bounded by log 2
     * per token). Same shift, mask alignment, gradient and detaching rules as {@link #tokenKl}.
     *
     * @param policyLogits    (N, T, V) floating point
     * @param referenceLogits (N, T, V), same type, treated as constants
     * @param inputIds        (N, T) token ids (shape check only)
     * @param lossMask        (N, T) 0/1; 1 marks a scored token
     * @param divergence      the token-level divergence ({@link Divergence#pointwise})
     * @return (N) per-sequence sums in the logits' dtype
     */
    public static NDArray tokenDivergence(
            NDArray policyLogits, NDArray referenceLogits, NDArray inputIds, NDArray lossMask, Divergence divergence) {
        checkShapes(policyLogits, referenceLogits, inputIds, lossMask);
        long seqLen = policyLogits.getShape().get(1);
        NDArray mask = lossMask.get(":, 1:" + seqLen).toType(policyLogits.getDataType(), false);
        return positionDivergence(policyLogits, referenceLogits, divergence).mul(mask).sum(new int[] {1});
    }

    /**
     * D_f(π(·|t) ‖ π_ref(·|t)) at every position but the last, unmasked (see {@link #tokenDivergence}).
     *
     * @param policyLogits    (N, T, V)
     * @param referenceLogits (N, T, V), treated as constants
     * @param divergence      the token-level divergence
     * @return (N, T−1)
     */
    public static NDArray positionDivergence(NDArray policyLogits, NDArray referenceLogits, Divergence divergence) {
        long seqLen = policyLogits.getShape().get(1);
        String predicting = ":, 0:" + (seqLen - 1) + ", :";
        NDArray policyLogp = logSoftmax(policyLogits.get(predicting));
        NDArray referenceLogp = logSoftmax(referenceLogits.get(predicting).stopGradient());
        return distributionDivergence(policyLogp, referenceLogp, divergence);
    }

    /**
     * D_f(π ‖ π_ref) = Σ_v π_ref(v)·f(π(v)/π_ref(v)) of distributions given as log-probabilities
     * over the last axis: the per-position term of {@link #positionDivergence}, for callers that
     * normalised the logits themselves (e.g. only at the scored positions). The reference side
     * is treated as a constant (detached here).
     *
     * @param policyLogProbs    (..., V) log π, normalised over the last axis
     * @param referenceLogProbs (..., V) log π_ref, same shape
     * @param divergence        the token-level divergence ({@link Divergence#pointwise})
     * @return (...), the last axis summed away
     */
    public static NDArray distributionDivergence(
            NDArray policyLogProbs, NDArray referenceLogProbs, Divergence divergence) {
        return divergence.pointwise(policyLogProbs, referenceLogProbs.stopGradient()).sum(new int[] {-1});
    }

    private static void checkShapes(NDArray policyLogits, NDArray referenceLogits, NDArray inputIds, NDArray lossMask) {
        Shape shape = policyLogits.getShape();
        if (!referenceLogits.getShape().equals(shape)) {
            throw new IllegalArgumentException(
                    "policy logits " + shape + " and reference logits " + referenceLogits.getShape() + " differ");
        }
        Shape rows = new Shape(shape.get(0), shape.get(1));
        if (!inputIds.getShape().equals(rows) || !lossMask.getShape().equals(rows)) {
            throw new IllegalArgumentException("input ids " + inputIds.getShape() + " and loss mask "
                    + lossMask.getShape() + " must be " + rows + " for logits " + shape);
        }
    }

    /** log_softmax over the last axis, row max subtracted (and detached: it cancels exactly). */
    static NDArray logSoftmax(NDArray z) {
        NDArray shifted = z.sub(z.max(new int[] {-1}, true).stopGradient());
        return shifted.sub(shifted.exp().sum(new int[] {-1}, true).log());
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
