package org.dpo4j.trainer.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.model.ModelWeights;
import org.junit.jupiter.api.Test;

/** The cache key changes with everything that changes the values, and only with that. */
class ReferenceCacheKeyTest {

    private static final ModelArchitecture TINY = ModelPresets.of("llama", "tiny", 259);
    private static final List<TokenizedPair> PAIRS = List.of(
            new TokenizedPair("a", new int[] {256, 80, 81}, new int[] {70, 257}, new int[] {71, 72, 257}),
            new TokenizedPair("b", new int[] {256, 82}, new int[] {73, 257}, new int[] {74, 257}));

    @Test
    void theKeyDependsOnWeightsDataAndPaddingOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = ModelInitializer.randomWeights(TINY, 1, manager);
            String key = ReferenceCacheKey.of(TINY, weights, PAIRS, 258);
            assertEquals(64, key.length());
            assertEquals(key, ReferenceCacheKey.of(TINY, weights.copy(manager), PAIRS, 258), "an equal copy, the same key");
            assertEquals(key, ReferenceCacheKey.of(TINY, weights, PAIRS, 258, 300), "tensors read in blocks of rows");

            Set<String> keys = new HashSet<>();
            keys.add(key);
            ModelWeights nudged = weights.copy(manager);
            NDArray first = nudged.list().get(0);
            first.set(new ai.djl.ndarray.index.NDIndex("0, 0"), first.get("0, 0").getFloat() + 1e-6f);
            keys.add(ReferenceCacheKey.of(TINY, nudged, PAIRS, 258));
            keys.add(ReferenceCacheKey.of(TINY, ModelInitializer.randomWeights(TINY, 2, manager), PAIRS, 258));
            keys.add(ReferenceCacheKey.of(TINY, weights, List.of(PAIRS.get(1), PAIRS.get(0)), 258));
            keys.add(ReferenceCacheKey.of(TINY, weights, PAIRS.subList(0, 1), 258));
            keys.add(ReferenceCacheKey.of(TINY, weights, List.of(PAIRS.get(0),
                    new TokenizedPair("b", new int[] {256, 82}, new int[] {73, 257}, new int[] {75, 257})), 258));
            // the prompt/completion boundary decides which tokens are scored
            keys.add(ReferenceCacheKey.of(TINY, weights, List.of(PAIRS.get(0),
                    new TokenizedPair("b", new int[] {256}, new int[] {82, 73, 257}, new int[] {82, 74, 257})), 258));
            keys.add(ReferenceCacheKey.of(TINY, weights, List.of(PAIRS.get(0),
                    new TokenizedPair("c", new int[] {256, 82}, new int[] {73, 257}, new int[] {74, 257})), 258));
            keys.add(ReferenceCacheKey.of(TINY, weights, PAIRS, 0));
            assertEquals(9, keys.size(), "each change gives its own key");
            assertTrue(keys.stream().allMatch(k -> k.matches("[0-9a-f]{64}")));
            assertNotEquals(key, ReferenceCacheKey.of(ModelPresets.of("qwen2", "tiny", 259),
                    ModelInitializer.randomWeights(ModelPresets.of("qwen2", "tiny", 259), 1, manager), PAIRS, 258));
        }
    }
}
