package org.dpo4j.trainer.model;

import static org.dpo4j.trainer.model.TestArrays.longs;
import static org.dpo4j.trainer.model.TestArrays.maxAbsDiff;
import static org.dpo4j.trainer.model.TestArrays.positions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.dpo4j.trainer.model.llama.LlamaConfig;
import org.dpo4j.trainer.model.llama.LlamaModel;
import org.dpo4j.trainer.model.llama.LlamaTensorNames;

class LlamaModelTest {

    private static final LlamaConfig SMALL = LlamaConfig.llama(50, 32, 2, 4, 2, 48, 1e-5, 10_000, 64, false);

    /** Every bias Llama can declare ({@code attention_bias} and {@code mlp_bias}), untied head. */
    private static final LlamaConfig ALL_BIASES = new LlamaConfig(
            "llama", 50, 32, 2, 4, 2, 8, 48, 1e-5, 10_000, 64, false, true, true, true);

    /** Qwen2's layout: q/k/v biases only, tied head, and a head size of 12 ≠ d / H = 8 (q is 48 wide). */
    private static final LlamaConfig QWEN2_WIDE_HEADS = new LlamaConfig(
            "qwen2", 50, 32, 2, 4, 2, 12, 48, 1e-6, 1_000_000, 64, true, true, false, false);

    private static final long[] TOKENS = {3, 7, 11, 5, 9, 21, 30};

    private static float[] logits(NDManager manager, ModelWeights w, long[] ids, long[] mask) {
        return new LlamaModel(SMALL, w).forward(longs(manager, ids), longs(manager, mask)).toFloatArray();
    }

