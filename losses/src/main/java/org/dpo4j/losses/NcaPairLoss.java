package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * NCA (pairwise preference form) of Chen et al. 2024, "Noise Contrastive Alignment of Language
 * Models with Explicit Rewards" (arXiv 2402.05369): each completion's implicit reward is
 * classified against the noise (reference) distribution separately, instead of only their
 * difference (TRL {@code loss_type="nca_pair"}).
 *
 * <pre>
 *   a      = β·(log π(y_w|x) − log π_ref(y_w|x)),   c = β·(log π(y_l|x) − log π_ref(y_l|x))   (sums)
 *   loss   = −log σ(a) − ½·log σ(−a) − ½·log σ(−c)
 *          = softplus(−a) + ½·softplus(a) + ½·softplus(c)
 *   reward = a (chosen), c (rejected)                   (detached)
 * </pre>
 *
 * Finite for any |a|, |c| (softplus).
 *
 * @param beta β > 0 (TRL default 0.1)
 */
public record NcaPairLoss(double beta) implements PreferenceLoss {

    public NcaPairLoss {
        LossTerms.checkBeta(beta);
    }

    @Override
    public String name() {
        return "nca_pair";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        NDArray a = r.chosenReward();
        NDArray c = r.rejectedReward();
        NDArray pairLosses = StableMath.softplus(a.neg())
                .add(Constants.times(StableMath.softplus(a).add(StableMath.softplus(c)), 0.5));
        return r.output(pairLosses);
    }
}
