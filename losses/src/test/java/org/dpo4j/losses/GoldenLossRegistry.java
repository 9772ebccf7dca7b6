package org.dpo4j.losses;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The one map from a golden loss name (a key of {@code index.json}) to a factory that builds our
 * implementation from a case's hyper-parameters (the file's defaults overlaid with the case's own).
 * Adding a loss = one entry here; golden losses without an entry are not tested yet.
 */
final class GoldenLossRegistry {

    static final SortedMap<String, Function<JsonNode, PreferenceLoss>> FACTORIES = new TreeMap<>();

    // One put per golden loss name (more than Map.of's 10 entries; one line each merges cleanly).
    static {
        FACTORIES.put("dpo_sigmoid", hp -> new DpoSigmoidLoss(num(hp, "beta")));
        FACTORIES.put("cdpo", hp -> new DpoSigmoidLoss(num(hp, "beta"), num(hp, "label_smoothing")));
        FACTORIES.put("robust", hp -> new RobustDpoLoss(num(hp, "beta"), num(hp, "label_smoothing")));
        FACTORIES.put("ipo", hp -> new IpoLoss(num(hp, "beta"), true));
        FACTORIES.put("ipo_sum", hp -> new IpoLoss(num(hp, "beta"), false));
        FACTORIES.put("sigmoid_norm", hp -> new SigmoidNormLoss(num(hp, "beta")));
        FACTORIES.put("dpo_reference_free", hp -> new ReferenceFreeDpoLoss(num(hp, "beta")));
        FACTORIES.put("hinge", hp -> new HingeLoss(num(hp, "beta")));
        FACTORIES.put("exo_pair", hp -> new ExoPairLoss(num(hp, "beta"), num(hp, "label_smoothing")));
        FACTORIES.put("nca_pair", hp -> new NcaPairLoss(num(hp, "beta")));
        FACTORIES.put("bco_pair", hp -> new BcoPairLoss(num(hp, "beta"), bcoDelta(hp.required("delta").asText())));
        FACTORIES.put("sppo_hard", hp -> new SppoHardLoss(num(hp, "beta")));
        FACTORIES.put("aot", hp -> new AotLoss(num(hp, "beta"), num(hp, "label_smoothing"), false));
        FACTORIES.put("aot_pair", hp -> new AotLoss(num(hp, "beta"), num(hp, "label_smoothing"), true));
        FACTORIES.put("apo_zero", hp -> new ApoZeroLoss(num(hp, "beta")));
        FACTORIES.put("apo_down", hp -> new ApoDownLoss(num(hp, "beta")));
        FACTORIES.put("discopop", hp -> new DiscoPopLoss(num(hp, "beta"), num(hp, "tau")));
        FACTORIES.put("hdpo", hp -> new HDpoLoss(num(hp, "beta"), num(hp, "alpha")));
        FACTORIES.put("simpo", hp -> new SimPoLoss(num(hp, "beta"), num(hp, "gamma"), num(hp, "label_smoothing")));
        FACTORIES.put("cpo", hp -> new CpoLoss(num(hp, "beta"), num(hp, "label_smoothing"), num(hp, "cpo_alpha")));
        FACTORIES.put("fdpo_reverse_kl", hp -> new FDpoLoss(num(hp, "beta"), Divergence.named("reverse_kl", 0)));
        FACTORIES.put("fdpo_forward_kl", hp -> new FDpoLoss(num(hp, "beta"), Divergence.named("forward_kl", 0)));
        FACTORIES.put("fdpo_js_divergence", hp -> new FDpoLoss(num(hp, "beta"), Divergence.named("js", 0)));
        FACTORIES.put("fdpo_alpha_divergence",
                hp -> new FDpoLoss(num(hp, "beta"), Divergence.named("alpha", num(hp, "alpha"))));
        FACTORIES.put("tdpo1", hp -> new TdpoLoss(num(hp, "beta"), hp.path("alpha").asDouble(0.5), TdpoVariant.TDPO1));
        FACTORIES.put("tdpo2", hp -> new TdpoLoss(num(hp, "beta"), num(hp, "alpha"), TdpoVariant.TDPO2));
        FACTORIES.put("orpo", hp -> new OrpoLoss(num(hp, "beta")));
        FACTORIES.put("dpo_rpo", hp -> new NllRegularized(new DpoSigmoidLoss(num(hp, "beta")), num(hp, "rpo_alpha")));
        // losses-2: TRL's combinations, LD-DPO, WPO; Ra-DPO, D2O, WRPO
        FACTORIES.put("dpo_combined", GoldenLossRegistry::trlLoss);
        FACTORIES.put("ld_dpo", GoldenLossRegistry::trlLoss);
        FACTORIES.put("wpo", GoldenLossRegistry::trlLoss);
        FACTORIES.put("ra_dpo1", hp -> new RiskAwareDpoLoss(num(hp, "beta"), hp.path("alpha").asDouble(0.5),
                RaDpoVariant.RA_DPO1, tailRisk(hp)));
        FACTORIES.put("ra_dpo2", hp -> new RiskAwareDpoLoss(num(hp, "beta"), num(hp, "alpha"),
                RaDpoVariant.RA_DPO2, tailRisk(hp)));
        FACTORIES.put("d2o", hp -> new D2oLoss(num(hp, "beta"), num(hp, "alpha")));
        FACTORIES.put("wrpo", hp -> new WrpoLoss(num(hp, "beta"), hp.path("alpha").asDouble(0),
                num(hp, "label_smoothing"), WrpoVariant.fromConfig(hp.required("loss_type").asText())));
    }

