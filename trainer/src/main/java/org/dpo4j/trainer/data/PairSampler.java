package org.dpo4j.trainer.data;

import java.util.List;

/**
 * Endless stream of training micro-batches: the batches of {@link EpochBatches}, epoch after
 * epoch, one at a time.
 */
public final class PairSampler {

    private final EpochBatches epochs;
    private final int pairCount;
    private List<List<TokenizedPair>> epoch = List.of();
    private int position;
    private long pairsServed;

    /**
     * @param groupByLength lay epochs out in length-grouped batches ({@code train.group_by_length})
     * @throws IllegalArgumentException when {@code pairs} is empty or {@code batchSize} < 1
     */
    public PairSampler(List<TokenizedPair> pairs, int batchSize, boolean groupByLength, long seed) {
        this.epochs = new EpochBatches(pairs, batchSize, groupByLength, seed);
        this.pairCount = pairs.size();
    }

    /** The next batch of at most {@code batchSize} pairs. */
    public List<TokenizedPair> next() {
        if (position >= epoch.size()) {
            epoch = epochs.next();
            position = 0;
        }
        List<TokenizedPair> batch = epoch.get(position++);
        pairsServed += batch.size();
        return batch;
    }

    /** Epochs completed, fractional: pairs served / pairs. */
    public double epoch() {
        return (double) pairsServed / pairCount;
    }
}
