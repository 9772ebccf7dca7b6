package org.dpo4j.trainer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dpo4j.losses.DpoSigmoidLoss;
import org.dpo4j.losses.LossInputs;
import org.dpo4j.losses.LossRequirements;
import org.dpo4j.losses.OrpoLoss;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.SequenceLogProbs;
import org.dpo4j.losses.SequenceStats;
import org.dpo4j.losses.TdpoLoss;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.reference.LiveReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PreferenceScorer}, which runs the LM head and the log-softmax only at the scored
 * positions, against the full path it replaced: logits (2B, T, V) at every position, then
 * {@link SequenceStats#logProbs} / {@link SequenceStats#tokenDivergence} over the whole grid.
 *
 * <p>The batch has prompts of different lengths (1 to 9 tokens) and completions of different
 * lengths, so rows carry 0 to 16 padding positions and the scored positions start at different
 * columns. Both paths run the same float32 ops on the scored rows; they differ in which rows the
 * head's matmul sees and in the summation order of the masked sums, i.e. by a few float32 ulps
 * (u = 6e−8) per term. Per-row sums of ≤ 12 log-probs of size ~log 61 ≈ 4 are then equal to
 * ~1e−6 relative: the brief's 1e−5 relative holds with margin.
 */
class ScoredPositionsExactnessTest {

    private static final int VOCAB = 61;
    private static final double RELATIVE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "gpt2"})
    void sequenceLogProbsAndMetricsMatchTheFullPath(String arch) {
        List<TokenizedPair> pairs = ScoringFixtures.threePairs(5, VOCAB);
        int b = pairs.size();
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm policy = model(arch, 1, manager);
            CausalLm reference = model(arch, 2, manager);
            Batch.Tensors batch = new Batcher(0).batch(pairs).toTensors(manager);
            PreferenceScorer scorer = new PreferenceScorer(policy, new LiveReference(reference), new DpoSigmoidLoss(0.1));
            BatchPlan plan = scorer.plan(batch, b);
            PreferenceScorer.ReferencePass referencePass = scorer.reference(pairs, batch, plan);
            PreferenceScorer.Scored scored = scorer.score(batch, plan, referencePass, b);

            NDArray logits = policy.forward(batch.inputIds(), batch.attentionMask());
            SequenceLogProbs full = SequenceStats.logProbs(logits, batch.inputIds(), batch.lossMask());
            assertClose(full.rows(0, b), scored.inputs().policyChosen(), arch + " policy chosen");
            assertClose(full.rows(b, 2L * b), scored.inputs().policyRejected(), arch + " policy rejected");
            SequenceLogProbs fullReference = SequenceStats.logProbs(
                    reference.forward(batch.inputIds(), batch.attentionMask()), batch.inputIds(), batch.lossMask());
            assertClose(fullReference, referencePass.logProbs(), arch + " reference");

            // logits/chosen, logits/rejected: mean logit over V and over the scored positions.
            long seqLen = logits.getShape().get(1);
            NDArray scoredMask = batch.lossMask().get(":, 1:" + seqLen);
            NDArray positionMeans = logits.get(":, 0:" + (seqLen - 1) + ", :").mean(new int[] {-1}).mul(scoredMask);
            Map<String, Double> metrics = scored.metrics();
            assertRelative(positionMeans.get("0:" + b).sum().getFloat() / scoredMask.get("0:" + b).sum().getFloat(),
                    metrics.get(MetricNames.LOGITS_CHOSEN), 1e-5, arch + " logits/chosen");
            assertRelative(positionMeans.get(b + ":").sum().getFloat() / scoredMask.get(b + ":").sum().getFloat(),
                    metrics.get(MetricNames.LOGITS_REJECTED), 1e-5, arch + " logits/rejected");
        }
    }

    /** TDPO's per-sequence token KLs and ORPO's attended log-probs (prompt included) too. */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "gpt2"})
    void tokenKlsAndAttendedLogProbsMatchTheFullPath(String arch) {
        List<TokenizedPair> pairs = ScoringFixtures.threePairs(5, VOCAB);
        int b = pairs.size();
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm policy = model(arch, 3, manager);
            CausalLm reference = model(arch, 4, manager);
            Batch.Tensors batch = new Batcher(0).batch(pairs).toTensors(manager);
            TdpoLoss tdpo = new TdpoLoss(0.1, 0.5);
            PreferenceScorer scorer = new PreferenceScorer(policy, new LiveReference(reference), tdpo);
            BatchPlan plan = scorer.plan(batch, b);
            LossInputs inputs = scorer.score(batch, plan, scorer.reference(pairs, batch, plan), b).inputs();
            LossInputs full = fullPath(policy, reference, batch, b, tdpo);
            assertTrue(full.chosenTokenKl().sum().getFloat() > 0, "a KL between two different models");
            assertRelative(full.chosenTokenKl(), inputs.chosenTokenKl(), arch + " chosen token KL");
            assertRelative(full.rejectedTokenKl(), inputs.rejectedTokenKl(), arch + " rejected token KL");

            OrpoLoss orpo = new OrpoLoss(0.1);
            PreferenceScorer orpoScorer = new PreferenceScorer(policy, new LiveReference(reference), orpo);
            LossInputs orpoInputs = orpoScorer.score(batch, orpoScorer.plan(batch, b), null, b).inputs();
            LossInputs orpoFull = fullPath(policy, reference, batch, b, orpo);
            assertClose(orpoFull.policyChosenAttended(), orpoInputs.policyChosenAttended(), arch + " attended");
            assertClose(orpoFull.policyChosen(), orpoInputs.policyChosen(), arch + " ORPO chosen");
            assertClose(orpoFull.policyRejected(), orpoInputs.policyRejected(), arch + " ORPO rejected");
        }
    }

    /**
     * The gradient of the loss with respect to every policy parameter. Each entry is a sum over
     * the batch's positions of products of float32 values that agree to a few ulps between the
     * paths, so the entries agree to ~1e−7 of the tensor's largest entry (measured: a float32 ulp or two); the bound is 1e−5 of
     * that (plus 1e−9 for tensors whose gradient is ~0 throughout).
     */
    @ParameterizedTest
    @CsvSource({"llama, dpo", "qwen2, dpo", "gpt2, dpo", "llama, tdpo", "qwen2, orpo"})
    void gradientsMatchTheFullPath(String arch, String lossName) {
        PreferenceLoss loss = switch (lossName) {
            case "dpo" -> new DpoSigmoidLoss(0.1);
            case "tdpo" -> new TdpoLoss(0.1, 0.5);
            default -> new OrpoLoss(0.1);
        };
        List<float[]> scored = gradients(arch, loss, true);
        List<float[]> full = gradients(arch, loss, false);
        assertEquals(full.size(), scored.size());
        assertTrue(full.stream().anyMatch(g -> maxAbs(g) > 0), "the loss has a gradient");
        for (int p = 0; p < full.size(); p++) {
            float[] e = full.get(p);
            float[] a = scored.get(p);
            double scale = maxAbs(e);
            for (int i = 0; i < e.length; i++) {
                double bound = 1e-5 * scale + 1e-9;
                if (Math.abs(a[i] - e[i]) > bound) {
                    throw new AssertionError(arch + " " + lossName + ": parameter " + p + " entry " + i + ": full path "
                            + e[i] + ", scored positions " + a[i] + " (bound " + bound + ")");
                }
            }
        }
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float x : values) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    /** Every policy gradient after one forward/backward of {@code loss}, in parameter order. */
    private static List<float[]> gradients(String arch, PreferenceLoss loss, boolean scoredPositions) {
        List<TokenizedPair> pairs = ScoringFixtures.threePairs(5, VOCAB);
        int b = pairs.size();
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm policy = model(arch, 5, manager);
            CausalLm reference = model(arch, 6, manager);
            policy.weights().requireGradients();
            Batch.Tensors batch = new Batcher(0).batch(pairs).toTensors(manager);
            PreferenceScorer scorer = new PreferenceScorer(policy, new LiveReference(reference), loss);
            BatchPlan plan = scorer.plan(batch, b);
            PreferenceScorer.ReferencePass referencePass = scorer.reference(pairs, batch, plan);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                if (scoredPositions) {
                    scorer.score(batch, plan, referencePass, b).backward(collector, 1);
                } else {
                    collector.backward(loss.compute(fullPath(policy, reference, batch, b, loss)).loss());
                }
            }
            List<float[]> gradients = new ArrayList<>();
            for (NDArray p : policy.weights().list()) {
                gradients.add(p.getGradient().toFloatArray());
            }
            return gradients;
        }
    }

    /** The loss inputs as the scorer computed them before it gathered positions. */
    private static LossInputs fullPath(CausalLm policy, CausalLm reference, Batch.Tensors batch, int b,
            PreferenceLoss loss) {
        LossRequirements needs = loss.requirements();
        String chosen = "0:" + b;
        String rejected = b + ":" + 2 * b;
        NDArray logits = policy.forward(batch.inputIds(), batch.attentionMask());
        NDArray referenceLogits = reference.forward(batch.inputIds(), batch.attentionMask()).stopGradient();
        SequenceLogProbs policyLogps = SequenceStats.logProbs(logits, batch.inputIds(), batch.lossMask());
        SequenceLogProbs referenceLogps = SequenceStats.logProbs(referenceLogits, batch.inputIds(), batch.lossMask());
        NDArray tokenKl = needs.tokenKl()
                ? SequenceStats.tokenDivergence(logits, referenceLogits, batch.inputIds(), batch.lossMask(),
                        ((TdpoLoss) loss).tokenDivergence())
                : null;
        SequenceLogProbs attended = needs.attendedChosenLogProbs()
                ? SequenceStats.logProbs(logits.get(chosen), batch.inputIds().get(chosen), batch.attentionMask().get(chosen))
                : null;
        return new LossInputs(policyLogps.rows(0, b), policyLogps.rows(b, 2L * b), referenceLogps.rows(0, b),
                referenceLogps.rows(b, 2L * b), tokenKl == null ? null : tokenKl.get(chosen),
                tokenKl == null ? null : tokenKl.get(rejected), attended);
    }

    private static CausalLm model(String arch, long seed, NDManager manager) {
        ModelArchitecture architecture = ModelPresets.of(arch, "tiny", VOCAB);
        ModelWeights weights = ModelInitializer.randomWeights(architecture, seed, manager);
        return CausalLm.of(architecture, weights);
    }

    private static void assertClose(SequenceLogProbs expected, SequenceLogProbs actual, String what) {
        assertRelative(expected.sum(), actual.sum(), what + " sum");
        assertRelative(expected.mean(), actual.mean(), what + " mean");
        assertRelative(expected.tokenCount(), actual.tokenCount(), what + " count");
    }

    private static void assertRelative(NDArray expected, NDArray actual, String what) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertRelative(e[i], a[i], RELATIVE, what + " [" + i + "]");
        }
    }

    private static void assertRelative(double expected, double actual, double relative, String what) {
        assertEquals(expected, actual, relative * Math.max(Math.abs(expected), 1e-6), what);
    }
}
