package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The loss node, polymorphic by {@code type}. Losses that take the same parameters share one
 * record, which keeps its {@code type}; every type has its own documented defaults (TRL's).
 * Every type also takes {@code rpo_alpha}: when set, the token-mean NLL of the chosen
 * completions is added with that weight (RPO).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type", visible = true)
@JsonSubTypes({
    @JsonSubTypes.Type(value = SmoothedLossConfig.class, names = {"dpo", "robust", "exo_pair", "aot", "aot_pair"}),
    @JsonSubTypes.Type(value = BetaLossConfig.class, names = {
        "ipo", "ipo_sum", "sigmoid_norm", "dpo_reference_free", "hinge", "nca_pair", "sppo_hard", "apo_zero",
        "apo_down", "orpo"}),
    @JsonSubTypes.Type(value = BcoPairLossConfig.class, name = "bco_pair"),
    @JsonSubTypes.Type(value = DiscoPopLossConfig.class, name = "discopop"),
    @JsonSubTypes.Type(value = HDpoLossConfig.class, name = "hdpo"),
    @JsonSubTypes.Type(value = SimPoLossConfig.class, name = "simpo"),
    @JsonSubTypes.Type(value = CpoLossConfig.class, name = "cpo"),
    @JsonSubTypes.Type(value = FDpoLossConfig.class, name = "fdpo"),
    @JsonSubTypes.Type(value = TdpoLossConfig.class, name = "tdpo"),
    @JsonSubTypes.Type(value = SftLossConfig.class, name = "sft")
})
public sealed interface LossConfig
        permits SmoothedLossConfig, BetaLossConfig, BcoPairLossConfig, DiscoPopLossConfig, HDpoLossConfig,
                SimPoLossConfig, CpoLossConfig, FDpoLossConfig, TdpoLossConfig, SftLossConfig {

    /** The config name of the loss, e.g. {@code dpo}. */
    String type();

    /** Weight of the added chosen-NLL term (RPO), or null for none. */
    Double rpoAlpha();

    /** Checks the shared {@code rpo_alpha} key: absent, or a finite number >= 0. */
    static Double checkRpoAlpha(Double rpoAlpha) {
        return rpoAlpha == null ? null : Check.nonNegative("rpo_alpha", rpoAlpha);
    }

    /** {@code value}, or {@code fallback} when the key was left out. */
    static double orDefault(Double value, double fallback) {
        return value == null ? fallback : value;
    }
}
