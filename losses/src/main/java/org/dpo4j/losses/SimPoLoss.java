package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * SimPO, Simple Preference Optimization, of Meng et al. 2024, "SimPO: Simple Preference
 * Optimization with a Reference-Free Reward" (arXiv 2405.14734), Eq. 6, with optional label
 * smoothing as in the SimPO code and TRL's {@code CPOTrainer(loss_type="simpo")}: a
 * reference-free reward, the length-normalised policy log-prob, and a target margin γ.
 *
 * <pre>
 *   r(y)   = (β/|y|)·log π(y|x) = β·mean_t log π(y_t | x, y_&lt;t)
 *   z      = r(y_w) − r(y_l) − γ = β·(mean log π(y_w) − mean log π(y_l) − γ/β)
 *   loss   = −(1 − ε)·log σ(z) − ε·log σ(−z) = (1 − ε)·softplus(−z) + ε·softplus(z)
 *   reward = r(y_w), r(y_l)                                 (detached)
 * </pre>
 *
 * No reference model at all: {@link #requirements()} is {@link LossRequirements#POLICY_ONLY} and
 * the reference fields of the inputs are never read. The SimPO repo parameterises the margin as
 * {@code gamma_beta_ratio} = γ/β; here γ is given directly. Finite for any |z| (softplus).
 *
 * @param beta           β > 0 (SimPO/golden default 2.0)
 * @param gamma          γ, the target reward margin (default 0.5, i.e. γ/β = 0.25)
 * @param labelSmoothing ε in [0, 0.5] (default 0)
 */
public record SimPoLoss(double beta, double gamma, double labelSmoothing) implements PreferenceLoss {

    public SimPoLoss {
        LossTerms.checkBeta(beta);
        LossTerms.checkFinite("gamma", gamma);
        LossTerms.checkLabelSmoothing(labelSmoothing);
    }

    @Override
    public String name() {
        return "simpo";
    }

    @Override
    public LossRequirements requirements() {
        return LossRequirements.POLICY_ONLY;
    }

    @Override
    public LossOutput compute(LossInputs in) {
        NDArray b = Constants.scalar(in.policyChosen().mean(), beta);
        NDArray chosenReward = in.policyChosen().mean().mul(b);
        NDArray rejectedReward = in.policyRejected().mean().mul(b);
        NDArray z = chosenReward.sub(rejectedReward).sub(gamma);
        NDArray pairLosses = LossTerms.smoothedLogistic(z, labelSmoothing);
        return LossTerms.output(pairLosses, chosenReward, rejectedReward);
    }
}
