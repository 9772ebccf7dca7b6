package org.dpo4j.trainer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.junit.jupiter.api.Test;

/**
 * The head in chunks against the head in one piece. Each row's logits are the same dot products
 * either way; the GEMM kernel may block a 4-row product differently from a 15-row one, so they
 * agree to float32 rounding (a few ulps, 1e−6 relative has margin), as does the log-softmax; the
 * gradients sum the same per-row terms.
 */
class TokenScoresTest {

    @Test
    void chunksGiveTheValuesAndGradientsOfOnePiece() {
        TokenScoresResult whole = run(Integer.MAX_VALUE);
        TokenScoresResult chunked = run(4); // 15 scored positions: chunks of 4, 4, 4 and 3
        assertEquals(4 + 2 + 5 + 4, whole.labelLogProbs().length);
        assertClose(whole.labelLogProbs(), chunked.labelLogProbs(), "label log-probs");
        assertClose(whole.meanLogits(), chunked.meanLogits(), "mean logits");
        assertClose(whole.logProbs(), chunked.logProbs(), "log-probs");
        // a gradient entry sums terms of both signs through two blocks: 1e−5 of the tensor's largest entry
        for (int p = 0; p < whole.gradients().size(); p++) {
            float[] e = whole.gradients().get(p);
            float[] a = chunked.gradients().get(p);
            double scale = 0;
            for (float x : e) {
                scale = Math.max(scale, Math.abs(x));
            }
            for (int i = 0; i < e.length; i++) {
                assertTrue(Math.abs(e[i] - a[i]) <= 1e-5 * scale, "gradient of parameter " + p + " entry " + i + ": "
                        + e[i] + " vs " + a[i]);
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-6 * Math.max(1, Math.abs(expected[i])),
                    what + " entry " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    @Test
    void aChunkHoldsAtMost16MiBUnlessThatIsFewerThan128Rows() {
        assertEquals(512, TokenScores.chunkRows(8192)); // 512 · 8192 · 4 B = 16 MiB
        assertEquals(128, TokenScores.chunkRows(151_936)); // Qwen2's vocabulary: the floor
    }

    private record TokenScoresResult(float[] labelLogProbs, float[] meanLogits, float[] logProbs,
            List<float[]> gradients) {}

    /** Scores of two pairs (15 scored positions) and d(Σ label log-probs)/d(parameters). */
    private static TokenScoresResult run(int rowsPerChunk) {
        List<TokenizedPair> pairs = List.of(
                new TokenizedPair("a", new int[] {1, 2, 3}, new int[] {4, 5, 6, 7}, new int[] {8, 9}),
                new TokenizedPair("b", new int[] {10, 11}, new int[] {12, 13, 14, 15, 16}, new int[] {17, 18, 19, 20}));
        ModelArchitecture architecture = ModelPresets.of("llama", "tiny", 40);
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = ModelInitializer.randomWeights(architecture, 13, manager);
            weights.requireGradients();
            CausalLm model = CausalLm.of(architecture, weights);
            Batch.Tensors batch = new Batcher(0).batch(pairs).toTensors(manager);
            ScoredPositions at = ScoredPositions.of(batch, 0);
            TokenScores scores;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray hidden = model.hiddenStates(batch.inputIds(), batch.attentionMask());
                scores = TokenScores.of(model, hidden, at, true, rowsPerChunk);
                collector.backward(scores.labelLogProbs().sum());
            }
            List<float[]> gradients = new ArrayList<>();
            for (NDArray p : weights.list()) {
                gradients.add(p.getGradient().toFloatArray());
            }
            return new TokenScoresResult(scores.labelLogProbs().toFloatArray(), scores.meanLogits().toFloatArray(),
                    scores.logProbs().toFloatArray(), gradients);
        }
    }
}
