package org.dpo4j.losses;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The one map from a golden loss name (a key of {@code index.json}) to a factory that builds our
 * implementation from a case's hyper-parameters (the file's defaults overlaid with the case's own).
 * Adding a loss = one entry here; golden losses without an entry are not tested yet.
 */
final class GoldenLossRegistry {

    static final SortedMap<String, Function<JsonNode, PreferenceLoss>> FACTORIES = new TreeMap<>(Map.of(
            "dpo_sigmoid", hp -> new DpoSigmoidLoss(hp.required("beta").doubleValue())));

    private GoldenLossRegistry() {}

    static PreferenceLoss create(GoldenVectors.GoldenCase c) {
        Function<JsonNode, PreferenceLoss> factory = FACTORIES.get(c.loss());
        if (factory == null) {
            throw new IllegalArgumentException("no implementation registered for golden loss " + c.loss());
        }
        return factory.apply(c.hyperparameters());
    }
}