    @Test
    void aTokenDoesNotSeeTheFuture() {
        // Causal attention: the logits at positions 0..2 depend only on tokens 0..2.
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights w = ModelInitializer.randomWeights(SMALL, 1, manager);
            float[] a = logits(manager, w, new long[] {3, 7, 11, 5, 9}, new long[] {1, 1, 1, 1, 1});
            float[] b = logits(manager, w, new long[] {3, 7, 11, 42, 1}, new long[] {1, 1, 1, 1, 1});
            int prefix = 3 * SMALL.vocabSize();
            assertArrayEquals(java.util.Arrays.copyOf(a, prefix), java.util.Arrays.copyOf(b, prefix), 1e-6f);
        }
    }

    @Test
    void rightPaddingDoesNotChangeRealPositions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights w = ModelInitializer.randomWeights(SMALL, 2, manager);
            float[] plain = logits(manager, w, new long[] {3, 7, 11}, new long[] {1, 1, 1});
            float[] padded = logits(manager, w, new long[] {3, 7, 11, 0, 0}, new long[] {1, 1, 1, 0, 0});
            assertArrayEquals(plain, java.util.Arrays.copyOf(padded, plain.length), 1e-5f);
        }
    }

    @Test
    void sameSeedSameWeightsAndHfShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights a = ModelInitializer.randomWeights(SMALL, 5, manager);
            ModelWeights b = ModelInitializer.randomWeights(SMALL, 5, manager);
            for (String name : a.all().keySet()) {
                assertArrayEquals(a.get(name).toFloatArray(), b.get(name).toFloatArray(), name);
            }
            assertEquals(new Shape(16, 32), a.get("model.layers.1.self_attn.k_proj.weight").getShape(), "2 kv heads of 8");
            assertEquals(new Shape(50, 32), a.get(LlamaTensorNames.LM_HEAD).getShape());
        }
    }

    @Test
    void zeroBiasesGiveExactlyTheModelWithoutBiases() {
        // x + 0 is x in float arithmetic, so a bias path fed zeros must reproduce the no-bias
        // model bit for bit; this also shows the bias path keeps the no-bias op order.
        for (LlamaConfig withBias : List.of(ALL_BIASES, QWEN2_WIDE_HEADS)) {
            LlamaConfig without = new LlamaConfig(
                    withBias.modelType(), withBias.vocabSize(), withBias.hiddenSize(), withBias.numLayers(),
                    withBias.numHeads(), withBias.numKvHeads(), withBias.headDim(), withBias.intermediateSize(),
                    withBias.rmsNormEps(), withBias.ropeTheta(), withBias.maxPositions(), withBias.tieWordEmbeddings(),
                    false, false, false);
            try (NDManager manager = NDManager.newBaseManager()) {
                ModelWeights random = ModelInitializer.randomWeights(withBias, 3, manager);
                Map<String, NDArray> zeros = new LinkedHashMap<>();
                Map<String, NDArray> noBias = new LinkedHashMap<>();
                random.all().forEach((name, t) -> {
                    if (name.endsWith(".bias")) {
                        zeros.put(name, manager.zeros(t.getShape()));
                    } else {
                        noBias.put(name, t);
                    }
                });
                NDArray ids = longs(manager, TOKENS);
                NDArray mask = longs(manager, new long[] {1, 1, 1, 1, 1, 1, 1});
                float[] biased = CausalLm.of(withBias, TestArrays.with(random, zeros, manager)).forward(ids, mask).toFloatArray();
                float[] plain = CausalLm.of(without, new ModelWeights(manager.newSubManager(), noBias)).forward(ids, mask).toFloatArray();
                assertArrayEquals(plain, biased, withBias.modelType());
            }
        }
    }

    @Test
    void everyDeclaredBiasChangesTheLogits() {
        // A bias that is declared but never added would leave the logits untouched. k_proj's bias
        // matters too: rotary embeddings turn it by a different angle at every key position.
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights zeroBias = ModelInitializer.randomWeights(ALL_BIASES, 4, manager);
            NDArray ids = longs(manager, TOKENS);
            NDArray mask = longs(manager, new long[] {1, 1, 1, 1, 1, 1, 1});
            float[] reference = CausalLm.of(ALL_BIASES, zeroBias).forward(ids, mask).toFloatArray();
            for (String projection : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                    "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")) {
                Map<String, NDArray> biases = new LinkedHashMap<>();
                for (int layer = 0; layer < ALL_BIASES.numLayers(); layer++) {
                    String name = LlamaTensorNames.layer(layer) + projection + ".bias";
                    biases.put(name, TestArrays.gaussian(manager, zeroBias.get(name).getShape(), 0.5, layer));
                }
                float[] changed = CausalLm.of(ALL_BIASES, TestArrays.with(zeroBias, biases, manager))
                        .forward(ids, mask).toFloatArray();
                assertTrue(maxAbsDiff(reference, changed) > 1e-4, projection + ".bias has no effect");
            }
        }
    }

    @Test
    void headSizeComesFromTheConfig() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights w = ModelInitializer.randomWeights(QWEN2_WIDE_HEADS, 6, manager);
            assertEquals(new Shape(48, 32), w.get("model.layers.0.self_attn.q_proj.weight").getShape(), "4 heads of 12");
            assertEquals(new Shape(32, 48), w.get("model.layers.0.self_attn.o_proj.weight").getShape());
            NDArray logits = CausalLm.of(QWEN2_WIDE_HEADS, w)
                    .forward(longs(manager, TOKENS), longs(manager, new long[] {1, 1, 1, 1, 1, 1, 1}));
            assertEquals(new Shape(1, 7, 50), logits.getShape());
        }
    }

    @Test
    void positionsZeroToTMinusOneEqualTheTwoArgumentForward() {
        // Gathered rotary rows hold the same floats as the shared table, so the results are identical.
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = CausalLm.of(QWEN2_WIDE_HEADS, ModelInitializer.randomWeights(QWEN2_WIDE_HEADS, 7, manager));
            NDArray ids = longs(manager, TOKENS, new long[] {4, 8, 15, 16, 23, 0, 0});
            NDArray mask = longs(manager, new long[] {1, 1, 1, 1, 1, 1, 1}, new long[] {1, 1, 1, 1, 1, 0, 0});
            NDArray positions = longs(manager, TestArrays.range(7), TestArrays.range(7));
            assertArrayEquals(model.forward(ids, mask).toFloatArray(), model.forward(ids, mask, positions).toFloatArray());
        }
    }

    @Test
    void aLeftPaddedRowEqualsItsUnpaddedRun() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = CausalLm.of(QWEN2_WIDE_HEADS, ModelInitializer.randomWeights(QWEN2_WIDE_HEADS, 8, manager));
            long[] real = {4, 8, 15, 16, 23};
            NDArray alone = model.forward(longs(manager, real), longs(manager, new long[] {1, 1, 1, 1, 1}));
            // Row 1 = [pad, pad, real...]; positions cumsum(mask) − 1 with padded slots at 1, as generate() makes them.
            NDArray batch = model.forward(
                    longs(manager, TOKENS, new long[] {0, 0, 4, 8, 15, 16, 23}),
                    longs(manager, new long[] {1, 1, 1, 1, 1, 1, 1}, new long[] {0, 0, 1, 1, 1, 1, 1}),
                    longs(manager, TestArrays.range(7), new long[] {1, 1, 0, 1, 2, 3, 4}));
            double error = maxAbsDiff(positions(alone, 0, 0, 5), positions(batch, 1, 2, 7));
            assertTrue(error < 1e-5, "left-padded row differs by " + error);
        }
    }

    @Test
    void negativePositionsAreRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = CausalLm.of(SMALL, ModelInitializer.randomWeights(SMALL, 9, manager));
            NDArray ids = longs(manager, new long[] {1, 2, 3});
            NDArray mask = longs(manager, new long[] {1, 1, 1});
            assertThrows(IllegalArgumentException.class, () -> model.forward(ids, mask, longs(manager, new long[] {-1, 0, 1})));
        }
    }

    @Test
    void weightsOfAnotherShapeAreRefusedByName() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights w = ModelInitializer.randomWeights(SMALL, 10, manager);
            String name = "model.layers.1.mlp.up_proj.weight";
            ModelWeights transposed = TestArrays.with(w, Map.of(name, w.get(name).transpose()), manager);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LlamaModel(SMALL, transposed));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }
}
