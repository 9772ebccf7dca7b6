package org.dpo4j.losses;

/**
 * APO-down, Anchored Preference Optimization, of D'Oosterlinck et al. 2024, "Anchored
 * Preference Optimization and Contrastive Revisions" (arXiv 2408.06266): for data whose chosen
 * answers are worse than the model's own, push the chosen likelihood down while still pushing
 * the rejected one down further (TRL {@code loss_type="apo_down"}).
 *
 * <pre>
 *   a      = β·(log π(y_w|x) − log π_ref(y_w|x)),   c = β·(log π(y_l|x) − log π_ref(y_l|x))   (sums)
 *   loss   = σ(a) + (1 − σ(a − c)) = σ(a) + σ(−(a − c))
 *   reward = a (chosen), c (rejected)                   (detached)
 * </pre>
 *
 * 1 − σ(x) is computed as σ(−x). Bounded in [0, 2].
 *
 * @param beta β > 0 (TRL default 0.1)
 */
public record ApoDownLoss(double beta) implements PreferenceLoss {

    public ApoDownLoss {
        LossTerms.checkBeta(beta);
    }

    @Override
    public String name() {
        return "apo_down";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        return r.output(LossTerms.sigmoid(r.chosenReward()).add(LossTerms.sigmoid(r.scaledMargin().neg())));
    }
}
