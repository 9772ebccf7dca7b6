package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Objects;

/**
 * Ra-DPO: risk-aware direct preference optimization (Zhang et al. 2025, "Risk-aware Direct
 * Preference Optimization under Nested Risk Measure", arXiv 2505.20359), TDPO's token-level form
 * with the sequential KL replaced by a nested risk measure of the reference's per-token
 * distribution ({@link TailRisk}), as the official trainer computes it (zlj123-max/Ra-DPO,
 * {@code Ra_DPOTrainer.loss}).
 *
 * <pre>
 *   m_c = Σ_t (log π − log π_ref)(y_w,t),  m_r likewise           (summed label log-ratios)
 *   R_c = Σ_t R_t over y_w's scored positions, R_r likewise         ({@link TailRisk#positionRisk})
 *   Ra-DPO1:  z = (m_c − m_r) − (R_r − R_c)
 *   Ra-DPO2:  z = (m_c − m_r) − α·(R_r − sg(R_c))
 *   loss = −log σ(β·z) = softplus(−β·z)
 *   rewards: β·(m_c + R_c), β·(m_r + R_r)      (detached; the official code's chosen/rejected values)
 * </pre>
 *
 * sg is stop-gradient. The official code back-propagates the batch sum; this loss, like every other,
 * back-propagates the batch mean (B times smaller; the learning rate absorbs it). Metrics:
 * {@code risk/chosen} = R_c, {@code risk/rejected} = R_r.
 *
 * @param beta    β > 0 (official default 0.1)
 * @param alpha   α ≥ 0, the weight of the risk difference in Ra-DPO2 (ignored by Ra-DPO1; default 0.5)
 * @param variant Ra-DPO1 or Ra-DPO2
 * @param risk    the per-token risk (confidence level, vocabulary split)
 */
public record RiskAwareDpoLoss(double beta, double alpha, RaDpoVariant variant, TailRisk risk)
        implements PreferenceLoss {

    public RiskAwareDpoLoss {
        LossTerms.checkBeta(beta);
        LossTerms.checkNonNegative("alpha", alpha);
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(risk, "risk");
    }

    @Override
    public String name() {
        return "ra_dpo";
    }

    @Override
    public LossRequirements requirements() {
        return LossRequirements.withTokenRisk(risk);
    }

    @Override
    public LossOutput compute(LossInputs in) {
        NDArray chosenRisk = Objects.requireNonNull(in.chosenTokenRisk(),
                "Ra-DPO needs LossInputs.chosenTokenRisk (requirements().tokenRisk() is set)");
        NDArray rejectedRisk = Objects.requireNonNull(in.rejectedTokenRisk(),
                "Ra-DPO needs LossInputs.rejectedTokenRisk (requirements().tokenRisk() is set)");
        LogRatios margins = LogRatios.of(in, beta);
        NDArray z = switch (variant) {
            case RA_DPO1 -> margins.margin().sub(rejectedRisk.sub(chosenRisk));
            case RA_DPO2 -> margins.margin().sub(Constants.times(rejectedRisk.sub(chosenRisk.stopGradient()), alpha));
        };
        NDArray pairLosses = StableMath.softplus(z.mul(margins.beta()).neg());
        return LossTerms.output(
                pairLosses,
                margins.chosen().add(chosenRisk).mul(margins.beta()),
                margins.rejected().add(rejectedRisk).mul(margins.beta()),
                Map.of("risk/chosen", chosenRisk, "risk/rejected", rejectedRisk));
    }
}
