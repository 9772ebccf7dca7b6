package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * DPO, the sigmoid loss of Rafailov et al. 2023, "Direct Preference Optimization", Eq. 7.
 *
 * <pre>
 *   h      = (log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x))
 *   loss   = −log σ(β·h) = softplus(−β·h)
 *   reward = β·(log π(y|x) − log π_ref(y|x))          (detached), for y = y_w and y = y_l
 * </pre>
 *
 * Log-probs are summed over the completion tokens, as in the paper's code and TRL's
 * {@code loss_type="sigmoid"}. Computed as softplus, the loss is finite for any |β·h|.
 *
 * @param beta β > 0, the inverse temperature of the implicit reward (TRL default 0.1)
 */
public record DpoSigmoidLoss(double beta) implements PreferenceLoss {

    public DpoSigmoidLoss {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number > 0, got " + beta);
        }
    }

    @Override
    public String name() {
        return "dpo";
    }

    @Override
    public LossRequirements requirements() {
        return LossRequirements.POLICY_AND_REFERENCE;
    }

    @Override
    public LossOutput compute(LossInputs in) {
        NDArray chosenLogRatio = in.policyChosen().sum().sub(in.referenceChosen().sum());
        NDArray rejectedLogRatio = in.policyRejected().sum().sub(in.referenceRejected().sum());
        NDArray margin = chosenLogRatio.sub(rejectedLogRatio);
        NDArray pairLosses = StableMath.softplus(margin.mul(-beta));
        return new LossOutput(
                pairLosses.mean(),
                pairLosses,
                chosenLogRatio.mul(beta).stopGradient(),
                rejectedLogRatio.mul(beta).stopGradient(),
                Map.of());
    }
}
