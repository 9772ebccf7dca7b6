package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Reference-free DPO: the DPO loss (Rafailov et al. 2023, arXiv 2305.18290, Eq. 7) with the
 * reference log-ratio replaced by 0, i.e. a uniform reference (the DPO reference code's
 * {@code preference_loss(..., reference_free=True)}).
 *
 * <pre>
 *   h      = log π(y_w|x) − log π(y_l|x)                 (summed log-probs)
 *   loss   = −log σ(β·h) = softplus(−β·h)
 *   reward = β·(log π(y|x) − log π_ref(y|x))            (detached; still uses the reference)
 * </pre>
 *
 * The loss and its gradient ignore the reference, but the reported rewards are the usual DPO
 * implicit rewards, as in the original code, so the trainer still runs a reference pass:
 * {@link #requirements()} is {@link LossRequirements#POLICY_AND_REFERENCE}. (SimPO and CPO are
 * the reference-free losses that need no reference at all.)
 *
 * @param beta β > 0 (default 0.1)
 */
public record ReferenceFreeDpoLoss(double beta) implements PreferenceLoss {

    public ReferenceFreeDpoLoss {
        LossTerms.checkBeta(beta);
    }

    @Override
    public String name() {
        return "dpo_reference_free";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        // The loss ignores the reference; the rewards still use it, as in the original DPO code.
        LogRatios r = LogRatios.of(in, beta);
        NDArray margin = in.policyChosen().sum().sub(in.policyRejected().sum());
        return r.output(StableMath.softplus(margin.mul(r.beta()).neg()));
    }
}
