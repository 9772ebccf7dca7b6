package org.dpo4j.losses;

/**
 * DPO, the sigmoid loss of Rafailov et al. 2023, "Direct Preference Optimization" (arXiv
 * 2305.18290), Eq. 7, with optional label smoothing: conservative DPO (cDPO, Mitchell 2023, "A
 * note on DPO with noisy preferences and relationship to IPO").
 *
 * <pre>
 *   h      = (log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x))
 *   loss   = −(1 − ε)·log σ(β·h) − ε·log σ(−β·h) = (1 − ε)·softplus(−β·h) + ε·softplus(β·h)
 *   reward = β·(log π(y|x) − log π_ref(y|x))          (detached), for y = y_w and y = y_l
 * </pre>
 *
 * ε = 0 is plain DPO (Eq. 7); ε > 0 is cDPO, the expected DPO loss when each preference label
 * is flipped with probability ε (the DPO reference code's {@code label_smoothing}, TRL's
 * {@code loss_type="sigmoid"} with {@code label_smoothing}). Log-probs are summed over the
 * completion tokens. Computed as softplus, the loss is finite for any |β·h|.
 *
 * @param beta           β > 0, the inverse temperature of the implicit reward (TRL default 0.1)
 * @param labelSmoothing ε in [0, 0.5], the assumed label-flip probability (default 0: plain DPO)
 */
public record DpoSigmoidLoss(double beta, double labelSmoothing) implements PreferenceLoss {

    public DpoSigmoidLoss {
        LossTerms.checkBeta(beta);
        LossTerms.checkLabelSmoothing(labelSmoothing);
    }

    /** Plain DPO (ε = 0). */
    public DpoSigmoidLoss(double beta) {
        this(beta, 0);
    }

    @Override
    public String name() {
        return "dpo";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        return r.output(LossTerms.smoothedLogistic(r.scaledMargin(), labelSmoothing));
    }
}
