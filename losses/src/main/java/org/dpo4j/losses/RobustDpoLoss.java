package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Robust DPO (rDPO) of Chowdhury et al. 2024, "Provably Robust DPO: Aligning Language Models
 * with Noisy Feedback" (arXiv 2403.00409): the unbiased estimate of the clean-label DPO loss
 * when each preference label is flipped with a known probability ε (TRL
 * {@code loss_type="robust"}).
 *
 * <pre>
 *   h      = (log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x))
 *   loss   = [(1 − ε)·(−log σ(β·h)) − ε·(−log σ(−β·h))] / (1 − 2ε)
 *          = [(1 − ε)·softplus(−β·h) − ε·softplus(β·h)] / (1 − 2ε)
 *   reward = β·(log π(y|x) − log π_ref(y|x))          (detached)
 * </pre>
 *
 * Unlike cDPO the ε-term is subtracted, so the loss is unbounded below (≈ −ε·β·h/(1 − 2ε) for
 * large β·h); both softplus terms are finite for any |β·h|. Log-probs are summed.
 *
 * @param beta           β > 0 (TRL default 0.1)
 * @param labelSmoothing ε in [0, 0.5), the label-flip probability (golden default 0.1; TRL's
 *                       {@code label_smoothing} default is 0, which makes this plain DPO)
 */
public record RobustDpoLoss(double beta, double labelSmoothing) implements PreferenceLoss {

    public RobustDpoLoss {
        LossTerms.checkBeta(beta);
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException(
                    "label_smoothing of robust must be in [0, 0.5) (it divides by 1 - 2*eps), got " + labelSmoothing);
        }
    }

    @Override
    public String name() {
        return "robust";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        NDArray z = r.scaledMargin();
        NDArray pairLosses = Constants.times(StableMath.softplus(z.neg()), 1 - labelSmoothing)
                .sub(Constants.times(StableMath.softplus(z), labelSmoothing))
                .div(Constants.scalar(z, 1 - 2 * labelSmoothing));
        return r.output(pairLosses);
    }
}
