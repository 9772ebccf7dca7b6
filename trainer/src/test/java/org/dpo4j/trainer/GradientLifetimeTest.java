package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.losses.Constants;
import org.dpo4j.losses.DpoSigmoidLoss;
import org.dpo4j.trainer.config.TruncationMode;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.PairTokenizer;
import org.dpo4j.trainer.data.TinyPrefs;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.llama.LlamaConfig;
import org.dpo4j.trainer.model.llama.LlamaModel;
import org.dpo4j.trainer.reference.LiveReference;
import org.dpo4j.trainer.scoring.BatchPlan;
import org.dpo4j.trainer.scoring.PreferenceScorer;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

/**
 * A Java GC between the forward and the backward pass must not change a single gradient bit.
 * Regression test for DJL's Number ops ({@code mul/div/pow(Number)}), whose scalar lives in a
 * Java buffer that autograd keeps but the GC frees (see {@link Constants}); before the fix this
 * made every run diverge from the first GC on.
 */
class GradientLifetimeTest {

    private static final LlamaConfig CONFIG = LlamaConfig.llama(259, 32, 2, 4, 2, 48, 1e-5, 10_000, 128, false);

    @Test
    void gradientsAreTheSameWithAGarbageCollectionBeforeBackward() {
        assertArrayEquals(gradients(false), gradients(true));
    }

    /** All policy gradients after one DPO forward/backward on 4 built-in pairs. */
    private static float[] gradients(boolean collectGarbage) {
        ByteTokenizer tokenizer = new ByteTokenizer();
        List<TokenizedPair> pairs = new PairTokenizer(tokenizer, 96, 48, TruncationMode.KEEP_START).tokenizeAll(TinyPrefs.pairs().subList(0, 4)).pairs();
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights policy = ModelInitializer.randomWeights(CONFIG, 7, manager);
            ModelWeights reference = ModelInitializer.randomWeights(CONFIG, 8, manager);
            policy.requireGradients();
            PreferenceScorer scorer = new PreferenceScorer(
                    new LlamaModel(CONFIG, policy), new LiveReference(new LlamaModel(CONFIG, reference)), new DpoSigmoidLoss(0.1));
            Batch.Tensors batch = new Batcher(tokenizer.padId()).batch(pairs).toTensors(manager);
            BatchPlan plan = scorer.plan(batch, pairs.size());
            PreferenceScorer.ReferencePass referencePass = scorer.reference(pairs, batch, plan);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                PreferenceScorer.Scored scored = scorer.score(batch, plan, referencePass, pairs.size());
                if (collectGarbage) {
                    collectGarbage();
                }
                scored.backward(collector, 2);
            }
            List<float[]> parts = new ArrayList<>();
            int size = 0;
            for (NDArray p : policy.list()) {
                float[] g = p.getGradient().toFloatArray();
                parts.add(g);
                size += g.length;
            }
            float[] all = new float[size];
            int at = 0;
            for (float[] g : parts) {
                System.arraycopy(g, 0, all, at, g.length);
                at += g.length;
            }
            return all;
        }
    }

    /** A full GC, time for the cleaner to free unreachable direct buffers, then reuse of that memory. */
    private static void collectGarbage() {
        System.gc();
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < 1000; i++) {
            ByteBuffer.allocateDirect(16).putDouble(0, 777.0).putDouble(8, -777.0);
        }
    }
}
