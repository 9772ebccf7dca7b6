package org.dpo4j.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Endless, seeded stream of training micro-batches: each epoch is a fresh shuffle of all
 * pairs cut into batches of {@code batchSize}; the last short batch of an epoch is kept.
 */
public final class PairSampler {

    private final List<TokenizedPair> pairs;
    private final int batchSize;
    private final Random random;
    private final List<TokenizedPair> order = new ArrayList<>();
    private int position;
    private long pairsServed;

    public PairSampler(List<TokenizedPair> pairs, int batchSize, long seed) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no training pairs");
        }
        this.pairs = List.copyOf(pairs);
        this.batchSize = batchSize;
        this.random = new Random(seed);
    }

    /** The next batch of at most {@code batchSize} pairs. */
    public List<TokenizedPair> next() {
        if (position >= order.size()) {
            order.clear();
            order.addAll(pairs);
            Collections.shuffle(order, random);
            position = 0;
        }
        int end = Math.min(position + batchSize, order.size());
        List<TokenizedPair> batch = List.copyOf(order.subList(position, end));
        position = end;
        pairsServed += batch.size();
        return batch;
    }

    /** Epochs completed, fractional: pairs served / pairs. */
    public double epoch() {
        return (double) pairsServed / pairs.size();
    }
}
