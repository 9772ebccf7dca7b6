package org.dpo4j.losses;

/**
 * The hinge (SLiC) loss: the calibration loss of Zhao et al. 2023, "SLiC-HF: Sequence Likelihood
 * Calibration with Human Feedback" (arXiv 2305.10425), on the DPO log-ratio margin with margin
 * δ = 1/β (TRL {@code loss_type="hinge"}).
 *
 * <pre>
 *   h      = (log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x))   (sums)
 *   loss   = max(0, 1 − β·h)
 *   reward = β·(log π(y|x) − log π_ref(y|x))          (detached)
 * </pre>
 *
 * The gradient is −β (w.r.t. h) where β·h &lt; 1 and 0 where β·h ≥ 1 (0 at the kink itself).
 *
 * @param beta β > 0 (TRL default 0.1)
 */
public record HingeLoss(double beta) implements PreferenceLoss {

    public HingeLoss {
        LossTerms.checkBeta(beta);
    }

    @Override
    public String name() {
        return "hinge";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        return r.output(LossTerms.relu(r.scaledMargin().neg().add(1)));
    }
}
