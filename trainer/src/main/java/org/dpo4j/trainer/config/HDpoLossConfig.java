package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code hdpo}: H-DPO's entropy control.
 *
 * @param type     {@code hdpo}
 * @param beta     β, default 0.1
 * @param alpha    α multiplying the policy log-probs (< 1 sharpens), default 0.95
 * @param rpoAlpha weight of the chosen-NLL term, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"type", "beta", "alpha", "rpo_alpha"})
public record HDpoLossConfig(String type, Double beta, Double alpha, Double rpoAlpha) implements LossConfig {

    public HDpoLossConfig {
        beta = Check.positive("beta", LossConfig.orDefault(beta, 0.1));
        alpha = Check.positive("alpha", LossConfig.orDefault(alpha, 0.95));
        rpoAlpha = LossConfig.checkRpoAlpha(rpoAlpha);
    }
}
