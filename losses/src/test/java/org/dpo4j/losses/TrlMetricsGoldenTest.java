package org.dpo4j.losses;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.dpo4j.losses.GoldenVectors.GoldenCase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * TRL's DPO metrics ({@code trl_dpo_metrics} of each {@code golden.dir} folder that lists it) from
 * the logits through {@link TokenMetrics} and {@link SequenceStats}: per token the entropy, whether
 * the argmax is the label and the vocabulary-mean logit; per batch {@code entropy} (all scored
 * chosen and rejected positions), {@code mean_token_accuracy} (chosen positions),
 * {@code logits/*}, {@code logps/*} and DPO's {@code rewards/*} ({@code rewards/accuracies} where the
 * file gives it: it is null when a pair's rewards tie up to round-off).
 */
class TrlMetricsGoldenTest {

    private static final String METRICS = "trl_dpo_metrics";

    @TestFactory
    Stream<DynamicTest> float64() {
        return tests(Precision.FLOAT64, false);
    }

    @TestFactory
    Stream<DynamicTest> float32() {
        return tests(Precision.FLOAT32, true);
    }

    private static Stream<DynamicTest> tests(Precision precision, boolean skipHard) {
        return GoldenVectors.directories().stream()
                .filter(dir -> GoldenVectors.indexEntry(dir, METRICS).isObject())
                .flatMap(dir -> GoldenVectors.cases(dir, METRICS).stream())
                .filter(c -> !skipHard || !(c.tagged("stress") || c.tagged("logit_offset")))
                .map(c -> dynamicTest(c.folder().getFileName() + "/" + c.id(), () -> check(c, precision)));
    }

    /** One side's per-position statistics, masked to the scored positions. */
    private record Side(NDArray mask, NDArray entropy, NDArray entropyOfLogProbs, NDArray correct, NDArray vocabMean, SequenceLogProbs policy,
            SequenceLogProbs reference) {

        static Side of(NDManager manager, JsonNode input, String side, DataType type) {
            NDArray ids = GoldenVectors.longArray(manager, input.required(side + "_input_ids"));
            NDArray lossMask = GoldenVectors.longArray(manager, input.required(side + "_loss_mask"));
            NDArray logits = GoldenVectors.array(manager, input.required(side + "_policy_logits"), type);
            NDArray refLogits = GoldenVectors.array(manager, input.required(side + "_ref_logits"), type);
            long t = logits.getShape().get(1);
            NDArray predicting = logits.get(":, 0:" + (t - 1) + ", :");
            NDArray mask = lossMask.get(":, 1:" + t).toType(type, false);
            return new Side(mask,
                    TokenMetrics.entropy(predicting).mul(mask),
                    TokenMetrics.entropyOfLogProbs(SequenceStats.logSoftmax(predicting)).mul(mask),
                    TokenMetrics.correct(predicting, ids.get(":, 1:" + t)).mul(mask),
                    TokenMetrics.vocabMeanLogit(predicting).mul(mask),
                    SequenceStats.logProbs(logits, ids, lossMask),
                    SequenceStats.logProbs(refLogits, ids, lossMask));
        }
    }

    private static void check(GoldenCase c, Precision precision) {
        Closeness check = new Closeness(precision);
        JsonNode input = GoldenVectors.logitsInput(c.folder(), c.logitsCase());
        JsonNode expected = c.expected();
        JsonNode metrics = expected.required("metrics");
        try (NDManager manager = NDManager.newBaseManager()) {
            Side chosen = Side.of(manager, input, "chosen", precision.type);
            Side rejected = Side.of(manager, input, "rejected", precision.type);
            for (String side : new String[] {"chosen", "rejected"}) {
                Side s = side.equals("chosen") ? chosen : rejected;
                JsonNode perToken = expected.required("per_token").required(side);
                check.values(side + ": per_token.entropy", s.entropy(), perToken.required("entropy"));
                // the head's path: the same entropy from the log-probs it already has
                check.values(side + ": per_token.entropy from log-probs", s.entropyOfLogProbs(),
                        perToken.required("entropy"));
                check.values(side + ": per_token.correct", s.correct(),
                        masked(manager, perToken.required("correct"), s.mask()));
                check.values(side + ": per_token.vocab_mean_logit", s.vocabMean(),
                        masked(manager, perToken.required("vocab_mean_logit"), s.mask()));
                check.values("logits/" + side, s.vocabMean().sum().div(s.mask().sum()), metrics.required("logits/" + side));
                check.values("logps/" + side, s.policy().sum().mean(), metrics.required("logps/" + side));
            }
            NDArray tokens = chosen.mask().sum().add(rejected.mask().sum());
            check.values("entropy", chosen.entropy().sum().add(rejected.entropy().sum()).div(tokens),
                    metrics.required("entropy"));
            check.values("mean_token_accuracy", chosen.correct().sum().div(chosen.mask().sum()),
                    metrics.required("mean_token_accuracy"));

            LossOutput dpo = new DpoSigmoidLoss(c.hyperparameters().required("beta").doubleValue()).compute(new LossInputs(
                    chosen.policy(), rejected.policy(), chosen.reference(), rejected.reference()));
            check.values("rewards/chosen", dpo.chosenRewards().mean(), metrics.required("rewards/chosen"));
            check.values("rewards/rejected", dpo.rejectedRewards().mean(), metrics.required("rewards/rejected"));
            check.values("rewards/margins", dpo.chosenRewards().sub(dpo.rejectedRewards()).mean(),
                    metrics.required("rewards/margins"));
            if (metrics.path("rewards/accuracies").isNumber()) {
                check.values("rewards/accuracies",
                        dpo.chosenRewards().gt(dpo.rejectedRewards()).toType(precision.type, false).mean(),
                        metrics.get("rewards/accuracies"));
            }
        }
        check.assertNone(c.id());
    }

    /** A per-token golden array times the scored-position mask (it may fill unscored entries). */
    private static JsonNode masked(NDManager manager, JsonNode values, NDArray mask) {
        double[] v = GoldenVectors.doubles(values);
        double[] m = mask.toType(DataType.FLOAT64, false).toDoubleArray();
        com.fasterxml.jackson.databind.node.ArrayNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        long cols = mask.getShape().get(1);
        for (int i = 0; i < mask.getShape().get(0); i++) {
            com.fasterxml.jackson.databind.node.ArrayNode row = out.addArray();
            for (int j = 0; j < cols; j++) {
                row.add(v[(int) (i * cols + j)] * m[(int) (i * cols + j)]);
            }
        }
        return out;
    }
}
