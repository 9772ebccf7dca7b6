package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named group of a model's parameters ({@link ModelWeights#trainable()}, {@link
 * ModelWeights#frozen()}, {@link ModelWeights#saved()}), in the weights' order: the optimizer's
 * i-th tensor is {@code tensors().get(i)}, named {@code names().get(i)}.
 *
 * @param byName name to tensor, in the weights' order
 */
public record ParameterSet(Map<String, NDArray> byName) {

    public ParameterSet {
        byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    /** The names, in order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The tensors, in the same order as {@link #names()}. */
    public List<NDArray> tensors() {
        return List.copyOf(byName.values());
    }

    /** Whether {@code name} is in this set. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }
}
