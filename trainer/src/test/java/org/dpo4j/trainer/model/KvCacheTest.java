package org.dpo4j.trainer.model;

import static org.dpo4j.trainer.model.TestArrays.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.dpo4j.trainer.model.gpt2.Gpt2Config;
import org.dpo4j.trainer.model.registry.ModelFamilies;
import org.dpo4j.trainer.model.registry.ModelPresets;

/**
 * Cached decoding against the full forward pass: prefilling a left-padded prompt batch and then
 * feeding one token per row per step must give, at every real position, the logits the full
 * forward pass gives over the whole sequence with Hugging Face's positions
 * ({@code cumsum(mask) − 1}).
 */
class KvCacheTest {

    private static final double TOLERANCE = 1e-5;

    static Stream<Arguments> architectures() {
        Stream<Arguments> examples = ModelFamilies.all().stream()
                .map(f -> Arguments.of(f.modelTypes().get(0) + " family example", f.example(40)));
        return Stream.concat(Stream.concat(CausalLmTest.architectures(), Stream.of(
                Arguments.of("llama preset tiny (4 query heads over 2 key/value heads)", ModelPresets.of("llama", "tiny", 40)),
                Arguments.of("gpt2 preset tiny", ModelPresets.of("gpt2", "tiny", 40)))), examples);
    }

    /** Three rows: prompts of 5, 3 and 1 tokens (left-padded to 5), then 4 decoded tokens each. */
    private static final long[][] IDS = {
        {1, 5, 9, 13, 17, 21, 25, 29, 33},
        {0, 0, 2, 6, 10, 14, 18, 22, 26},
        {0, 0, 0, 0, 3, 7, 11, 15, 19},
    };
    private static final long[][] MASK = {
        {1, 1, 1, 1, 1, 1, 1, 1, 1},
        {0, 0, 1, 1, 1, 1, 1, 1, 1},
        {0, 0, 0, 0, 1, 1, 1, 1, 1},
    };
    private static final int PROMPT = 5;

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void cachedDecodingEqualsTheFullForwardAtEveryPosition(String name, ModelArchitecture architecture) {
        int n = IDS.length;
        int total = IDS[0].length;
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = CausalLm.of(architecture, ModelInitializer.randomWeights(architecture, 3, manager));
            NDArray ids = longs(manager, IDS);
            NDArray mask = longs(manager, MASK);
            float[] full = model.forward(ids, mask, longs(manager, hfPositions(MASK))).toFloatArray();
            int v = architecture.vocabSize();
            try (KvCache cache = model.newCache(manager, n, total)) {
                float[] prefill = model.forwardCached(ids.get(":, 0:" + PROMPT), mask.get(":, 0:" + PROMPT), cache)
                        .toFloatArray();
                for (int row = 0; row < n; row++) {
                    for (int t = 0; t < PROMPT; t++) {
                        if (MASK[row][t] == 1) {
                            assertClose(full, (row * total + t) * v, prefill, (row * PROMPT + t) * v, v,
                                    name + " prompt row " + row + " position " + t);
                        }
                    }
                }
                for (int t = PROMPT; t < total; t++) {
                    try (NDScope step = new NDScope()) {
                        step.suppressNotUsedWarning();
                        NDArray logits = model.decode(ids.get(":, " + t), cache);
                        assertEquals(new Shape(n, v), logits.getShape());
                        float[] got = logits.toFloatArray();
                        for (int row = 0; row < n; row++) {
                            assertClose(full, (row * total + t) * v, got, row * v, v, name + " decode row " + row + " step " + t);
                        }
                    }
                }
                assertEquals(total, cache.length());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void prefillReturnsTheLastPromptPositionAndOneRowNeedsNoPositions(String name, ModelArchitecture architecture) {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = CausalLm.of(architecture, ModelInitializer.randomWeights(architecture, 5, manager));
            NDArray ids = longs(manager, new long[] {4, 8, 15, 16, 23, 42 % architecture.vocabSize()});
            NDArray mask = manager.ones(ids.getShape(), DataType.INT64);
            int v = architecture.vocabSize();
            float[] full = model.forward(ids, mask).toFloatArray(); // sequential positions
            try (KvCache cache = model.newCache(manager, 1, 6)) {
                float[] last = model.prefill(ids.get(":, 0:4"), mask.get(":, 0:4"), cache).toFloatArray();
                assertClose(full, 3 * v, last, 0, v, name + " prefill");
                float[] next = model.decode(ids.get(":, 4"), cache).toFloatArray();
                assertClose(full, 4 * v, next, 0, v, name + " decode");
            }
        }
    }

    @Test
    void theCacheFreesItsArraysAndRefusesTokensBeyondItsCapacity() {
        ModelArchitecture architecture = ModelPresets.of("llama", "tiny", 40);
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = CausalLm.of(architecture, ModelInitializer.randomWeights(architecture, 1, manager));
            int weights = manager.getManagedArrays().size();
            NDArray ids = longs(manager, new long[] {1, 2, 3});
            NDArray mask = manager.ones(ids.getShape(), DataType.INT64);
            int before = manager.getManagedArrays().size();
            try (KvCache cache = model.newCache(manager, 1, 4)) {
                try (NDScope step = new NDScope()) {
                    step.suppressNotUsedWarning();
                    model.prefill(ids, mask, cache);
                    model.decode(ids.get(":, 0"), cache);
                }
                // 2 layers × (keys, values) stay; every per-step array is gone
                assertEquals(before + 2 * architecture.numLayers(), manager.getManagedArrays().size());
                IllegalArgumentException full = assertThrows(IllegalArgumentException.class, () -> {
                    try (NDScope step = new NDScope()) {
                        step.suppressNotUsedWarning();
                        model.decode(ids.get(":, 0"), cache);
                    }
                });
                assertTrue(full.getMessage().contains("holds 4 slots"), full.getMessage());
            }
            assertEquals(before, manager.getManagedArrays().size());
            assertTrue(before > weights);
        }
    }

    @Test
    void gpt2RefusesACacheLongerThanItsPositionTable() {
        Gpt2Config config = new Gpt2Config(40, 32, 2, 4, 64, 16, 1e-5, "gelu_new", true, true);
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = CausalLm.of(config, ModelInitializer.randomWeights(config, 1, manager));
            assertThrows(IllegalArgumentException.class, () -> model.newCache(manager, 1, 17));
            model.newCache(manager, 1, 16).close();
        }
    }

    /** Hugging Face's generate(): cumsum(mask) − 1 on real tokens; padding gets the next position. */
    private static long[][] hfPositions(long[][] mask) {
        long[][] positions = new long[mask.length][];
        for (int row = 0; row < mask.length; row++) {
            positions[row] = new long[mask[row].length];
            long seen = 0;
            for (int t = 0; t < mask[row].length; t++) {
                positions[row][t] = seen;
                seen += mask[row][t];
            }
        }
        return positions;
    }

    private static void assertClose(float[] expected, int from, float[] actual, int at, int count, String what) {
        double worst = 0;
        for (int i = 0; i < count; i++) {
            worst = Math.max(worst, Math.abs(expected[from + i] - actual[at + i]));
        }
        assertTrue(worst <= TOLERANCE, what + ": largest logit difference " + worst);
    }
}
