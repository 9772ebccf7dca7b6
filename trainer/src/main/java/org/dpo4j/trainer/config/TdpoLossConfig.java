package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.dpo4j.losses.Divergence;
import org.dpo4j.losses.TdpoLoss;

/**
 * {@code tdpo}: token-level DPO (Zeng et al. 2024) with a per-token KL(π_ref ‖ π) constraint.
 *
 * @param type     {@code tdpo}
 * @param beta     β, default 0.1
 * @param alpha    α weighting the sequence-KL difference in TDPO2, default {@link TdpoLoss#DEFAULT_ALPHA} (TDPO1 ignores it)
 * @param variant  {@code tdpo1} or {@code tdpo2}; default {@link TdpoLoss#DEFAULT_VARIANT}
 * @param tokenDivergence      the per-token constraint, one of {@link Divergence#NAMES}; default
 *                             {@code forward_kl}, i.e. KL(π_ref ‖ π) exactly as in the paper. Any
 *                             other name is dpo4j's extension beyond the paper (a heuristic: the
 *                             paper's derivation holds for KL only)
 * @param tokenDivergenceAlpha the α of {@code token_divergence: alpha}, in (0, 1], default 0.5
 * @param rpoAlpha weight of the chosen-NLL term, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"type", "beta", "alpha", "variant", "token_divergence", "token_divergence_alpha", "rpo_alpha"})
public record TdpoLossConfig(
        String type,
        Double beta,
        Double alpha,
        String variant,
        String tokenDivergence,
        Double tokenDivergenceAlpha,
        Double rpoAlpha)
        implements LossConfig {

    /** The paper's per-token constraint, KL(π_ref ‖ π), under its f-DPO name. */
    public static final String PAPER_TOKEN_DIVERGENCE = "forward_kl";

    public static final List<String> VARIANTS = List.of("tdpo1", "tdpo2");

    public TdpoLossConfig {
        beta = Check.positive("beta", LossConfig.orDefault(beta, 0.1));
        alpha = Check.nonNegative("alpha", LossConfig.orDefault(alpha, TdpoLoss.DEFAULT_ALPHA));
        variant = Check.oneOf("variant", variant == null ? TdpoLoss.DEFAULT_VARIANT.configName() : variant, VARIANTS);
        tokenDivergence = tokenDivergence == null ? PAPER_TOKEN_DIVERGENCE : tokenDivergence;
        tokenDivergenceAlpha = LossConfig.orDefault(tokenDivergenceAlpha, 0.5);
        if (!(tokenDivergenceAlpha > 0 && tokenDivergenceAlpha <= 1)) {
            throw new ConfigValueException("token_divergence_alpha", "must be in (0, 1], got " + tokenDivergenceAlpha);
        }
        try {
            Divergence.named(tokenDivergence, tokenDivergenceAlpha);
        } catch (IllegalArgumentException e) {
            throw new ConfigValueException("token_divergence", e.getMessage(), Divergence.NAMES);
        }
        rpoAlpha = LossConfig.checkRpoAlpha(rpoAlpha);
    }
}
