package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * EXO (pairwise form) of Ji et al. 2024, "Towards Efficient Exact Optimization of Language Model
 * Alignment" (arXiv 2402.00856): the reverse KL divergence KL(p_θ ‖ p_data) between the model's
 * two-way preference distribution p_θ = (σ(z), σ(−z)) and the ε-smoothed label distribution
 * (1 − ε, ε) (TRL {@code loss_type="exo_pair"}, ε = {@code label_smoothing}).
 *
 * <pre>
 *   z      = β·h,   h = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))   (sums)
 *   loss   = σ(z)·(log σ(z) − log(1 − ε)) + σ(−z)·(log σ(−z) − log ε)
 *   reward = β·(log π(y|x) − log π_ref(y|x))          (detached)
 * </pre>
 *
 * Stable for any |z|: σ(−z) is evaluated directly (never 1 − σ(z)) and log σ(±z) = −softplus(∓z);
 * in each tail the vanishing σ multiplies a finite log σ (e.g. z = −1000: σ(z)·log σ(z) = 0·(−1000)).
 *
 * @param beta           β > 0 (TRL default 0.1)
 * @param labelSmoothing ε in (0, 1), the smoothing of the target distribution (EXO/TRL default 1e−3;
 *                       it must be > 0 because the loss contains log ε)
 */
public record ExoPairLoss(double beta, double labelSmoothing) implements PreferenceLoss {

    public ExoPairLoss {
        LossTerms.checkBeta(beta);
        if (!(labelSmoothing > 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException(
                    "label_smoothing of exo_pair must be in (0, 1) (the loss takes log eps), got " + labelSmoothing);
        }
    }

    @Override
    public String name() {
        return "exo_pair";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        NDArray z = r.scaledMargin();
        NDArray negZ = z.neg();
        NDArray towardChosen = LossTerms.sigmoid(z)
                .mul(StableMath.logSigmoid(z).sub(Math.log1p(-labelSmoothing)));
        NDArray towardRejected = LossTerms.sigmoid(negZ)
                .mul(StableMath.logSigmoid(negZ).sub(Math.log(labelSmoothing)));
        return r.output(towardChosen.add(towardRejected));
    }
}
