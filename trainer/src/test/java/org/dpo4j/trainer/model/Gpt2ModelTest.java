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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.dpo4j.trainer.model.gpt2.Gpt2Config;
import org.dpo4j.trainer.model.gpt2.Gpt2Model;
import org.dpo4j.trainer.model.gpt2.Gpt2TensorNames;

class Gpt2ModelTest {

    /** E = 32, 4 heads of 8, MLP 64 wide, 16 learned positions. */
    private static final Gpt2Config SMALL = new Gpt2Config(50, 32, 2, 4, 64, 16, 1e-5, "gelu_new", true, true);

    private static final long[] FULL = {1, 1, 1, 1, 1, 1, 1};

    private static CausalLm model(NDManager manager, Gpt2Config config, long seed) {
        return CausalLm.of(config, ModelInitializer.randomWeights(config, seed, manager));
    }

    @Test
    void theFactoryPicksGpt2() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = model(manager, SMALL, 1);
            assertTrue(model instanceof Gpt2Model);
            assertEquals(SMALL, model.architecture());
        }
    }

    @Test
    void aTokenDoesNotSeeTheFuture() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = model(manager, SMALL, 2);
            NDArray a = model.forward(longs(manager, new long[] {3, 7, 11, 5, 9, 2, 4}), longs(manager, FULL));
            NDArray b = model.forward(longs(manager, new long[] {3, 7, 11, 42, 1, 2, 4}), longs(manager, FULL));
            assertArrayEquals(positions(a, 0, 0, 3), positions(b, 0, 0, 3), 1e-6f);
            assertTrue(maxAbsDiff(positions(a, 0, 3, 7), positions(b, 0, 3, 7)) > 1e-4, "later tokens see the change");
        }
    }

    @Test
    void aRightPaddedRowEqualsItsBatchOfOneRun() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = model(manager, SMALL, 3);
            NDArray alone = model.forward(longs(manager, new long[] {4, 8, 15, 16, 23}), longs(manager, new long[] {1, 1, 1, 1, 1}));
            NDArray batch = model.forward(
                    longs(manager, new long[] {3, 7, 11, 5, 9, 2, 4}, new long[] {4, 8, 15, 16, 23, 0, 0}),
                    longs(manager, FULL, new long[] {1, 1, 1, 1, 1, 0, 0}));
            double error = maxAbsDiff(positions(alone, 0, 0, 5), positions(batch, 1, 0, 5));
            assertTrue(error < 1e-5, "right-padded row differs by " + error);
        }
    }

    @Test
    void aLeftPaddedRowEqualsItsBatchOfOneRunOnlyWithItsPositions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = model(manager, SMALL, 4);
            NDArray alone = model.forward(longs(manager, new long[] {4, 8, 15, 16, 23}), longs(manager, new long[] {1, 1, 1, 1, 1}));
            NDArray ids = longs(manager, new long[] {3, 7, 11, 5, 9, 2, 4}, new long[] {0, 0, 4, 8, 15, 16, 23});
            NDArray mask = longs(manager, FULL, new long[] {0, 0, 1, 1, 1, 1, 1});
            // cumsum(mask) − 1 with padded slots at 1, as generate() derives them.
            NDArray generatePositions = longs(manager, TestArrays.range(7), new long[] {1, 1, 0, 1, 2, 3, 4});
            double error = maxAbsDiff(positions(alone, 0, 0, 5), positions(model.forward(ids, mask, generatePositions), 1, 2, 7));
            assertTrue(error < 1e-5, "left-padded row differs by " + error);
            // Learned positions are absolute: the same row at positions 2..6 is another computation.
            double shifted = maxAbsDiff(positions(alone, 0, 0, 5), positions(model.forward(ids, mask), 1, 2, 7));
            assertTrue(shifted > 1e-4, "position ids were ignored");
        }
    }

    @Test
    void positionsBeyondTheLearnedTableAreRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = model(manager, SMALL, 5);
            NDArray ids = longs(manager, new long[] {1, 2, 3});
            NDArray mask = longs(manager, new long[] {1, 1, 1});
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> model.forward(ids, mask, longs(manager, new long[] {14, 15, 16})));
            assertTrue(e.getMessage().contains("0 to 15"), e.getMessage());
        }
    }

    @Test
    void aConv1dStoredLikeNnLinearIsRefusedByName() {
        // c_fc is (E, inner) = (32, 64); the nn.Linear layout (64, 32) must not slip through.
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights w = ModelInitializer.randomWeights(SMALL, 6, manager);
            String name = "h.0.mlp.c_fc.weight";
            ModelWeights transposed = TestArrays.with(w, Map.of(name, w.get(name).transpose()), manager);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Gpt2Model(SMALL, transposed));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void anUntiedHeadReadsLmHead() {
        Gpt2Config untied = new Gpt2Config(50, 32, 2, 4, 64, 16, 1e-5, "relu", false, true);
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights w = ModelInitializer.randomWeights(untied, 7, manager);
            NDArray ids = longs(manager, new long[] {1, 2, 3});
            NDArray mask = longs(manager, new long[] {1, 1, 1});
            float[] before = CausalLm.of(untied, w).forward(ids, mask).toFloatArray();
            // Scaling the head by 2 doubles every logit: the head is lm_head.weight, not wte.
            NDArray doubled = w.get(Gpt2TensorNames.LM_HEAD).add(w.get(Gpt2TensorNames.LM_HEAD));
            float[] after = CausalLm.of(untied, TestArrays.with(w, Map.of(Gpt2TensorNames.LM_HEAD, doubled), manager))
                    .forward(ids, mask).toFloatArray();
            for (int i = 0; i < before.length; i++) {
                assertEquals(2 * before[i], after[i], 1e-6f);
            }
            assertEquals(new Shape(1, 3, 50), CausalLm.of(untied, w).forward(ids, mask).getShape());
        }
    }
}
