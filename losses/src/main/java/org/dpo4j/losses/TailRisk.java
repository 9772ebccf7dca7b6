package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * Ra-DPO's per-token risk of the reference distribution (Zhang et al. 2025, "Risk-aware Direct
 * Preference Optimization under Nested Risk Measure", arXiv 2505.20359), as the official code
 * computes it ({@code calculate_cvar}, zlj123-max/Ra-DPO, train/trainers.py): at each scored
 * position, over the vocabulary,
 *
 * <pre>
 *   d_v  = log π_ref(v) − log π(v)
 *   VaR  = quantile of the d_v at level q = 1 − confidence_level   (linear interpolation: sorted d,
 *          rank q·(n − 1), as torch.quantile; no gradient)
 *   R_t  = Σ_v π_ref(v)·d_v·[d_v > VaR]                             (the mask carries no gradient)
 * </pre>
 *
 * i.e. the part of KL(π_ref ‖ π) that comes from the tokens in the upper tail of the log-ratio (a
 * CVaR-style risk). With {@code splitVocabulary} (the official {@code is_split_risk_ratio}) the
 * vocabulary is split into ids v &lt; V/2 and v ≥ V/2 (V/2 rounded down), each with its own VaR, and
 * R_t sums both groups' masked terms. The gradient reaches the policy through d_v only.
 *
 * @param confidenceLevel the confidence level in (0, 1) (official default 0.95: the top 5% of d)
 * @param splitVocabulary whether the two halves of the vocabulary get separate VaRs
 */
public record TailRisk(double confidenceLevel, boolean splitVocabulary) {

    public TailRisk {
        if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
            throw new IllegalArgumentException("confidence_level must be in (0, 1), got " + confidenceLevel);
        }
    }

    /**
     * R_t of distributions given as log-probabilities over the last axis.
     *
     * @param policyLogProbs    (..., V) log π (with gradient)
     * @param referenceLogProbs (..., V) log π_ref (treated as a constant)
     * @return (...), the vocabulary summed away
     */
    public NDArray positionRisk(NDArray policyLogProbs, NDArray referenceLogProbs) {
        NDArray reference = referenceLogProbs.stopGradient();
        NDArray d = reference.sub(policyLogProbs);
        NDArray mask = tailMask(d.stopGradient());
        return reference.exp().mul(d).mul(mask).sum(new int[] {-1});
    }

    /** [d_v > VaR] per vocabulary group, as 0/1 in d's dtype, (..., V). */
    private NDArray tailMask(NDArray d) {
        long vocab = d.getShape().get(d.getShape().dimension() - 1);
        if (!splitVocabulary) {
            return groupMask(d);
        }
        long half = vocab / 2;
        List<NDArray> parts = new ArrayList<>();
        parts.add(groupMask(d.get("..., 0:" + half)));
        parts.add(groupMask(d.get("..., " + half + ":" + vocab)));
        return parts.get(0).concat(parts.get(1), -1);
    }

    private NDArray groupMask(NDArray d) {
        NDArray valueAtRisk = quantile(d, 1 - confidenceLevel);
        return d.gt(valueAtRisk.expandDims(-1)).toType(d.getDataType(), false);
    }

    /**
     * torch.quantile(x, q, dim = −1, interpolation = "linear"): the sorted values' rank q·(n − 1),
     * interpolated between its neighbours with torch.lerp's two-sided formula.
     */
    static NDArray quantile(NDArray x, double q) {
        long n = x.getShape().get(x.getShape().dimension() - 1);
        NDArray sorted = x.sort(-1);
        double rank = q * (n - 1);
        long below = (long) Math.floor(rank);
        long above = Math.min(below + 1, n - 1);
        double weight = rank - below;
        NDArray low = sorted.get("..., " + below);
        NDArray high = sorted.get("..., " + above);
        NDArray gap = high.sub(low);
        return weight < 0.5
                ? low.add(Constants.times(gap, weight))
                : high.sub(Constants.times(gap, 1 - weight));
    }

    @Override
    public String toString() {
        return "tail risk at confidence " + confidenceLevel + (splitVocabulary ? " (split vocabulary)" : "");
    }
}
