package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code cpo}: reference-free preference loss plus a chosen-NLL term.
 *
 * @param type           {@code cpo}
 * @param beta           β, default 0.1
 * @param labelSmoothing ε, default 0, in [0, 0.5)
 * @param cpoAlpha       weight of CPO's own NLL term, default 1.0
 * @param rpoAlpha       weight of an extra chosen-NLL term, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"type", "beta", "label_smoothing", "cpo_alpha", "rpo_alpha"})
public record CpoLossConfig(String type, Double beta, Double labelSmoothing, Double cpoAlpha, Double rpoAlpha)
        implements LossConfig {

    public CpoLossConfig {
        beta = Check.positive("beta", LossConfig.orDefault(beta, 0.1));
        labelSmoothing = Check.halfOpen("label_smoothing", LossConfig.orDefault(labelSmoothing, 0.0), 0.0, 0.5);
        cpoAlpha = Check.nonNegative("cpo_alpha", LossConfig.orDefault(cpoAlpha, 1.0));
        rpoAlpha = LossConfig.checkRpoAlpha(rpoAlpha);
    }
}
