package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * {@code bco_pair}.
 *
 * @param type     {@code bco_pair}
 * @param beta     β, default 0.1
 * @param delta    {@code zero} (TRL's current default) or {@code running_mean} (TRL ≤ 0.28: a
 *                 running mean of the detached rewards across steps)
 * @param rpoAlpha weight of the chosen-NLL term, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"type", "beta", "delta", "rpo_alpha"})
public record BcoPairLossConfig(String type, Double beta, String delta, Double rpoAlpha) implements LossConfig {

    public static final List<String> DELTAS = List.of("zero", "running_mean");

    public BcoPairLossConfig {
        beta = Check.positive("beta", LossConfig.orDefault(beta, 0.1));
        delta = Check.oneOf("delta", delta == null ? "zero" : delta, DELTAS);
        rpoAlpha = LossConfig.checkRpoAlpha(rpoAlpha);
    }
}
