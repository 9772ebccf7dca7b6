package org.dpo4j.trainer.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dpo4j.losses.AlphaDivergence;
import org.dpo4j.losses.DpoSigmoidLoss;
import org.dpo4j.losses.FDpoLoss;
import org.dpo4j.losses.JensenShannon;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.RaDpoVariant;
import org.dpo4j.losses.RiskAwareDpoLoss;
import org.dpo4j.losses.SequenceStats;
import org.dpo4j.losses.SimPoLoss;
import org.dpo4j.losses.TailRisk;
import org.dpo4j.losses.TdpoLoss;
import org.dpo4j.losses.TdpoVariant;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.config.LoraConfig;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.lora.LoraWeights;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.registry.ModelFamilies;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.reference.LiveReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RecomputedHead} (the scorer's default) against the plain path it replaces, autograd
 * through the chunked head ({@link PreferenceScorer.HeadBackward#AUTOGRAD}, {@link TokenScores}).
 *
 * <p>The forward values come from the same float32 ops on the same rows, so the loss and every
 * metric are bit-identical. The gradients reach the parameters along the same ops with the same
 * upstream values (∂L/∂ℓ and ∂L/∂t computed by the same loss graph); only the order in which the
 * head's, the body's and (for a tied head) the embedding's contributions are added differs, a
 * float32 ulp or two of the largest entry: the bound is 1e−6 of the tensor's largest entry (plus
 * 1e−10 for tensors whose gradient is ~0).
 */
class RecomputedHeadTest {

    private static final int VOCAB = 61;

    /** family spec: "preset arch" (tiny) or "example family" (the family's example: Gemma's soft-caps, untied head). */
    @ParameterizedTest
    @CsvSource({
        "llama, dpo", "llama, fdpo-js", "llama, tdpo1", "llama, tdpo2", "llama, radpo",
        "qwen3, fdpo-alpha", "gpt2, tdpo2",
        "gemma3_text, dpo", "gemma3_text, tdpo1", // tied head
        "example:gemma3_text, dpo", "example:gemma3_text, tdpo2" // both soft-caps, untied head
    })
    void lossMetricsAndEveryGradientEqualAutogradsThroughTheHead(String family, String lossName) {
        PreferenceLoss loss = loss(lossName);
        assertSameLossAndGradients(family + " " + lossName, run(family, loss, PreferenceScorer.HeadBackward.AUTOGRAD, null),
                run(family, loss, PreferenceScorer.HeadBackward.RECOMPUTED, null), 1e-6);
    }

    /**
     * The losses of the label log-probs alone, whose (M, V) probabilities the head above keeps
     * (M ≤ d in these batches; {@link KeptProbabilities}), with the recomputing path instead: what
     * the head does when they do not fit.
     */
    @ParameterizedTest
    @CsvSource({"llama, dpo", "gpt2, fdpo-js", "gemma3_text, dpo"})
    void withoutKeptProbabilitiesTheRecomputedChunksEqualAutograd(String family, String lossName) {
        PreferenceLoss loss = loss(lossName);
        assertSameLossAndGradients(family + " " + lossName + " recomputed",
                run(family, loss, PreferenceScorer.HeadBackward.AUTOGRAD, null),
                run(family, loss, PreferenceScorer.HeadBackward.RECOMPUTED, null, false), 1e-6);
    }

    /**
     * LoRA on every linear layer of the tiny llama (B drawn at random, so that A's gradients are
     * not 0): the adapters' gradients through the segmented body equal autograd's. Without
     * dropout down_proj and its adapter run outside the graph ({@code model.DetachedLinear});
     * with dropout they stay in it, on the kept product (p = 1/2: the mask's 1/(1 − p) is exact,
     * so the comparison is not about its rounding). The bound is 3e−6 of each tensor's largest
     * entry: an adapter's gradient goes through the other factor (B for A, A for B), and the
     * differences in summation order reach 1.0e−6 (A) and 1.15e−6 (B) of it in the first layer
     * with either dropout; a wrong scaling or a missing term would be of the gradient's own size.
     * Losses of the label log-probs alone (DPO, f-DPO) take the frozen head's Jacobian formed in
     * the forward pass, here from the kept probabilities (M ≤ d; {@link KeptProbabilities#labelJacobians});
     * TDPO's per-position KL, and Gemma's soft-capped head (its example; the tied preset has no
     * cap), the recomputed chunks.
     */
    @ParameterizedTest
    @CsvSource({
        "llama, tdpo2, 0.0", "llama, tdpo2, 0.5", "llama, dpo, 0.0", "llama, fdpo-js, 0.5", "qwen3, dpo, 0.0",
        "gpt2, dpo, 0.0", "gemma3_text, dpo, 0.0", "example:gemma3_text, dpo, 0.0"
    })
    void loraAdaptersGradientsEqualAutogradsThroughTheSegments(String family, String lossName, double dropout) {
        PreferenceLoss loss = loss(lossName);
        String what = "lora " + family + " " + lossName + " dropout " + dropout;
        assertSameLossAndGradients(what, run(family, loss, PreferenceScorer.HeadBackward.AUTOGRAD, dropout),
                run(family, loss, PreferenceScorer.HeadBackward.RECOMPUTED, dropout), 3e-6);
    }

    /**
     * LoRA's frozen head with the per-chunk Jacobians ({@code RecomputedHead.labelJacobian}), the
     * path taken where the (M, V) probabilities do not fit; above, they fit, and the Jacobians
     * come from them in one product ({@link KeptProbabilities#labelJacobians}).
     */
    @ParameterizedTest
    @CsvSource({"llama, dpo, 0.0", "qwen3, fdpo-js, 0.5", "gemma3_text, dpo, 0.0"})
    void loraWithoutKeptProbabilitiesTheChunksJacobiansEqualAutograd(String family, String lossName, double dropout) {
        PreferenceLoss loss = loss(lossName);
        String what = "lora " + family + " " + lossName + " dropout " + dropout + " chunk Jacobians";
        assertSameLossAndGradients(what, run(family, loss, PreferenceScorer.HeadBackward.AUTOGRAD, dropout),
                run(family, loss, PreferenceScorer.HeadBackward.RECOMPUTED, dropout, false), 3e-6);
    }

    private static PreferenceLoss loss(String name) {
        return switch (name) {
            case "dpo" -> new DpoSigmoidLoss(0.1);
            case "fdpo-js" -> new FDpoLoss(0.1, new JensenShannon());
            case "fdpo-alpha" -> new FDpoLoss(0.1, new AlphaDivergence(0.5));
            case "tdpo1" -> new TdpoLoss(0.1, 0.5, TdpoVariant.TDPO1);
            case "tdpo2" -> new TdpoLoss(0.1, 0.5, TdpoVariant.TDPO2);
            case "radpo" -> new RiskAwareDpoLoss(0.1, 0.5, RaDpoVariant.RA_DPO2, new TailRisk(0.9, true));
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static void assertSameLossAndGradients(String what, Run plain, Run recomputed, double relativeBound) {
        assertEquals(plain.metrics(), recomputed.metrics(), "loss and metrics");
        assertEquals(plain.gradients().size(), recomputed.gradients().size());
        assertTrue(plain.gradients().stream().allMatch(g -> maxAbs(g) > 0), "every parameter has a gradient");
        for (int p = 0; p < plain.gradients().size(); p++) {
            float[] e = plain.gradients().get(p);
            float[] a = recomputed.gradients().get(p);
            double bound = relativeBound * maxAbs(e) + 1e-10;

            for (int i = 0; i < e.length; i++) {
                if (Math.abs(a[i] - e[i]) > bound) {
                    throw new AssertionError(what + ": parameter " + plain.names().get(p) + " entry "
                            + i + ": autograd " + e[i] + ", recomputed " + a[i] + " (bound " + bound + ")");
                }
            }
        }
    }

    /**
     * Several chunks (4 positions each) and a loss weighting every position differently: the
     * leaves' values and the metrics (to an ulp) and the gradients equal autograd's through
     * {@link TokenScores} in the same chunks. With a per-position term over the vocabulary (TDPO's KL) the chunks are
     * recomputed; without one the (M, V) probabilities are kept ({@link KeptProbabilities}: M ≤ d
     * here) or, when not allowed, recomputed. A frozen head (its weight without gradient, as
     * LoRA's) turns its probabilities into Jacobians in groups of 8 positions (three groups here),
     * or recomputes its chunks when not allowed.
     */
    @ParameterizedTest
    @CsvSource({"true, true, false", "false, true, false", "false, false, false", "false, true, true", "false, false, true"})
    void severalChunksEqualAutograd(boolean positionTerm, boolean mayKeepProbabilities, boolean frozenHead) {
        List<TokenizedPair> pairs = ScoringFixtures.threePairs(3, VOCAB);
        ModelArchitecture architecture = ModelPresets.of("llama", "tiny", VOCAB);
        List<List<float[]>> runs = new ArrayList<>();
        List<List<float[]>> values = new ArrayList<>();
        for (boolean recompute : new boolean[] {false, true}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                ModelWeights weights = ModelInitializer.randomWeights(architecture, 21, manager);
                CausalLm model = CausalLm.of(architecture, weights);
                CausalLm reference = CausalLm.of(architecture, ModelInitializer.randomWeights(architecture, 22, manager));
                weights.requireGradients();
                if (frozenHead) { // LoRA's case: a head weight without gradient, the body trained
                    model.headWeight().setRequiresGradient(false);
                }
                Batch.Tensors batch = new Batcher(0).batch(pairs).toTensors(manager);
                ScoredPositions at = ScoredPositions.of(batch, 0);
                NDArray referenceLogProbs = TokenScores.of(reference,
                        reference.hiddenStates(batch.inputIds(), batch.attentionMask()), at, true).logProbs();
                RecomputedHead.PositionTerm kl = (logProbs, rows) -> SequenceStats.distributionDivergence(logProbs,
                        referenceLogProbs.get(rows), new org.dpo4j.losses.ForwardKl());
                List<RecomputedHead.PositionTerm> terms = positionTerm ? List.of(kl) : List.of();
                long m = referenceLogProbs.getShape().get(0);
                assertTrue(m > 12, "several chunks of 4");
                assertTrue(KeptProbabilities.fits(m, architecture), "M ≤ d: the probabilities may be kept");
                Random random = new Random(9); // the same weights in both runs
                NDArray w = manager.create(uniform(random, (int) m));
                NDArray u = manager.create(uniform(random, (int) m));
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray hidden = model.hiddenStates(batch.inputIds(), batch.attentionMask());
                    TokenScores scores;
                    List<NDArray> termValues = new ArrayList<>();
                    RecomputedHead head = null;
                    if (recompute) {
                        // a frozen head's Jacobians in groups of 8 positions, over chunks of 4
                        head = RecomputedHead.of(model, hidden, at, true, true, terms, 4, 8, mayKeepProbabilities);
                        scores = head.scores();
                        assertNull(scores.logProbs(), "no (M, V) array is returned");
                        for (int k = 0; k < terms.size(); k++) {
                            termValues.add(head.term(k));
                        }
                    } else {
                        scores = TokenScores.of(model, hidden, at, true, true, true, 4);
                        for (RecomputedHead.PositionTerm term : terms) {
                            termValues.add(term.apply(scores.logProbs(), ":"));
                        }
                    }
                    NDArray loss = scores.labelLogProbs().mul(w).sum();
                    for (NDArray t : termValues) {
                        loss = loss.add(t.mul(t).mul(u).sum());
                    }
                    collector.backward(loss);
                    if (head != null) {
                        head.backward(collector);
                    }
                    List<float[]> run = new ArrayList<>();
                    for (NDArray v : List.of(scores.labelLogProbs(), scores.meanLogits(), scores.entropy(),
                            scores.correct(), scores.wpoTerms())) {
                        run.add(v.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
                    }
                    termValues.forEach(t -> run.add(t.toFloatArray()));
                    values.add(run);
                }
                List<float[]> gradients = new ArrayList<>();
                for (NDArray p : weights.list()) {
                    if (p.hasGradient()) {
                        gradients.add(p.getGradient().toFloatArray());
                    }
                }
                assertEquals(weights.list().size() - (frozenHead ? 1 : 0), gradients.size(), "parameters with a gradient");
                runs.add(gradients);
            }
        }
        List<String> names = List.of("label log-probs", "mean logits", "entropy", "accuracy", "WPO terms", "token KLs");
        // The same float32 ops on the same rows; a row reduced inside a view of the kept (M, V)
        // product starts at another alignment than inside a chunk of its own (61 floats a row
        // here), which may change a reduction's vector order: a float32 ulp of the row's value.
        for (int k = 0; k < values.get(0).size(); k++) {
            float[] e = values.get(0).get(k);
            float[] a = values.get(1).get(k);
            assertEquals(e.length, a.length, names.get(k));
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], 1e-6 * Math.abs(e[i]) + 1e-12, names.get(k) + " at " + i);
            }
        }
        for (int p = 0; p < runs.get(0).size(); p++) {
            float[] e = runs.get(0).get(p);
            float[] a = runs.get(1).get(p);
            assertTrue(maxAbs(e) > 0, "parameter " + p + " has a gradient");
            double bound = 1e-6 * maxAbs(e) + 1e-10;
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], bound, "parameter " + p + " entry " + i);
            }
        }
    }

    /**
     * What the head keeps between the forward and the backward pass does not grow with the
     * vocabulary: resident memory grows by the scored batch's (M, V) log-probs through autograd
     * (M·ΔV·4 bytes more at the larger vocabulary; measured 160-190 MB of 240: more than a third
     * is the check that the measurement sees them), and by less than a quarter of that with the
     * recomputed head (measured: 0). M = 512 scored positions; V from
     * 8,192 to 131,072, so M·ΔV·4 = 252 MB. Each chunk of 256 positions is 128 MB at the larger
     * vocabulary, above glibc's largest mmap threshold (32 MiB): the chunks freed before the
     * measurement go back to the system, and what is resident is what is kept.
     */
    @Test
    void memoryKeptForTheBackwardPassDoesNotGrowWithTheVocabulary() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/statm")), "resident memory from /proc (Linux)");
        int small = 8192;
        int large = 131_072;
        long kept = 512L * (large - small) * Float.BYTES;
        long[] atSmall = kept(small);
        long[] atLarge = kept(large);
        long autograd = atLarge[0] - atSmall[0];
        long recomputed = atLarge[1] - atSmall[1];
        System.out.printf("resident growth from V=%d to V=%d: autograd %d MB, recomputed %d MB (M·ΔV·4 = %d MB)%n",
                small, large, autograd >> 20, recomputed >> 20, kept >> 20);
        assertTrue(autograd > kept / 3, "autograd's (M, V) log-probs are seen: " + autograd + " bytes, M·ΔV·4 = " + kept);
        assertTrue(recomputed < kept / 4, "the recomputed head keeps " + recomputed + " bytes more, M·ΔV·4 = " + kept);
    }

    /**
     * Resident bytes added by the policy's scoring pass before backward, through autograd and
     * recomputed (SimPO: no reference pass).
     */
    private static long[] kept(int vocab) throws IOException {
        ModelArchitecture architecture = ModelPresets.of("llama", "tiny", vocab);
        List<TokenizedPair> pairs = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 4; i++) { // 4 pairs x 2 rows x 64 completion tokens = 512 scored positions
            pairs.add(new TokenizedPair("p" + i, random.ints(8, 1, vocab).toArray(), random.ints(64, 1, vocab).toArray(),
                    random.ints(64, 1, vocab).toArray()));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = ModelInitializer.randomWeights(architecture, 1, manager);
            weights.requireGradients();
            CausalLm policy = CausalLm.of(architecture, weights);
            PreferenceScorer scorer = new PreferenceScorer(policy, null, new SimPoLoss(2.0, 0.5, 0.0));
            long[] growth = new long[2];
            // a first (warm-up) round grows the allocator's pools; then one measured round of each
            for (PreferenceScorer.HeadBackward mode : List.of(PreferenceScorer.HeadBackward.AUTOGRAD,
                    PreferenceScorer.HeadBackward.AUTOGRAD, PreferenceScorer.HeadBackward.RECOMPUTED)) {
                try (NDManager step = manager.newSubManager()) {
                    Batch.Tensors batch = new Batcher(0).batch(pairs).toTensors(step);
                    BatchPlan plan = scorer.plan(batch, pairs.size());
                    assertEquals(512, plan.at().labels().getShape().get(0), "scored positions");
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        long before = residentBytes();
                        PreferenceScorer.Scored scored = scorer.withHeadBackward(mode).score(batch, plan, null, pairs.size());
                        growth[mode.ordinal()] = residentBytes() - before;
                        scored.backward(collector, 1);
                    }
                }
            }
            return growth;
        }
    }

    private static long residentBytes() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
        return Long.parseLong(fields[1]) * 4096L;
    }

    private record Run(Map<String, Double> metrics, List<String> names, List<float[]> gradients) {}

    /** @param loraDropout null for full fine-tuning, else LoRA r 4 on every linear layer with this dropout */
    private static Run run(String family, PreferenceLoss loss, PreferenceScorer.HeadBackward mode, Double loraDropout) {
        return run(family, loss, mode, loraDropout, true);
    }

    /** @param mayKeepProbabilities false: the recomputing head even where the probabilities would be kept */
    private static Run run(String family, PreferenceLoss loss, PreferenceScorer.HeadBackward mode, Double loraDropout,
            boolean mayKeepProbabilities) {
        List<TokenizedPair> pairs = ScoringFixtures.threePairs(7, VOCAB);
        int b = pairs.size();
        ModelArchitecture architecture = family.startsWith("example:")
                ? ModelFamilies.forModelType(family.substring("example:".length())).example(VOCAB)
                : ModelPresets.of(family, "tiny", VOCAB);
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = ModelInitializer.randomWeights(architecture, 5, manager);
            if (loraDropout != null) {
                weights = LoraWeights.attach(architecture, weights,
                        new LoraConfig(4, 8.0, loraDropout, LoraConfig.ALL_LINEAR, null, null), 5);
                Random random = new Random(8);
                for (Map.Entry<String, NDArray> t : weights.trainable().byName().entrySet()) {
                    if (t.getKey().contains("lora_B")) {
                        ModelWeights.copyInto(t.getValue(), manager.create(uniform(random, (int) t.getValue().size()),
                                t.getValue().getShape()));
                    }
                }
            }
            CausalLm policy = CausalLm.of(architecture, weights);
            CausalLm reference = CausalLm.of(architecture, ModelInitializer.randomWeights(architecture, 6, manager));
            weights.requireGradients();
            Batch.Tensors batch = new Batcher(0).batch(pairs).toTensors(manager);
            // the tiny models are below SEGMENTED_MIN_PARAMETERS: segments forced, so that they are compared too
            PreferenceScorer scorer = new PreferenceScorer(policy, new LiveReference(reference), loss).withHeadBackward(mode)
                    .withSegmentedBody(true).withKeptProbabilities(mayKeepProbabilities);
            BatchPlan plan = scorer.plan(batch, b);
            PreferenceScorer.ReferencePass referencePass = scorer.reference(pairs, batch, plan);
            Map<String, Double> metrics;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                PreferenceScorer.Scored scored = scorer.score(batch, plan, referencePass, b);
                scored.backward(collector, 2);
                metrics = scored.metrics();
            }
            List<float[]> gradients = new ArrayList<>();
            for (NDArray p : weights.trainable().tensors()) {
                gradients.add(p.getGradient().toFloatArray());
            }
            return new Run(metrics, weights.trainable().names(), gradients);
        }
    }

    private static float[] uniform(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = 2 * random.nextFloat() - 1;
        }
        return values;
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float x : values) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }
}
