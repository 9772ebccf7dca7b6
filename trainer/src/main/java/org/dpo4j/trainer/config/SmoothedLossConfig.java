package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Losses with β and label smoothing ε: {@code dpo} (ε > 0 is conservative DPO), {@code robust},
 * {@code exo_pair}, {@code aot}, {@code aot_pair}.
 *
 * @param type           the loss
 * @param beta           β, default 0.1
 * @param labelSmoothing ε, default 0 (1e-3 for exo_pair, which needs ε > 0); in [0, 0.5)
 * @param rpoAlpha       weight of the chosen-NLL term, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"type", "beta", "label_smoothing", "rpo_alpha"})
public record SmoothedLossConfig(String type, Double beta, Double labelSmoothing, Double rpoAlpha) implements LossConfig {

    public static final double DEFAULT_BETA = 0.1;
    public static final double DEFAULT_EXO_SMOOTHING = 1e-3;

    public SmoothedLossConfig {
        beta = Check.positive("beta", LossConfig.orDefault(beta, DEFAULT_BETA));
        boolean exo = "exo_pair".equals(type);
        labelSmoothing = Check.halfOpen("label_smoothing",
                LossConfig.orDefault(labelSmoothing, exo ? DEFAULT_EXO_SMOOTHING : 0.0), 0.0, 0.5);
        if (exo && labelSmoothing == 0) {
            throw new ConfigValueException("label_smoothing", "must be > 0 for exo_pair (its loss has log(ε)), got 0.0");
        }
        rpoAlpha = LossConfig.checkRpoAlpha(rpoAlpha);
    }

    /** {@code loss: {type: dpo, beta: β}}. */
    public static SmoothedLossConfig dpo(double beta) {
        return new SmoothedLossConfig("dpo", beta, null, null);
    }
}
