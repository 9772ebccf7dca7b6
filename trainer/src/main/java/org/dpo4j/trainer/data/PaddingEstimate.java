package org.dpo4j.trainer.data;

import java.util.List;

/**
 * How much of a run's batches would be padding, found by laying out one epoch as training
 * will (its first epoch, from the same seed) without building any tensor.
 *
 * <p>A batch of B pairs padded to its longest row T has 2B·T positions (B chosen rows, B
 * rejected rows); its real tokens are Σ over pairs of |prompt|+|chosen| + |prompt|+|rejected|.
 * Over a layout:
 *
 * <pre>
 *   padding fraction = Σ_batches (2B·T − real) / Σ_batches 2B·T
 * </pre>
 *
 * that is, padded positions over all positions, so long batches weigh more, as they do in
 * compute. For a single batch it equals {@link Batch#paddingFraction()}.
 */
public final class PaddingEstimate {

    private PaddingEstimate() {}

    /**
     * The padding fraction of the first epoch a run with these settings trains on.
     *
     * @param groupByLength {@code train.group_by_length}
     * @param seed          {@code train.seed}
     */
    public static double of(List<TokenizedPair> pairs, int batchSize, boolean groupByLength, long seed) {
        return ofLayout(new EpochBatches(pairs, batchSize, groupByLength, seed).next());
    }

    /** The padding fraction of the given batches. */
    public static double ofLayout(List<List<TokenizedPair>> batches) {
        long positions = 0;
        long real = 0;
        for (List<TokenizedPair> batch : batches) {
            int seqLen = 0;
            for (TokenizedPair pair : batch) {
                seqLen = Math.max(seqLen, pair.maxRowLength());
                real += pair.realTokens();
            }
            positions += (long) batch.get(0).rows() * batch.size() * seqLen;
        }
        return positions == 0 ? 0.0 : (double) (positions - real) / positions;
    }
}