    /** Golden files that hold no loss but metrics, tested by their own test ({@code TrlMetricsGoldenTest}). */
    static final java.util.Set<String> METRICS_ONLY = java.util.Set.of("trl_dpo_metrics");

    /**
     * TRL's {@code DPOTrainer} loss from a case's {@code loss_type} list and
     * {@code loss_weights_effective}: one type with weight 1 is that loss alone, more a
     * {@link CombinedLoss}; {@code use_weighting} wraps it in {@link WpoWeighted}, {@code ld_alpha}
     * in {@link LengthDesensitized}.
     */
    private static PreferenceLoss trlLoss(JsonNode hp) {
        JsonNode types = hp.required("loss_type");
        JsonNode weights = hp.required("loss_weights_effective");
        java.util.List<CombinedLoss.Term> terms = new java.util.ArrayList<>();
        for (int k = 0; k < types.size(); k++) {
            terms.add(new CombinedLoss.Term(trlType(types.get(k).asText(), hp), weights.get(k).doubleValue()));
        }
        PreferenceLoss loss = terms.size() == 1 && terms.get(0).weight() == 1
                ? terms.get(0).loss()
                : new CombinedLoss(terms);
        if (hp.path("use_weighting").asBoolean(false)) {
            loss = new WpoWeighted(loss);
        }
        if (hp.path("ld_alpha").isNumber()) {
            loss = new LengthDesensitized(loss, new LengthDesensitization(num(hp, "ld_alpha"),
                    !"plain".equals(hp.path("ld_reference").asText("weighted"))));
        }
        return loss;
    }

    /** One TRL loss type with the case's shared hyper-parameters (TRL HEAD's forms). */
    private static PreferenceLoss trlType(String type, JsonNode hp) {
        double beta = num(hp, "beta");
        double smoothing = hp.path("label_smoothing").asDouble(0);
        return switch (type) {
            case "sigmoid" -> new DpoSigmoidLoss(beta, smoothing);
            case "robust" -> new RobustDpoLoss(beta, smoothing);
            case "exo_pair" -> new ExoPairLoss(beta, smoothing == 0 ? 1e-3 : smoothing);
            case "hinge" -> new HingeLoss(beta);
            case "ipo" -> new IpoLoss(beta, true);
            case "nca_pair" -> new NcaPairLoss(beta);
            case "bco_pair" -> new BcoPairLoss(beta, BcoPairLoss.BcoDelta.ZERO);
            case "sppo_hard" -> new SppoHardLoss(beta);
            case "apo_zero" -> new ApoZeroLoss(beta);
            case "apo_down" -> new ApoDownLoss(beta);
            case "discopop" -> new DiscoPopLoss(beta, num(hp, "discopop_tau"));
            case "sigmoid_norm" -> new SigmoidNormLoss(beta);
            case "sft" -> new SftLoss();
            default -> throw new IllegalArgumentException("unknown TRL loss type " + type);
        };
    }

    private static TailRisk tailRisk(JsonNode hp) {
        return new TailRisk(num(hp, "confidence_level"), hp.required("is_split_risk_ratio").asBoolean());
    }

    /** A required numeric hyper-parameter. */
    private static double num(JsonNode hp, String key) {
        return hp.required(key).doubleValue();
    }

    /** bco_pair's golden {@code delta}: a fresh instance per case, so its first call is the first step. */
    private static BcoPairLoss.BcoDelta bcoDelta(String delta) {
        return switch (delta) {
            case "zero" -> BcoPairLoss.BcoDelta.ZERO;
            case "batch_mean_first_step" -> BcoPairLoss.BcoDelta.RUNNING_MEAN;
            default -> throw new IllegalArgumentException("unknown bco_pair delta " + delta);
        };
    }

    private GoldenLossRegistry() {}

    static PreferenceLoss create(GoldenVectors.GoldenCase c) {
        Function<JsonNode, PreferenceLoss> factory = FACTORIES.get(c.loss());
        if (factory == null) {
            throw new IllegalArgumentException("no implementation registered for golden loss " + c.loss());
        }
        return factory.apply(c.hyperparameters());
    }
}
