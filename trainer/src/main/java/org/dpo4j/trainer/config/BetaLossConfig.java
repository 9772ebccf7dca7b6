package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Losses whose only parameter is β: {@code ipo} (length-normalised, TRL), {@code ipo_sum}
 * (summed log-probs, original DPO code), {@code sigmoid_norm}, {@code dpo_reference_free},
 * {@code hinge}, {@code nca_pair}, {@code sppo_hard}, {@code apo_zero}, {@code apo_down},
 * {@code orpo} (where β is ORPO's λ).
 *
 * @param type     the loss
 * @param beta     β, default 0.1
 * @param rpoAlpha weight of the chosen-NLL term, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"type", "beta", "rpo_alpha"})
public record BetaLossConfig(String type, Double beta, Double rpoAlpha) implements LossConfig {

    public static final double DEFAULT_BETA = 0.1;

    public BetaLossConfig {
        beta = Check.positive("beta", LossConfig.orDefault(beta, DEFAULT_BETA));
        rpoAlpha = LossConfig.checkRpoAlpha(rpoAlpha);
    }
}
