package org.dpo4j.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ModelWeights}' groups: trainable = all − frozen, saved = all, each in the weights' order. */
class ParameterSetTest {

    private static Map<String, NDArray> tensors(NDManager manager) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (String name : List.of("a.weight", "b.weight", "b.bias", "c.weight")) {
            tensors.put(name, manager.zeros(new Shape(2)));
        }
        return tensors;
    }

    @Test
    void withNothingFrozenEveryTensorIsTrainableAndSaved() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = new ModelWeights(manager.newSubManager(), tensors(manager));
            List<String> all = List.copyOf(weights.all().keySet());
            assertEquals(all, weights.trainable().names());
            assertEquals(all, weights.saved().names());
            assertTrue(weights.frozen().names().isEmpty());
            assertEquals(weights.list(), weights.trainable().tensors());
        }
    }

    @Test
    void frozenTensorsAreSavedButNotTrainedNorGivenGradients() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = new ModelWeights(manager.newSubManager(), tensors(manager), Set.of("b.weight", "b.bias"));
            assertEquals(List.of("a.weight", "c.weight"), weights.trainable().names());
            assertEquals(List.of("b.weight", "b.bias"), weights.frozen().names());
            assertEquals(List.of("a.weight", "b.weight", "b.bias", "c.weight"), weights.saved().names());
            weights.requireGradients();
            assertTrue(weights.get("a.weight").hasGradient());
            assertFalse(weights.get("b.weight").hasGradient());
            ModelWeights copy = weights.copy(manager);
            assertEquals(weights.frozen().names(), copy.frozen().names());
        }
    }

    @Test
    void freezingAnUnknownTensorFails() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ModelWeights(manager.newSubManager(), tensors(manager), Set.of("d.weight")));
            assertTrue(e.getMessage().contains("d.weight"), e.getMessage());
        }
    }
}
