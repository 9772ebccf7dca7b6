package org.dpo4j.losses;

/**
 * Length-normalised DPO: the DPO sigmoid loss (Rafailov et al. 2023, arXiv 2305.18290, Eq. 7)
 * on per-token mean log-ratios instead of sums (TRL {@code loss_type="sigmoid_norm"}, TRL HEAD).
 *
 * <pre>
 *   h_n    = (mean_t log π(y_w) − mean_t log π_ref(y_w)) − (mean_t log π(y_l) − mean_t log π_ref(y_l))
 *   loss   = −log σ(β·h_n) = softplus(−β·h_n)
 *   reward = β·(Σ log π(y|x) − Σ log π_ref(y|x))       (summed, detached)
 * </pre>
 *
 * Finite for any |β·h_n| (softplus).
 *
 * @param beta β > 0 (TRL default 0.1)
 */
public record SigmoidNormLoss(double beta) implements PreferenceLoss {

    public SigmoidNormLoss {
        LossTerms.checkBeta(beta);
    }

    @Override
    public String name() {
        return "sigmoid_norm";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        return r.output(StableMath.softplus(LossTerms.meanMargin(in).mul(r.beta()).neg()));
    }
}
