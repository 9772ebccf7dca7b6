package org.dpo4j.trainer.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Pair-weighted means of per-batch metrics over several batches (a logging window, an eval). */
public final class MetricsWindow {

    private final Map<String, Double> weightedSums = new LinkedHashMap<>();
    private double weight;

    /** Adds a batch's means, weighted by its number of pairs. */
    public void add(Map<String, Double> batchMeans, int pairs) {
        batchMeans.forEach((name, value) -> weightedSums.merge(name, value * pairs, Double::sum));
        weight += pairs;
    }

    boolean isEmpty() {
        return weight == 0;
    }

    /** The means so far, each name prefixed with {@code prefix}. */
    public Map<String, Double> means(String prefix) {
        Map<String, Double> means = new LinkedHashMap<>();
        weightedSums.forEach((name, sum) -> means.put(prefix + name, sum / weight));
        return means;
    }

    public void clear() {
        weightedSums.clear();
        weight = 0;
    }

    /**
     * The partial sums of an open window, for a checkpoint.
     *
     * @param weightedSums name to the pair-weighted sum of its batch means, in first-seen order
     * @param weight       pairs added so far
     */
    public record Sums(Map<String, Double> weightedSums, double weight) {

        public Sums {
            weightedSums = Collections.unmodifiableMap(new LinkedHashMap<>(weightedSums));
        }
    }

    /** The sums so far; empty when the window was just cleared. */
    public Sums sums() {
        return new Sums(weightedSums, weight);
    }

    /** Replaces the window's content with {@code sums}, names in their order. */
    public void restore(Sums sums) {
        clear();
        weightedSums.putAll(sums.weightedSums());
        weight = sums.weight();
    }
}
