package org.dpo4j.trainer.data;

import java.util.List;

/**
 * Endless stream of training micro-batches: the batches of {@link EpochBatches}, epoch after
 * epoch, one at a time.
 *
 * <p>Its position ({@link #position()}: the epoch and the index of the next batch in it) is all a
 * checkpoint needs: epoch e's batches are a pure function of (pairs, batch size, grouping, seed,
 * e), so {@link #seek} rebuilds the stream by drawing epochs 0..e again (shuffles only, no model
 * work) and serves exactly the batches the original would have served next.
 */
public final class PairSampler {

    /**
     * Where the stream stands.
     *
     * @param epoch 0-based epoch of the next batch
     * @param batch index of the next batch in that epoch's list, in [0, batches per epoch)
     */
    public record Position(int epoch, int batch) {

        public Position {
            if (epoch < 0 || batch < 0) {
                throw new IllegalArgumentException("epoch and batch must be >= 0, got " + epoch + ", " + batch);
            }
        }
    }

    private final EpochBatches epochs;
    private final int pairCount;
    private List<List<TokenizedPair>> epoch = List.of();
    private int epochsDrawn;
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
            drawEpoch();
        }
        List<TokenizedPair> batch = epoch.get(position++);
        pairsServed += batch.size();
        return batch;
    }

    /** Epochs completed, fractional: pairs served / pairs. */
    public double epoch() {
        return (double) pairsServed / pairCount;
    }

    /** The position of the batch {@link #next} serves next (the end of an epoch is the start of the next). */
    public Position position() {
        return epochsDrawn == 0 || position >= epoch.size()
                ? new Position(epochsDrawn, 0)
                : new Position(epochsDrawn - 1, position);
    }

    /**
     * Moves a new sampler to {@code target}, as if it had served every batch before it.
     *
     * @throws IllegalStateException    when this sampler has served batches already
     * @throws IllegalArgumentException when the target's batch index is not in its epoch
     */
    public void seek(Position target) {
        if (epochsDrawn != 0) {
            throw new IllegalStateException("seek needs a sampler that has served nothing");
        }
        for (int e = 0; e <= target.epoch(); e++) {
            drawEpoch();
        }
        if (target.batch() >= epoch.size()) {
            throw new IllegalArgumentException("epoch " + target.epoch() + " has " + epoch.size()
                    + " batches, no batch " + target.batch());
        }
        position = target.batch();
        pairsServed = (long) target.epoch() * pairCount;
        for (int b = 0; b < position; b++) {
            pairsServed += epoch.get(b).size();
        }
    }

    private void drawEpoch() {
        epoch = epochs.next();
        epochsDrawn++;
        position = 0;
    }
}
