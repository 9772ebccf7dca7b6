package org.dpo4j.trainer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import org.dpo4j.losses.LengthDesensitization;
import org.dpo4j.losses.LengthDesensitized;
import org.dpo4j.losses.LossInputs;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.RaDpoVariant;
import org.dpo4j.losses.RiskAwareDpoLoss;
import org.dpo4j.losses.SequenceStats;
import org.dpo4j.losses.TailRisk;
import org.dpo4j.losses.TokenMetrics;
import org.dpo4j.losses.WpoWeighted;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.reference.LiveReference;
import org.junit.jupiter.api.Test;

/**
 * The scorer's inputs for LD-DPO, WPO and Ra-DPO, and TRL's {@code entropy} and
 * {@code mean_token_accuracy}, computed at the scored positions only (chunked head), against the
 * full (2B, T, V) path through the losses module's functions that the golden vectors pin
 * ({@link SequenceStats#fromTokenLogProbs(NDArray, NDArray, NDArray)}, {@link SequenceStats#wpoLogWeights},
 * {@link SequenceStats#tokenRisk}, {@link TokenMetrics}). Same float32 ops on the same rows, other
 * summation order: equal to ~1e−6 relative (see {@code ScoredPositionsExactnessTest}).
 */
class ScorerLossFamilyExactnessTest {

    private static final int VOCAB = 61;
    private static final double RELATIVE = 1e-5;

    @Test
    void weightedSumsPairWeightsRisksAndMetricsMatchTheFullPath() {
        List<TokenizedPair> pairs = ScoringFixtures.threePairs(7, VOCAB);
        int b = pairs.size();
        String chosen = "0:" + b;
        String rejected = b + ":" + 2 * b;
        LengthDesensitization ld = new LengthDesensitization(0.3);
        TailRisk risk = new TailRisk(0.9, true);
        PreferenceLoss loss = new LengthDesensitized(
                new WpoWeighted(new RiskAwareDpoLoss(0.1, 0.5, RaDpoVariant.RA_DPO2, risk)), ld);
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm policy = ScoringFixtures.tinyLlama(5, VOCAB, manager);
            CausalLm reference = ScoringFixtures.tinyLlama(6, VOCAB, manager);
            Batch.Tensors batch = new Batcher(0).batch(pairs).toTensors(manager);
            PreferenceScorer scorer = new PreferenceScorer(policy, new LiveReference(reference), loss);
            BatchPlan plan = scorer.plan(batch, b);
            PreferenceScorer.Scored scored = scorer.score(batch, plan, scorer.reference(pairs, batch, plan), b);
            LossInputs in = scored.inputs();

            NDArray ids = batch.inputIds();
            NDArray mask = batch.lossMask();
            NDArray logits = policy.forward(ids, batch.attentionMask());
            NDArray referenceLogits = reference.forward(ids, batch.attentionMask());
            NDArray tokens = SequenceStats.tokenLogProbs(logits, ids);
            NDArray referenceTokens = SequenceStats.tokenLogProbs(referenceLogits, ids);
            LengthDesensitization.Weights w = ld.weights(mask.get(chosen), mask.get(rejected), tokens);
            assertTrue(w.chosen().sum().getFloat() < mask.get(chosen).sum().getFloat()
                    || w.rejected().sum().getFloat() < mask.get(rejected).sum().getFloat(), "some tokens are damped");
            assertRelative(SequenceStats.fromTokenLogProbs(tokens.get(chosen), mask.get(chosen), w.chosen()).sum(),
                    in.policyChosen().sum(), "LD policy chosen");
            assertRelative(SequenceStats.fromTokenLogProbs(tokens.get(rejected), mask.get(rejected), w.rejected()).sum(),
                    in.policyRejected().sum(), "LD policy rejected");
            assertRelative(SequenceStats.fromTokenLogProbs(referenceTokens.get(chosen), mask.get(chosen), w.chosen()).sum(),
                    in.referenceChosen().sum(), "LD reference chosen");
            assertRelative(SequenceStats.fromTokenLogProbs(tokens, mask).sum().get(chosen),
                    in.policyChosenUnweighted().sum(), "plain policy chosen");

            NDArray logWeights = SequenceStats.wpoLogWeights(logits, ids, mask);
            assertRelative(logWeights.get(chosen), in.chosenLogWeights(), "WPO chosen log weights");
            assertRelative(logWeights.get(rejected), in.rejectedLogWeights(), "WPO rejected log weights");

            NDArray risks = SequenceStats.tokenRisk(logits, referenceLogits, ids, mask, risk);
            assertTrue(risks.sum().getFloat() > 0, "a risk between two different models");
            assertRelative(risks.get(chosen), in.chosenTokenRisk(), "chosen risk");
            assertRelative(risks.get(rejected), in.rejectedTokenRisk(), "rejected risk");

            long seqLen = logits.getShape().get(1);
            NDArray predicting = logits.get(":, 0:" + (seqLen - 1) + ", :");
            NDArray scoredMask = mask.get(":, 1:" + seqLen).toType(DataType.FLOAT32, false);
            NDArray entropy = TokenMetrics.entropy(predicting).mul(scoredMask);
            NDArray correct = TokenMetrics.correct(predicting, ids.get(":, 1:" + seqLen)).mul(scoredMask);
            Map<String, Double> metrics = scored.metrics();
            assertRelative(entropy.sum().getFloat() / scoredMask.sum().getFloat(), metrics.get(MetricNames.ENTROPY),
                    "entropy");
            assertEquals(correct.get(chosen).sum().getFloat() / scoredMask.get(chosen).sum().getFloat(),
                    metrics.get(MetricNames.MEAN_TOKEN_ACCURACY), 1e-6, "mean_token_accuracy");
        }
    }

    private static void assertRelative(NDArray expected, NDArray actual, String what) {
        float[] e = expected.toType(DataType.FLOAT32, false).toFloatArray();
        float[] a = actual.toType(DataType.FLOAT32, false).toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertRelative(e[i], a[i], what + " [" + i + "]");
        }
    }

    private static void assertRelative(double expected, double actual, String what) {
        assertEquals(expected, actual, RELATIVE * Math.max(Math.abs(expected), 1e-6), what);
    }
}
