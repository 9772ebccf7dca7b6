package org.dpo4j.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The micro-batches of successive epochs, drawn from one generator seeded once with
 * {@code seed}. Epoch e's layout is therefore a pure function of (the pairs in their given
 * order, batch size, grouping, seed, e): the same config and seed give the same batches.
 *
 * <ul>
 *   <li>plain ({@code groupByLength = false}): a shuffle of all pairs cut into batches of B;
 *       the last batch of an epoch may be short and is kept (as a DataLoader with
 *       {@code drop_last=False});
 *   <li>grouped: {@link LengthGrouping}.
 * </ul>
 *
 * Each epoch has ⌈N / B⌉ batches and holds every pair exactly once.
 */
public final class EpochBatches {

    private final List<TokenizedPair> pairs;
    private final int batchSize;
    private final boolean groupByLength;
    private final Random random;

    /**
     * @throws IllegalArgumentException when {@code pairs} is empty or {@code batchSize} < 1
     */
    public EpochBatches(List<TokenizedPair> pairs, int batchSize, boolean groupByLength, long seed) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no training pairs");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.pairs = List.copyOf(pairs);
        this.batchSize = batchSize;
        this.groupByLength = groupByLength;
        this.random = new Random(seed);
    }

    /** The next epoch's batches, in training order. */
    public List<List<TokenizedPair>> next() {
        if (groupByLength) {
            return LengthGrouping.batches(pairs, batchSize, random);
        }
        List<TokenizedPair> shuffled = new ArrayList<>(pairs);
        Collections.shuffle(shuffled, random);
        return cut(shuffled, batchSize);
    }

    /** Consecutive runs of {@code batchSize} pairs; the last may be shorter. */
    static List<List<TokenizedPair>> cut(List<TokenizedPair> pairs, int batchSize) {
        List<List<TokenizedPair>> batches = new ArrayList<>((pairs.size() + batchSize - 1) / batchSize);
        for (int start = 0; start < pairs.size(); start += batchSize) {
            batches.add(List.copyOf(pairs.subList(start, Math.min(start + batchSize, pairs.size()))));
        }
        return batches;
    }
}
