package org.dpo4j.trainer.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of metrics.jsonl: the optimizer step and named values (TRL names, DESIGN.md §4).
 *
 * @param step   optimizer steps completed
 * @param values metric name to value, in insertion order
 */
public record MetricsRecord(int step, Map<String, Double> values) {

    public MetricsRecord {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of {@code name}, or NaN when absent. */
    public double get(String name) {
        return values.getOrDefault(name, Double.NaN);
    }
}
