package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * DiscoPOP, the log-ratio modulated loss (LRML) discovered by Lu et al. 2024, "Discovering
 * Preference Optimization Algorithms with and for Large Language Models" (arXiv 2406.08414): a
 * blend of the logistic (DPO) and exponential losses, weighted by a sigmoid of the scaled margin
 * (TRL {@code loss_type="discopop"}, τ = {@code discopop_tau}).
 *
 * <pre>
 *   z      = β·h,   h = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))   (sums)
 *   m      = σ(z/τ)
 *   loss   = (1 − m)·(−log σ(z)) + m·e^{−z}
 *          = σ(−z/τ)·softplus(−z) + exp(log σ(z/τ) − z)
 *   reward = β·(log π(y|x) − log π_ref(y|x))          (detached)
 * </pre>
 *
 * <b>Stability.</b> e^{−z} alone overflows for z ≪ 0 (and m·e^{−z} is then 0·∞ = NaN), so the
 * product is taken in log space: m·e^{−z} = exp(log σ(z/τ) − z). For τ ≤ 1 that exponent is ≤ 0
 * for every z (z ≥ 0: log σ ≤ 0 and −z ≤ 0; z &lt; 0: log σ(z/τ) ≤ z/τ ≤ z), so nothing can
 * overflow. <b>Clamp:</b> only for τ > 1 does the exponent grow without bound as z → −∞ (the loss
 * itself tends to +∞ there); it is clamped to at most {@value #MAX_EXPONENT} (e^50 ≈ 5.2e21, finite
 * in float32), which leaves the loss finite and gives that term zero gradient where the clamp is
 * active. The clamp never acts for τ ≤ 1, which includes the default 0.05.
 *
 * @param beta β > 0 (TRL default 0.1)
 * @param tau  τ > 0, the temperature of the modulation (paper and TRL default 0.05)
 */
public record DiscoPopLoss(double beta, double tau) implements PreferenceLoss {

    /** The largest exponent of the exponential term (acts only when τ > 1; see the class doc). */
    public static final double MAX_EXPONENT = 50;

    public DiscoPopLoss {
        LossTerms.checkBeta(beta);
        LossTerms.checkPositive("tau", tau);
    }

    @Override
    public String name() {
        return "discopop";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        NDArray z = r.scaledMargin();
        NDArray scaled = z.div(Constants.scalar(z, tau));
        NDArray logistic = LossTerms.sigmoid(scaled.neg()).mul(StableMath.softplus(z.neg()));
        NDArray exponent = StableMath.logSigmoid(scaled).sub(z);
        if (tau > 1) {
            exponent = exponent.minimum(Constants.scalar(exponent, MAX_EXPONENT));
        }
        return r.output(logistic.add(exponent.exp()));
    }
}
