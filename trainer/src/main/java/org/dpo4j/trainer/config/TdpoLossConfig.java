package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * {@code tdpo}: token-level DPO (Zeng et al. 2024) with a per-token KL(π_ref ‖ π) constraint.
 *
 * @param type     {@code tdpo}
 * @param beta     β, default 0.1
 * @param alpha    α weighting the sequence-KL difference in TDPO2, default 0.5 (TDPO1 ignores it)
 * @param variant  {@code tdpo1} or {@code tdpo2} (default; the chosen sequence KL is detached)
 * @param rpoAlpha weight of the chosen-NLL term, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"type", "beta", "alpha", "variant", "rpo_alpha"})
public record TdpoLossConfig(String type, Double beta, Double alpha, String variant, Double rpoAlpha)
        implements LossConfig {

    public static final List<String> VARIANTS = List.of("tdpo1", "tdpo2");

    public TdpoLossConfig {
        beta = Check.positive("beta", LossConfig.orDefault(beta, 0.1));
        alpha = Check.nonNegative("alpha", LossConfig.orDefault(alpha, 0.5));
        variant = Check.oneOf("variant", variant == null ? "tdpo2" : variant, VARIANTS);
        rpoAlpha = LossConfig.checkRpoAlpha(rpoAlpha);
    }
}
