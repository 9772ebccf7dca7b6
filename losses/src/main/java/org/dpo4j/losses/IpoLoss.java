package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * IPO, the identity-preference loss of Azar et al. 2023, "A General Theoretical Paradigm to
 * Understand Learning from Human Preferences" (arXiv 2310.12036): the squared regression of the
 * log-ratio margin onto 1/(2β), in two forms that differ only in how log-probs are aggregated.
 *
 * <pre>
 *   lengthNormalized = false  (config {@code ipo_sum}; the original DPO code, {@code ipo=True}):
 *     h    = (log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x))   (sums)
 *   lengthNormalized = true   (config {@code ipo}; TRL {@code loss_type="ipo"}):
 *     h    = (mean_t log π(y_w) − mean_t log π_ref(y_w)) − (mean_t log π(y_l) − mean_t log π_ref(y_l))
 *          = sc/n_w − sr/n_l                                                       (per-token means)
 *   loss   = (h − 1/(2β))²
 *   reward = β·(Σ log π(y|x) − Σ log π_ref(y|x))       (summed in both forms, detached)
 * </pre>
 *
 * β plays the role of the paper's τ (the regularisation strength): the target margin is 1/(2τ).
 * A polynomial of the inputs, finite wherever they are.
 *
 * @param beta             β > 0 (TRL default 0.1)
 * @param lengthNormalized true: per-token means (TRL, {@code ipo}); false: sums (DPO code, {@code ipo_sum})
 */
public record IpoLoss(double beta, boolean lengthNormalized) implements PreferenceLoss {

    public IpoLoss {
        LossTerms.checkBeta(beta);
    }

    @Override
    public String name() {
        return lengthNormalized ? "ipo" : "ipo_sum";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        NDArray margin = lengthNormalized ? LossTerms.meanMargin(in) : r.margin();
        return r.output(margin.sub(1 / (2 * beta)).square());
    }
}
