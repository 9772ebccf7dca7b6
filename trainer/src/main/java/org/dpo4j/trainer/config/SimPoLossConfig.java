package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code simpo}: reference-free, length-normalised, with a target margin.
 *
 * @param type           {@code simpo}
 * @param beta           β, default 2.0
 * @param gamma          the target reward margin γ (not SimPO's γ/β ratio), default 0.5
 * @param labelSmoothing ε, default 0, in [0, 0.5)
 * @param rpoAlpha       weight of the chosen-NLL term, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"type", "beta", "gamma", "label_smoothing", "rpo_alpha"})
public record SimPoLossConfig(String type, Double beta, Double gamma, Double labelSmoothing, Double rpoAlpha)
        implements LossConfig {

    public SimPoLossConfig {
        beta = Check.positive("beta", LossConfig.orDefault(beta, 2.0));
        gamma = Check.nonNegative("gamma", LossConfig.orDefault(gamma, 0.5));
        labelSmoothing = Check.halfOpen("label_smoothing", LossConfig.orDefault(labelSmoothing, 0.0), 0.0, 0.5);
        rpoAlpha = LossConfig.checkRpoAlpha(rpoAlpha);
    }
}
