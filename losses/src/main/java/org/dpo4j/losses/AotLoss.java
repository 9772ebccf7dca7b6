package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * AOT, Alignment via Optimal Transport, of Melnyk et al. 2024, "Distributional Preference
 * Alignment of LLMs via Optimal Transport" (arXiv 2406.05882): first-order stochastic dominance
 * of the chosen over the rejected reward distribution, enforced by the one-dimensional optimal
 * transport plan between the batch's two empirical distributions, i.e. by matching their sorted
 * values (TRL {@code loss_type="aot"} and {@code "aot_pair"}).
 *
 * <pre>
 *   paired = false (config {@code aot}; TRL {@code "aot"}):
 *     d      = sort↑(pc − pr) − sort↑(rc − rr)      (policy and reference margins sorted separately)
 *   paired = true  (config {@code aot_pair}; TRL ≤ 0.28 {@code "aot_pair"}, renamed
 *                   {@code "aot_unpaired"} in TRL ≥ 0.29):
 *     d      = sort↑(sc) − sort↑(sr),   sc = pc − rc, sr = pr − rr   (log-ratios sorted separately)
 *   loss_i = (1 − ε)·softplus(−β·d_i) + ε·softplus(β·d_i)      for i = 1..B (sorted order)
 *   reward = β·sc, β·sr                                       (detached, per original pair)
 * </pre>
 *
 * All log-probs are sums. The per-pair losses are indexed by rank (the i-th smallest values),
 * not by the original pair: {@code pairLosses[i]} belongs to no single pair, so averaging it is
 * the only meaningful reduction; the rewards keep the original order. Sorting is differentiable
 * almost everywhere (its gradient routes each d_i back to the pair at that rank); at exact ties
 * the gradient is one of the valid subgradients. Finite for any |β·d| (softplus).
 *
 * @param beta           β > 0 (TRL default 0.1)
 * @param labelSmoothing ε in [0, 0.5] (TRL default 0)
 * @param paired         false: {@code aot}; true: {@code aot_pair} (see above)
 */
public record AotLoss(double beta, double labelSmoothing, boolean paired) implements PreferenceLoss {

    public AotLoss {
        LossTerms.checkBeta(beta);
        LossTerms.checkLabelSmoothing(labelSmoothing);
    }

    @Override
    public String name() {
        return paired ? "aot_pair" : "aot";
    }

    /** The per-pair terms are by rank (the i-th smallest values), not by pair. */
    @Override
    public boolean pairLossesBelongToPairs() {
        return false;
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        NDArray sortedDelta;
        if (paired) {
            sortedDelta = r.chosen().sort(0).sub(r.rejected().sort(0));
        } else {
            NDArray policyMargin = in.policyChosen().sum().sub(in.policyRejected().sum());
            NDArray referenceMargin = in.referenceChosen().sum().sub(in.referenceRejected().sum());
            sortedDelta = policyMargin.sort(0).sub(referenceMargin.sort(0));
        }
        return r.output(LossTerms.smoothedLogistic(sortedDelta.mul(r.beta()), labelSmoothing));
    }
}
