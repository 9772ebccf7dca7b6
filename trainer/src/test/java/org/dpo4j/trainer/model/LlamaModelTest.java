package org.dpo4j.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LlamaModelTest {

    private static final LlamaConfig SMALL = LlamaConfig.llama(50, 32, 2, 4, 2, 48, 1e-5, 10_000, 64, false);

    private static float[] logits(NDManager manager, ModelWeights w, long[] ids, float[] mask) {
        NDArray idArray = manager.create(ids, new Shape(1, ids.length));
        NDArray maskArray = manager.create(mask, new Shape(1, mask.length));
        return new LlamaModel(SMALL, w).forward(idArray, maskArray).toFloatArray();
    }

    @Test
    void aTokenDoesNotSeeTheFuture() {
        // Causal attention: the logits at positions 0..2 depend only on tokens 0..2.
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights w = ModelInitializer.randomWeights(SMALL, 1, manager);
            float[] a = logits(manager, w, new long[] {3, 7, 11, 5, 9}, new float[] {1, 1, 1, 1, 1});
            float[] b = logits(manager, w, new long[] {3, 7, 11, 42, 1}, new float[] {1, 1, 1, 1, 1});
            int prefix = 3 * SMALL.vocabSize();
            assertArrayEquals(java.util.Arrays.copyOf(a, prefix), java.util.Arrays.copyOf(b, prefix), 1e-6f);
        }
    }

    @Test
    void rightPaddingDoesNotChangeRealPositions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights w = ModelInitializer.randomWeights(SMALL, 2, manager);
            float[] plain = logits(manager, w, new long[] {3, 7, 11}, new float[] {1, 1, 1});
            float[] padded = logits(manager, w, new long[] {3, 7, 11, 0, 0}, new float[] {1, 1, 1, 0, 0});
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
}
