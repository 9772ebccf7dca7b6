package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.dpo4j.losses.Divergence;

/**
 * {@code fdpo}: DPO under an f-divergence constraint (Wang et al. 2023).
 *
 * @param type       {@code fdpo}
 * @param beta       β, default 0.1
 * @param divergence one of {@link Divergence#NAMES}, default {@code reverse_kl} (= DPO)
 * @param alpha      the paper's α of the {@code alpha} divergence, f'(u) = (1 − u^−α)/α, in
 *                   (0, 1], default 0.5 (TRL ≥ 0.29 calls 1 − α its coefficient)
 * @param rpoAlpha   weight of the chosen-NLL term, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"type", "beta", "divergence", "alpha", "rpo_alpha"})
public record FDpoLossConfig(String type, Double beta, String divergence, Double alpha, Double rpoAlpha)
        implements LossConfig {

    public FDpoLossConfig {
        beta = Check.positive("beta", LossConfig.orDefault(beta, 0.1));
        divergence = divergence == null ? "reverse_kl" : divergence;
        alpha = LossConfig.orDefault(alpha, 0.5);
        if (!(alpha > 0 && alpha <= 1)) {
            throw new ConfigValueException("alpha", "must be in (0, 1], got " + alpha);
        }
        try {
            Divergence.named(divergence, alpha);
        } catch (IllegalArgumentException e) {
            throw new ConfigValueException("divergence", e.getMessage(), Divergence.NAMES);
        }
        rpoAlpha = LossConfig.checkRpoAlpha(rpoAlpha);
    }
}
