package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code discopop}.
 *
 * @param type     {@code discopop}
 * @param beta     β, default 0.1
 * @param tau      temperature τ of the log-ratio modulation, default 0.05
 * @param rpoAlpha weight of the chosen-NLL term, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"type", "beta", "tau", "rpo_alpha"})
public record DiscoPopLossConfig(String type, Double beta, Double tau, Double rpoAlpha) implements LossConfig {

    public DiscoPopLossConfig {
        beta = Check.positive("beta", LossConfig.orDefault(beta, 0.1));
        tau = Check.positive("tau", LossConfig.orDefault(tau, 0.05));
        rpoAlpha = LossConfig.checkRpoAlpha(rpoAlpha);
    }
}
