package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.dpo4j.losses.AotLoss;
import org.dpo4j.losses.ApoDownLoss;
import org.dpo4j.losses.ApoZeroLoss;
import org.dpo4j.losses.BcoPairLoss.BcoDelta;
import org.dpo4j.losses.BcoPairLoss;
import org.dpo4j.losses.CombinedLoss;
import org.dpo4j.losses.D2oLoss;
import org.dpo4j.losses.CpoLoss;
import org.dpo4j.losses.DiscoPopLoss;
import org.dpo4j.losses.DivergenceKind;
import org.dpo4j.losses.DpoSigmoidLoss;
import org.dpo4j.losses.ExoPairLoss;
import org.dpo4j.losses.FDpoLoss;
import org.dpo4j.losses.HDpoLoss;
import org.dpo4j.losses.HingeLoss;
import org.dpo4j.losses.IpoLoss;
import org.dpo4j.losses.LengthDesensitization;
import org.dpo4j.losses.LengthDesensitized;
import org.dpo4j.losses.NcaPairLoss;
import org.dpo4j.losses.NllRegularized;
import org.dpo4j.losses.OrpoLoss;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.RaDpoVariant;
import org.dpo4j.losses.ReferenceFreeDpoLoss;
import org.dpo4j.losses.RiskAwareDpoLoss;
import org.dpo4j.losses.RobustDpoLoss;
import org.dpo4j.losses.SftLoss;
import org.dpo4j.losses.SigmoidNormLoss;
import org.dpo4j.losses.SimPoLoss;
import org.dpo4j.losses.SppoHardLoss;
import org.dpo4j.losses.TailRisk;
import org.dpo4j.losses.TdpoLoss;
import org.dpo4j.losses.TdpoVariant;
import org.dpo4j.losses.WpoWeighted;
import org.dpo4j.losses.WrpoLoss;
import org.dpo4j.losses.WrpoVariant;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * The {@code loss} node, polymorphic by {@code type}: one record per loss type, nested here so
 * that a loss's config, its registration under its {@code type} name and the loss it builds are
 * one place. Defaults are TRL's; each record's Javadoc lists its keys with their defaults, in the
 * order they are written ({@code type} first). Every pairwise type but {@code sft} and
 * {@code combined} also takes {@code rpo_alpha}: when set, the token-mean NLL of the chosen
 * completions is added with that weight (RPO, {@link NllRegularized}; the same objective as
 * {@code combined} with terms [the loss, {@code sft} with weight {@code rpo_alpha}]), and
 * {@code ld_alpha} (LD-DPO's length weights) and {@code use_weighting} (WPO), as TRL's
 * {@code DPOConfig} has them. TRL's names {@code sigmoid} (= {@code dpo}) and {@code aot_unpaired}
 * (= {@code aot_pair}) are aliases: they bind, and write back under dpo4j's name.
 *
 * <p>Adding a loss: its class in the losses module (and its {@code permits} entry there), a
 * record here with its {@code @JsonSubTypes.Type} line, and an example under
 * {@code configs/losses/}; {@code LossConfigContractTest} checks that none is missing.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LossConfig.Dpo.class, name = "dpo", names = {"sigmoid"}),
    @JsonSubTypes.Type(value = LossConfig.Robust.class, name = "robust"),
    @JsonSubTypes.Type(value = LossConfig.ExoPair.class, name = "exo_pair"),
    @JsonSubTypes.Type(value = LossConfig.Aot.class, name = "aot"),
    @JsonSubTypes.Type(value = LossConfig.AotPair.class, name = "aot_pair", names = {"aot_unpaired"}),
    @JsonSubTypes.Type(value = LossConfig.Ipo.class, name = "ipo"),
    @JsonSubTypes.Type(value = LossConfig.IpoSum.class, name = "ipo_sum"),
    @JsonSubTypes.Type(value = LossConfig.SigmoidNorm.class, name = "sigmoid_norm"),
    @JsonSubTypes.Type(value = LossConfig.DpoReferenceFree.class, name = "dpo_reference_free"),
    @JsonSubTypes.Type(value = LossConfig.Hinge.class, name = "hinge"),
    @JsonSubTypes.Type(value = LossConfig.NcaPair.class, name = "nca_pair"),
    @JsonSubTypes.Type(value = LossConfig.SppoHard.class, name = "sppo_hard"),
    @JsonSubTypes.Type(value = LossConfig.ApoZero.class, name = "apo_zero"),
    @JsonSubTypes.Type(value = LossConfig.ApoDown.class, name = "apo_down"),
    @JsonSubTypes.Type(value = LossConfig.Orpo.class, name = "orpo"),
    @JsonSubTypes.Type(value = LossConfig.BcoPair.class, name = "bco_pair"),
    @JsonSubTypes.Type(value = LossConfig.DiscoPop.class, name = "discopop"),
    @JsonSubTypes.Type(value = LossConfig.HDpo.class, name = "hdpo"),
    @JsonSubTypes.Type(value = LossConfig.SimPo.class, name = "simpo"),
    @JsonSubTypes.Type(value = LossConfig.Cpo.class, name = "cpo"),
    @JsonSubTypes.Type(value = LossConfig.FDpo.class, name = "fdpo"),
    @JsonSubTypes.Type(value = LossConfig.Tdpo.class, name = "tdpo"),
    @JsonSubTypes.Type(value = LossConfig.Sft.class, name = "sft"),
    @JsonSubTypes.Type(value = LossConfig.Combined.class, name = "combined"),
    @JsonSubTypes.Type(value = LossConfig.RaDpo.class, name = "ra_dpo"),
    @JsonSubTypes.Type(value = LossConfig.D2o.class, name = "d2o"),
    @JsonSubTypes.Type(value = LossConfig.Wrpo.class, name = "wrpo")
})
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public sealed interface LossConfig {

    /** β of every loss but SimPO (TRL's default). */
    double DEFAULT_BETA = 0.1;

    /** Label smoothing ε where a loss takes it, except {@code exo_pair}: none. */
    double DEFAULT_LABEL_SMOOTHING = 0.0;

    /** The config name of the loss, e.g. {@code dpo}: its {@code @JsonSubTypes} name. */
    default String type() {
        for (JsonSubTypes.Type sub : LossConfig.class.getAnnotation(JsonSubTypes.class).value()) {
            if (sub.value() == getClass()) {
                return sub.name();
            }
        }
        throw new IllegalStateException(getClass() + " has no @JsonSubTypes entry on LossConfig");
    }

    /** Weight of the added chosen-NLL term (RPO), or null for none. */
    Double rpoAlpha();

    /** The loss this config names, without the RPO term. */
    PreferenceLoss createBase();

    /**
     * LD-DPO's α ({@code ld_alpha}, {@link LengthDesensitization}): past the shorter completion's
     * length, tokens count with weight α in the sequence log-probs; null (the default) for none.
     */
    default Double ldAlpha() {
        return null;
    }

    /** Whether pairs are weighted by the policy's own probability of them ({@code use_weighting}, WPO). */
    default Boolean useWeighting() {
        return false;
    }

    /**
     * The loss this config names, with the RPO term ({@link NllRegularized}) when {@code rpo_alpha}
     * is set, WPO's weighting ({@link WpoWeighted}) when {@code use_weighting} is true, and LD-DPO's
     * length weights ({@link LengthDesensitized}) when {@code ld_alpha} is set.
     */
    default PreferenceLoss create() {
        PreferenceLoss loss = createBase();
        Double rpoAlpha = rpoAlpha();
        if (rpoAlpha != null) {
            loss = new NllRegularized(loss, rpoAlpha);
        }
        if (Boolean.TRUE.equals(useWeighting())) {
            loss = new WpoWeighted(loss);
        }
        Double ldAlpha = ldAlpha();
        return ldAlpha == null ? loss : new LengthDesensitized(loss, new LengthDesensitization(ldAlpha));
    }

    /** Checks the shared {@code rpo_alpha} key: absent, or a finite number >= 0. */
    private static Double checkRpoAlpha(Double rpoAlpha) {
        return rpoAlpha == null ? null : Check.nonNegative("rpo_alpha", rpoAlpha);
    }

    /** Checks the shared {@code ld_alpha} key: absent, or in [0, 1]. */
    private static Double checkLdAlpha(Double ldAlpha) {
        if (ldAlpha != null && !(ldAlpha >= 0 && ldAlpha <= 1)) {
            throw new ConfigValueException("ld_alpha", "must be in [0, 1], got " + ldAlpha);
        }
        return ldAlpha;
    }

    /** Checks {@code beta}, {@link #DEFAULT_BETA} when left out: a finite number > 0. */
    private static double checkBeta(Double beta) {
        return checkBeta(beta, DEFAULT_BETA);
    }

    private static double checkBeta(Double beta, double fallback) {
        return Check.positive("beta", orDefault(beta, fallback));
    }

    /** Checks {@code label_smoothing}: in [0, 0.5). */
    private static double checkLabelSmoothing(Double labelSmoothing, double fallback) {
        return Check.halfOpen("label_smoothing", orDefault(labelSmoothing, fallback), 0.0, 0.5);
    }

    /** Checks a key that is an α in (0, 1], {@code fallback} when left out. */
    private static double checkUnitAlpha(String key, Double alpha, double fallback) {
        double value = orDefault(alpha, fallback);
        if (!(value > 0 && value <= 1)) {
            throw new ConfigValueException(key, "must be in (0, 1], got " + value);
        }
        return value;
    }

    /** {@code value}, or {@code fallback} when the key was left out. */
    private static double orDefault(Double value, double fallback) {
        return value == null ? fallback : value;
    }

    /** {@code value}, or {@code fallback} when the key was left out. */
    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    // ---- β and label smoothing ε --------------------------------------------------------------

    /**
     * {@code dpo}: DPO's sigmoid loss ({@link DpoSigmoidLoss}); ε > 0 is conservative DPO.
     *
     * @param beta           β, default 0.1
     * @param labelSmoothing ε in [0, 0.5), default 0
     * @param rpoAlpha       weight of the chosen-NLL term, or null (default)
     * @param ldAlpha        LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeighting   WPO's weighting of the pairs, default false
     */
    record Dpo(
            Double beta,
            Double labelSmoothing,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        public Dpo {
            beta = checkBeta(beta);
            labelSmoothing = checkLabelSmoothing(labelSmoothing, DEFAULT_LABEL_SMOOTHING);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        /** Without LD-DPO's and WPO's keys. */
        public Dpo(Double beta, Double labelSmoothing, Double rpoAlpha) {
            this(beta, labelSmoothing, rpoAlpha, null, null);
        }

        /** {@code loss: {type: dpo, beta: β}}. */
        public static Dpo withBeta(double beta) {
            return new Dpo(beta, null, null);
        }

        @Override
        public PreferenceLoss createBase() {
            return new DpoSigmoidLoss(beta, labelSmoothing);
        }
    }

    /**
     * {@code robust}: robust DPO under label noise ({@link RobustDpoLoss}).
     *
     * @param beta           β, default 0.1
     * @param labelSmoothing ε, the label-flip probability, in [0, 0.5), default 0
     * @param rpoAlpha       weight of the chosen-NLL term, or null (default)
     * @param ldAlpha        LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeighting   WPO's weighting of the pairs, default false
     */
    record Robust(
            Double beta,
            Double labelSmoothing,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        public Robust {
            beta = checkBeta(beta);
            labelSmoothing = checkLabelSmoothing(labelSmoothing, DEFAULT_LABEL_SMOOTHING);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new RobustDpoLoss(beta, labelSmoothing);
        }
    }

    /**
     * {@code exo_pair}: EXO, pairwise ({@link ExoPairLoss}).
     *
     * @param beta           β, default 0.1
     * @param labelSmoothing ε in (0, 0.5), default 1e-3 (the loss takes log ε, so 0 is refused)
     * @param rpoAlpha       weight of the chosen-NLL term, or null (default)
     * @param ldAlpha        LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeighting   WPO's weighting of the pairs, default false
     */
    record ExoPair(
            Double beta,
            Double labelSmoothing,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        /** EXO's (and TRL's) ε. */
        public static final double DEFAULT_EXO_SMOOTHING = 1e-3;

        public ExoPair {
            beta = checkBeta(beta);
            labelSmoothing = checkLabelSmoothing(labelSmoothing, DEFAULT_EXO_SMOOTHING);
            if (labelSmoothing == 0) {
                throw new ConfigValueException("label_smoothing", "must be > 0 for exo_pair (its loss has log(ε)), got 0.0");
            }
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new ExoPairLoss(beta, labelSmoothing);
        }
    }

    /**
     * {@code aot}: alignment via optimal transport, unpaired ({@link AotLoss}).
     *
     * @param beta           β, default 0.1
     * @param labelSmoothing ε in [0, 0.5), default 0
     * @param rpoAlpha       weight of the chosen-NLL term, or null (default)
     * @param ldAlpha        LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeighting   WPO's weighting of the pairs, default false
     */
    record Aot(
            Double beta,
            Double labelSmoothing,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        public Aot {
            beta = checkBeta(beta);
            labelSmoothing = checkLabelSmoothing(labelSmoothing, DEFAULT_LABEL_SMOOTHING);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        /** Without LD-DPO's and WPO's keys. */
        public Aot(Double beta, Double labelSmoothing, Double rpoAlpha) {
            this(beta, labelSmoothing, rpoAlpha, null, null);
        }

        @Override
        public PreferenceLoss createBase() {
            return new AotLoss(beta, labelSmoothing, false);
        }
    }

    /**
     * {@code aot_pair}: alignment via optimal transport, paired ({@link AotLoss}).
     *
     * @param beta           β, default 0.1
     * @param labelSmoothing ε in [0, 0.5), default 0
     * @param rpoAlpha       weight of the chosen-NLL term, or null (default)
     * @param ldAlpha        LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeighting   WPO's weighting of the pairs, default false
     */
    record AotPair(
            Double beta,
            Double labelSmoothing,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        public AotPair {
            beta = checkBeta(beta);
            labelSmoothing = checkLabelSmoothing(labelSmoothing, DEFAULT_LABEL_SMOOTHING);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new AotLoss(beta, labelSmoothing, true);
        }
    }

    // ---- β only -------------------------------------------------------------------------------

    /**
     * {@code ipo}: IPO on length-normalised log-ratios, as TRL ({@link IpoLoss}).
     *
     * @param beta     β (IPO's τ), default 0.1
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record Ipo(Double beta, Double rpoAlpha, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        public Ipo {
            beta = checkBeta(beta);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new IpoLoss(beta, true);
        }
    }

    /**
     * {@code ipo_sum}: IPO on summed log-probs, as the original DPO code ({@link IpoLoss}).
     *
     * @param beta     β (IPO's τ), default 0.1
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record IpoSum(Double beta, Double rpoAlpha, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        public IpoSum {
            beta = checkBeta(beta);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new IpoLoss(beta, false);
        }
    }

    /**
     * {@code sigmoid_norm} ({@link SigmoidNormLoss}).
     *
     * @param beta     β, default 0.1
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record SigmoidNorm(Double beta, Double rpoAlpha, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        public SigmoidNorm {
            beta = checkBeta(beta);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new SigmoidNormLoss(beta);
        }
    }

    /**
     * {@code dpo_reference_free}: DPO against a uniform reference ({@link ReferenceFreeDpoLoss}).
     *
     * @param beta     β, default 0.1
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record DpoReferenceFree(Double beta, Double rpoAlpha, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        public DpoReferenceFree {
            beta = checkBeta(beta);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new ReferenceFreeDpoLoss(beta);
        }
    }

    /**
     * {@code hinge}: SLiC's hinge loss ({@link HingeLoss}).
     *
     * @param beta     β, default 0.1
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record Hinge(Double beta, Double rpoAlpha, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        public Hinge {
            beta = checkBeta(beta);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new HingeLoss(beta);
        }
    }

    /**
     * {@code nca_pair} ({@link NcaPairLoss}).
     *
     * @param beta     β, default 0.1
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record NcaPair(Double beta, Double rpoAlpha, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        public NcaPair {
            beta = checkBeta(beta);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new NcaPairLoss(beta);
        }
    }

    /**
     * {@code sppo_hard} ({@link SppoHardLoss}).
     *
     * @param beta     β, default 0.1
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record SppoHard(Double beta, Double rpoAlpha, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        public SppoHard {
            beta = checkBeta(beta);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new SppoHardLoss(beta);
        }
    }

    /**
     * {@code apo_zero} ({@link ApoZeroLoss}).
     *
     * @param beta     β, default 0.1
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record ApoZero(Double beta, Double rpoAlpha, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        public ApoZero {
            beta = checkBeta(beta);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new ApoZeroLoss(beta);
        }
    }

    /**
     * {@code apo_down} ({@link ApoDownLoss}).
     *
     * @param beta     β, default 0.1
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record ApoDown(Double beta, Double rpoAlpha, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        public ApoDown {
            beta = checkBeta(beta);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new ApoDownLoss(beta);
        }
    }

    /**
     * {@code orpo}: reference-free odds-ratio loss plus the chosen NLL ({@link OrpoLoss}).
     *
     * @param beta     ORPO's λ, default 0.1
     * @param rpoAlpha weight of an extra chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record Orpo(Double beta, Double rpoAlpha, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        public Orpo {
            beta = checkBeta(beta);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        /** Without LD-DPO's and WPO's keys. */
        public Orpo(Double beta, Double rpoAlpha) {
            this(beta, rpoAlpha, null, null);
        }

        @Override
        public PreferenceLoss createBase() {
            return new OrpoLoss(beta);
        }
    }

    // ---- own parameters -----------------------------------------------------------------------

    /**
     * {@code bco_pair}: BCO, pairwise ({@link BcoPairLoss}).
     *
     * @param beta     β, default 0.1
     * @param delta    {@code zero} (TRL's current default, the default) or {@code running_mean}
     *                 (TRL ≤ 0.28: a running mean of the detached rewards across steps)
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record BcoPair(
            Double beta,
            BcoDelta delta,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        public BcoPair {
            beta = checkBeta(beta);
            delta = orDefault(delta, BcoDelta.ZERO);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        /** Without LD-DPO's and WPO's keys. */
        public BcoPair(Double beta, BcoDelta delta, Double rpoAlpha) {
            this(beta, delta, rpoAlpha, null, null);
        }

        @Override
        public PreferenceLoss createBase() {
            return new BcoPairLoss(beta, delta);
        }
    }

    /**
     * {@code discopop} ({@link DiscoPopLoss}).
     *
     * @param beta     β, default 0.1
     * @param tau      temperature τ of the log-ratio modulation, default 0.05
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record DiscoPop(
            Double beta,
            Double tau,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        public DiscoPop {
            beta = checkBeta(beta);
            tau = Check.positive("tau", orDefault(tau, 0.05));
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new DiscoPopLoss(beta, tau);
        }
    }

    /**
     * {@code hdpo}: H-DPO's entropy control ({@link HDpoLoss}).
     *
     * @param beta     β, default 0.1
     * @param alpha    α multiplying the policy log-probs (< 1 sharpens), default 0.95
     * @param rpoAlpha weight of the chosen-NLL term, or null (default)
     * @param ldAlpha  LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record HDpo(
            Double beta,
            Double alpha,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        public HDpo {
            beta = checkBeta(beta);
            alpha = Check.positive("alpha", orDefault(alpha, 0.95));
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new HDpoLoss(beta, alpha);
        }
    }

    /**
     * {@code simpo}: reference-free, length-normalised, with a target margin ({@link SimPoLoss}).
     *
     * @param beta           β, default 2.0
     * @param gamma          the target reward margin γ (not SimPO's γ/β ratio), default 0.5
     * @param labelSmoothing ε in [0, 0.5), default 0
     * @param rpoAlpha       weight of the chosen-NLL term, or null (default)
     * @param ldAlpha        LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeighting   WPO's weighting of the pairs, default false
     */
    record SimPo(
            Double beta,
            Double gamma,
            Double labelSmoothing,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        /** SimPO's β (TRL's {@code simpo} default). */
        public static final double DEFAULT_SIMPO_BETA = 2.0;

        public SimPo {
            beta = checkBeta(beta, DEFAULT_SIMPO_BETA);
            gamma = Check.nonNegative("gamma", orDefault(gamma, 0.5));
            labelSmoothing = checkLabelSmoothing(labelSmoothing, DEFAULT_LABEL_SMOOTHING);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        /** Without LD-DPO's and WPO's keys. */
        public SimPo(Double beta, Double gamma, Double labelSmoothing, Double rpoAlpha) {
            this(beta, gamma, labelSmoothing, rpoAlpha, null, null);
        }

        @Override
        public PreferenceLoss createBase() {
            return new SimPoLoss(beta, gamma, labelSmoothing);
        }
    }

    /**
     * {@code cpo}: reference-free preference loss plus a chosen-NLL term ({@link CpoLoss}).
     *
     * @param beta           β, default 0.1
     * @param labelSmoothing ε in [0, 0.5), default 0
     * @param cpoAlpha       weight of CPO's own NLL term, default 1.0
     * @param rpoAlpha       weight of an extra chosen-NLL term, or null (default)
     * @param ldAlpha        LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeighting   WPO's weighting of the pairs, default false
     */
    record Cpo(
            Double beta,
            Double labelSmoothing,
            Double cpoAlpha,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        public Cpo {
            beta = checkBeta(beta);
            labelSmoothing = checkLabelSmoothing(labelSmoothing, DEFAULT_LABEL_SMOOTHING);
            cpoAlpha = Check.nonNegative("cpo_alpha", orDefault(cpoAlpha, 1.0));
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new CpoLoss(beta, labelSmoothing, cpoAlpha);
        }
    }

    /**
     * {@code fdpo}: DPO under an f-divergence constraint (Wang et al. 2023, {@link FDpoLoss}).
     *
     * @param beta       β, default 0.1
     * @param divergence a {@link DivergenceKind}, default {@code reverse_kl} (= DPO)
     * @param alpha      the paper's α of the {@code alpha} divergence, f'(u) = (1 − u^−α)/α, in
     *                   (0, 1], default 0.5 (TRL ≥ 0.29 calls 1 − α its coefficient)
     * @param rpoAlpha   weight of the chosen-NLL term, or null (default)
     * @param ldAlpha    LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeightingWPO's weighting of the pairs, default false
     */
    record FDpo(
            Double beta,
            DivergenceKind divergence,
            Double alpha,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        public FDpo {
            beta = checkBeta(beta);
            divergence = orDefault(divergence, DivergenceKind.REVERSE_KL);
            alpha = checkUnitAlpha("alpha", alpha, 0.5);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        /** Without LD-DPO's and WPO's keys. */
        public FDpo(Double beta, DivergenceKind divergence, Double alpha, Double rpoAlpha) {
            this(beta, divergence, alpha, rpoAlpha, null, null);
        }

        @Override
        public PreferenceLoss createBase() {
            return new FDpoLoss(beta, divergence.create(alpha));
        }
    }

    /**
     * {@code tdpo}: token-level DPO (Zeng et al. 2024, {@link TdpoLoss}) with a per-token
     * KL(π_ref ‖ π) constraint.
     *
     * @param beta                 β, default 0.1
     * @param alpha                α weighting the sequence-KL difference in TDPO2, default
     *                             {@link TdpoLoss#DEFAULT_ALPHA} (TDPO1 ignores it)
     * @param variant              {@code tdpo1} or {@code tdpo2}; default {@link TdpoLoss#DEFAULT_VARIANT}
     * @param tokenDivergence      the per-token constraint, a {@link DivergenceKind}; default
     *                             {@code forward_kl}, i.e. KL(π_ref ‖ π) exactly as in the paper. Any
     *                             other name is dpo4j's extension beyond the paper (a heuristic: the
     *                             paper's derivation holds for KL only)
     * @param tokenDivergenceAlpha the α of {@code token_divergence: alpha}, in (0, 1], default 0.5
     * @param rpoAlpha             weight of the chosen-NLL term, or null (default)
     * @param ldAlpha              LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeighting         WPO's weighting of the pairs, default false
     */
    record Tdpo(
            Double beta,
            Double alpha,
            TdpoVariant variant,
            DivergenceKind tokenDivergence,
            Double tokenDivergenceAlpha,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        /** The paper's per-token constraint, KL(π_ref ‖ π), under its f-DPO name. */
        public static final DivergenceKind PAPER_TOKEN_DIVERGENCE = DivergenceKind.FORWARD_KL;

        public Tdpo {
            beta = checkBeta(beta);
            alpha = Check.nonNegative("alpha", orDefault(alpha, TdpoLoss.DEFAULT_ALPHA));
            variant = orDefault(variant, TdpoLoss.DEFAULT_VARIANT);
            tokenDivergence = orDefault(tokenDivergence, PAPER_TOKEN_DIVERGENCE);
            tokenDivergenceAlpha = checkUnitAlpha("token_divergence_alpha", tokenDivergenceAlpha, 0.5);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        /** Without LD-DPO's and WPO's keys. */
        public Tdpo(Double beta, Double alpha, TdpoVariant variant, DivergenceKind tokenDivergence, Double tokenDivergenceAlpha,
                Double rpoAlpha) {
            this(beta, alpha, variant, tokenDivergence, tokenDivergenceAlpha, rpoAlpha, null, null);
        }

        @Override
        public PreferenceLoss createBase() {
            return new TdpoLoss(beta, alpha, variant, tokenDivergence.create(tokenDivergenceAlpha));
        }
    }

    /**
     * {@code sft}: supervised fine-tuning on the chosen completions (token-mean NLL, {@link SftLoss}),
     * e.g. before preference training. Takes no keys; {@code rpo_alpha} is not allowed.
     */
    record Sft() implements LossConfig {

        /** None: SFT is the NLL itself. */
        @Override
        public Double rpoAlpha() {
            return null;
        }

        @Override
        public PreferenceLoss createBase() {
            return new SftLoss();
        }
    }

    // ---- combinations and other data formats ------------------------------------------------

    /**
     * {@code combined}: a weighted sum of losses, as TRL 1.x's list of {@code loss_type}s with
     * {@code loss_weights} ({@link CombinedLoss}): {@code terms: [{type, weight, ...its keys}]},
     * each term any other type (with its own keys and defaults) plus its {@code weight} (default 1).
     * Rewards are the first term's, not scaled by the weights. {@code rpo_alpha} is not a key: an
     * {@code sft} term is the NLL.
     *
     * @param terms        the terms, default MPO: {@code dpo} 0.8, {@code bco_pair} 0.2, {@code sft} 1.0
     * @param ldAlpha      LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeighting WPO's weighting of the pairs (every term's), default false
     */
    record Combined(List<Term> terms, Double ldAlpha, Boolean useWeighting) implements LossConfig {

        /** MPO (Wang et al. 2024), TRL's example of a combination. */
        public static final List<Term> DEFAULT_TERMS = List.of(
                new Term(Dpo.withBeta(DEFAULT_BETA), 0.8),
                new Term(new BcoPair(null, null, null), 0.2),
                new Term(new Sft(), 1.0));

        public Combined {
            terms = List.copyOf(orDefault(terms, DEFAULT_TERMS));
            if (terms.isEmpty()) {
                throw new ConfigValueException("terms", "must list at least one {type, weight} term");
            }
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
            try {
                combine(terms); // terms that need different inputs fail here, with the key
            } catch (IllegalArgumentException e) {
                throw new ConfigValueException("terms", e.getMessage());
            }
        }

        /** None: an {@code sft} term is the NLL. */
        @Override
        public Double rpoAlpha() {
            return null;
        }

        @Override
        public PreferenceLoss createBase() {
            return combine(terms);
        }

        private static CombinedLoss combine(List<Term> terms) {
            return new CombinedLoss(terms.stream()
                    .map(t -> new CombinedLoss.Term(t.loss().create(), t.weight()))
                    .toList());
        }
    }

    /**
     * One term of {@code combined}, written as the term's loss node with its {@code weight} after
     * {@code type}: {@code {type: dpo, weight: 0.8, beta: 0.1}}.
     *
     * @param loss   the term's loss
     * @param weight its weight, finite and ≥ 0 (default 1)
     */
    @JsonSerialize(using = TermWriter.class)
    @JsonDeserialize(using = TermReader.class)
    record Term(LossConfig loss, double weight) {

        public Term {
            if (loss == null) {
                throw new ConfigValueException("type", "a term needs a loss type");
            }
            Check.nonNegative("weight", weight);
        }
    }

    /** Reads a {@link Term}: {@code weight} taken out, the rest bound as a loss node. */
    final class TermReader extends StdDeserializer<Term> {

        private static final long serialVersionUID = 1L;

        TermReader() {
            super(Term.class);
        }

        @Override
        public Term deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = ctxt.readTree(p);
            if (!node.isObject()) {
                return ctxt.reportInputMismatch(Term.class,
                        "a term of loss.terms is a mapping {type, weight, ...its keys}, got " + node.getNodeType());
            }
            ObjectNode rest = ((ObjectNode) node).deepCopy();
            JsonNode weight = rest.remove("weight");
            if (weight != null && !weight.isNull() && !weight.isNumber()) {
                return ctxt.reportInputMismatch(Term.class, "weight must be a number, got " + weight);
            }
            double value = weight == null || weight.isNull() ? 1.0 : weight.doubleValue();
            return new Term(ctxt.readTreeAsValue(rest, LossConfig.class), value);
        }
    }

    /** Writes a {@link Term} as its loss node with {@code weight} after {@code type}. */
    final class TermWriter extends StdSerializer<Term> {

        private static final long serialVersionUID = 1L;

        /** Loss records carry their own naming and type annotations; a plain mapper writes them as any does. */
        private static final com.fasterxml.jackson.databind.ObjectMapper LOSS_WRITER =
                com.fasterxml.jackson.databind.json.JsonMapper.builder().build();

        TermWriter() {
            super(Term.class);
        }

        @Override
        public void serialize(Term term, JsonGenerator gen, SerializerProvider provider) throws IOException {
            JsonNode loss = LOSS_WRITER.valueToTree(term.loss());
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.set("type", loss.get("type"));
            out.put("weight", term.weight());
            for (Map.Entry<String, JsonNode> e : loss.properties()) {
                if (!e.getKey().equals("type")) {
                    out.set(e.getKey(), e.getValue());
                }
            }
            gen.writeTree(out);
        }
    }

    /**
     * {@code ra_dpo}: risk-aware DPO (Zhang et al. 2025, {@link RiskAwareDpoLoss}) from the
     * reference's per-token distribution, as TDPO (a live reference).
     *
     * @param beta            β, default 0.1
     * @param alpha           α weighting the risk difference in Ra-DPO2, default 0.5 (Ra-DPO1 ignores it)
     * @param variant         {@code ra_dpo1} or {@code ra_dpo2}, default {@code ra_dpo2}
     * @param confidenceLevel the risk's confidence level in (0, 1), default 0.95
     * @param splitVocabulary whether the vocabulary's two halves get separate VaRs (the official
     *                        {@code is_split_risk_ratio}), default true
     * @param rpoAlpha        weight of the chosen-NLL term, or null (default)
     * @param ldAlpha         LD-DPO's α on the sequence log-probs, or null (default: none)
     * @param useWeighting    WPO's weighting of the pairs, default false
     */
    record RaDpo(
            Double beta,
            Double alpha,
            RaDpoVariant variant,
            Double confidenceLevel,
            Boolean splitVocabulary,
            Double rpoAlpha,
            Double ldAlpha,
            Boolean useWeighting)
            implements LossConfig {

        public RaDpo {
            beta = checkBeta(beta);
            alpha = Check.nonNegative("alpha", orDefault(alpha, 0.5));
            variant = orDefault(variant, RaDpoVariant.RA_DPO2);
            confidenceLevel = orDefault(confidenceLevel, 0.95);
            if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
                throw new ConfigValueException("confidence_level", "must be in (0, 1), got " + confidenceLevel);
            }
            splitVocabulary = orDefault(splitVocabulary, true);
            rpoAlpha = checkRpoAlpha(rpoAlpha);
            ldAlpha = checkLdAlpha(ldAlpha);
            useWeighting = orDefault(useWeighting, false);
        }

        @Override
        public PreferenceLoss createBase() {
            return new RiskAwareDpoLoss(beta, alpha, variant, new TailRisk(confidenceLevel, splitVocabulary));
        }
    }

    /**
     * {@code d2o}: distributional dispreference optimization (Duan et al. 2024, {@link D2oLoss}) on
     * data with a dispreferred answer and K samples per prompt (columns prompt, rejected, samples).
     *
     * @param beta  β, the samples' weight, default 0.1
     * @param alpha α, the dispreferred answer's weight, default 0.1
     */
    record D2o(Double beta, Double alpha) implements LossConfig {

        public D2o {
            beta = checkBeta(beta);
            alpha = Check.positive("alpha", orDefault(alpha, 0.1));
        }

        /** None: D2O's data has no chosen completion. */
        @Override
        public Double rpoAlpha() {
            return null;
        }

        @Override
        public PreferenceLoss createBase() {
            return new D2oLoss(beta, alpha);
        }
    }

    /**
     * {@code wrpo}: weighted-reward preference optimization (Yang et al. 2025, {@link WrpoLoss}) on
     * data with a source model's chosen answer beside the pair (columns prompt, source_chosen,
     * chosen, rejected).
     *
     * @param beta             β, default 0.01 (the official default)
     * @param alpha            α in [0, 1], the source answer's weight after the ramp, default 0.1
     * @param labelSmoothing   ε in [0, 0.5), default 0
     * @param variant          {@code wrpo} or {@code sigmoid} (two DPO terms), default {@code wrpo}
     * @param alphaWarmupSteps optimizer steps over which α ramps linearly from 0, default 0 (none)
     */
    record Wrpo(Double beta, Double alpha, Double labelSmoothing, WrpoVariant variant, Long alphaWarmupSteps)
            implements LossConfig {

        public Wrpo {
            beta = checkBeta(beta, 0.01);
            alpha = orDefault(alpha, 0.1);
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new ConfigValueException("alpha", "must be in [0, 1], got " + alpha);
            }
            labelSmoothing = checkLabelSmoothing(labelSmoothing, DEFAULT_LABEL_SMOOTHING);
            variant = orDefault(variant, WrpoVariant.WRPO);
            alphaWarmupSteps = orDefault(alphaWarmupSteps, 0L);
            if (alphaWarmupSteps < 0) {
                throw new ConfigValueException("alpha_warmup_steps", "must be >= 0, got " + alphaWarmupSteps);
            }
        }

        /** None. */
        @Override
        public Double rpoAlpha() {
            return null;
        }

        @Override
        public PreferenceLoss createBase() {
            return new WrpoLoss(beta, alpha, labelSmoothing, variant, alphaWarmupSteps, alpha);
        }
    }
}
