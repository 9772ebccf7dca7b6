package org.dpo4j.losses;

/**
 * APO-zero, Anchored Preference Optimization, of D'Oosterlinck et al. 2024, "Anchored
 * Preference Optimization and Contrastive Revisions" (arXiv 2408.06266): for data whose chosen
 * answers are better than the model's own, push the chosen likelihood up and the rejected one
 * down, each anchored at the reference (TRL {@code loss_type="apo_zero"}).
 *
 * <pre>
 *   a      = β·(log π(y_w|x) − log π_ref(y_w|x)),   c = β·(log π(y_l|x) − log π_ref(y_l|x))   (sums)
 *   loss   = (1 − σ(a)) + σ(c) = σ(−a) + σ(c)
 *   reward = a (chosen), c (rejected)                   (detached)
 * </pre>
 *
 * 1 − σ(a) is computed as σ(−a), which keeps its digits when σ(a) rounds to 1. Bounded in [0, 2].
 *
 * @param beta β > 0 (TRL default 0.1)
 */
public record ApoZeroLoss(double beta) implements PreferenceLoss {

    public ApoZeroLoss {
        LossTerms.checkBeta(beta);
    }

    @Override
    public String name() {
        return "apo_zero";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        return r.output(LossTerms.sigmoid(r.chosenReward().neg()).add(LossTerms.sigmoid(r.rejectedReward())));
    }
}
