package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * LD-DPO's token weights (Liu et al. 2024, "Length Desensitization in Direct Preference
 * Optimization", arXiv 2409.06411), in TRL's current form ({@code ld_alpha}): of each pair's two
 * completions, the first l_p = min(n_c, n_r) scored tokens count fully and the rest with weight α, so
 * that the longer completion's excess length is damped.
 *
 * <pre>
 *   k    = 1-based position of a scored token within its completion (cumulative sum of the mask)
 *   w_k  = 1 if k ≤ l_p else α,   l_p = min(n_chosen, n_rejected)
 *   logp = Σ_k w_k·log π(y_k | x, y_&lt;k)                  (policy; reference too when weighted)
 * </pre>
 *
 * With α = 1 the sums are the plain ones. TRL weights the reference log-probs the same way
 * ({@code weightReference = true}, the default); {@code false} keeps plain reference sums (the
 * policy-only form). An NLL term (RPO, {@code sft}) reads the plain sums.
 *
 * @param alpha           α in [0, 1], the weight of the tokens past the shorter completion's length
 * @param weightReference whether the reference log-probs are weighted too (TRL: yes)
 */
public record LengthDesensitization(double alpha, boolean weightReference) {

    public LengthDesensitization {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("ld_alpha must be in [0, 1], got " + alpha);
        }
    }

    /** TRL's form: policy and reference weighted. */
    public LengthDesensitization(double alpha) {
        this(alpha, true);
    }

    /**
     * The weights of both completions of each pair.
     *
     * @param chosenMask   (B, T) 0/1 loss mask of the chosen rows (token t scored iff mask[t] = 1)
     * @param rejectedMask (B, T) 0/1 loss mask of the rejected rows
     * @param like         an array of the weights' dtype
     * @return the chosen and rejected weights, each (B, T−1) aligned with the per-position log-probs
     *     (entry t weighs token t+1; 0 where the token is not scored)
     */
    public Weights weights(NDArray chosenMask, NDArray rejectedMask, NDArray like) {
        NDArray chosen = shifted(chosenMask, like);
        NDArray rejected = shifted(rejectedMask, like);
        NDArray shared = chosen.sum(new int[] {1}, true).minimum(rejected.sum(new int[] {1}, true));
        return new Weights(tokenWeights(chosen, shared), tokenWeights(rejected, shared));
    }

    /** The weights of one side: mask·(1 if k ≤ l_p else α), k = cumulative count of scored tokens. */
    private NDArray tokenWeights(NDArray mask, NDArray shared) {
        NDArray inShared = mask.cumSum(1).lte(shared).toType(mask.getDataType(), false);
        // α + (1 − α)·[k ≤ l_p], times the mask
        NDArray perToken = inShared.mul(Constants.scalar(mask, 1 - alpha)).add(Constants.scalar(mask, alpha));
        return perToken.mul(mask);
    }

    private static NDArray shifted(NDArray lossMask, NDArray like) {
        long seqLen = lossMask.getShape().get(1);
        return lossMask.get(":, 1:" + seqLen).toType(like.getDataType(), false);
    }

    /**
     * Token weights of a batch's chosen and rejected rows.
     *
     * @param chosen   (B, T−1)
     * @param rejected (B, T−1)
     */
    public record Weights(NDArray chosen, NDArray rejected) {}
}
