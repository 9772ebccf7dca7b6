package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * CPO, Contrastive Preference Optimization, of Xu et al. 2024, "Contrastive Preference
 * Optimization: Pushing the Boundaries of LLM Performance in Machine Translation" (arXiv
 * 2401.08417): a reference-free DPO term (the reference replaced by a uniform prior) plus a
 * behaviour-cloning NLL term on the chosen completions, L = L_prefer + α·L_NLL (TRL
 * {@code CPOTrainer(loss_type="sigmoid")}, α = {@code cpo_alpha}).
 *
 * <pre>
 *   z        = β·(log π(y_w|x) − log π(y_l|x))               (summed log-probs)
 *   loss_b   = (1 − ε)·softplus(−z_b) + ε·softplus(z_b)
 *   NLL      = −Σ_b log π(y_w,b|x_b) / Σ_b |y_w,b|           (token-mean NLL of the chosen
 *                                                           completions over the whole batch)
 *   scalar   = mean_b loss_b + α·NLL                         (what is back-propagated)
 *   reward   = β·log π(y|x)                                  (detached)
 * </pre>
 *
 * {@code pairLosses} holds loss_b only; the NLL term is in {@link LossOutput#loss()} and is also
 * reported as the extra metric {@code nll_loss} (the batch value repeated for each pair, so its
 * mean is the value). No reference model: {@link #requirements()} is
 * {@link LossRequirements#POLICY_ONLY}. Finite for any |z| (softplus); a batch with no chosen
 * token would divide by max(Σ|y_w|, 1) and give NLL = 0.
 *
 * @param beta           β > 0 (TRL default 0.1)
 * @param labelSmoothing ε in [0, 0.5] (TRL default 0)
 * @param alpha          α ≥ 0, the weight of the NLL term (TRL {@code cpo_alpha} default 1.0)
 */
public record CpoLoss(double beta, double labelSmoothing, double alpha) implements PreferenceLoss {

    public CpoLoss {
        LossTerms.checkBeta(beta);
        LossTerms.checkLabelSmoothing(labelSmoothing);
        LossTerms.checkNonNegative("alpha", alpha);
    }

    @Override
    public String name() {
        return "cpo";
    }

    @Override
    public LossRequirements requirements() {
        return LossRequirements.POLICY_ONLY;
    }

    @Override
    public LossOutput compute(LossInputs in) {
        NDArray b = Constants.scalar(in.policyChosen().sum(), beta);
        NDArray chosenReward = in.policyChosen().sum().mul(b);
        NDArray rejectedReward = in.policyRejected().sum().mul(b);
        NDArray pairLosses = LossTerms.smoothedLogistic(chosenReward.sub(rejectedReward), labelSmoothing);
        NDArray nll = chosenNll(in);
        NDArray scalar = pairLosses.mean().add(nll.mul(Constants.scalar(nll, alpha)));
        NDArray nllPerPair = nll.stopGradient().broadcast(pairLosses.getShape());
        return new LossOutput(
                scalar, pairLosses, chosenReward.stopGradient(), rejectedReward.stopGradient(),
                Map.of("nll_loss", nllPerPair));
    }

    /**
     * NLL = −Σ_b log π(y_w,b) / max(Σ_b |y_w,b|, 1), shape (). The token count carries no gradient,
     * so its {@code maximum(1)} saves nothing for backward; the divisor is an engine-owned result.
     */
    static NDArray chosenNll(LossInputs in) {
        NDArray tokens = in.policyChosen().tokenCount().sum().stopGradient().maximum(1);
        return in.policyChosen().sum().sum().neg().div(tokens);
    }
}
