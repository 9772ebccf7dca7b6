package org.dpo4j.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Lays one epoch out in batches of pairs of similar length, after Hugging Face's
 * {@code group_by_length} ({@code LengthGroupedSampler}), so a batch pads less.
 *
 * <ol>
 *   <li>shuffle all N pairs with {@code random};
 *   <li>cut them into mega-batches of M = B·k pairs, k = min(⌊N / 4B⌋, 50), at least 1
 *       (HF's {@code mega_batch_mult}: 50, or fewer so that there are about four mega-batches);
 *   <li>sort each mega-batch by {@link TokenizedPair#maxRowLength()}, longest first (stable, so
 *       equal lengths keep their shuffled order), and cut it into batches of B; since M is a
 *       multiple of B, only the epoch's last batch can be short;
 *   <li>shuffle the order of the batches with the same {@code random};
 *   <li>swap the batch holding the epoch's longest pair to the front.
 * </ol>
 *
 * <p>Why the batch-order shuffle: without it each mega-batch runs from its longest batch to
 * its shortest, so the batch length saw-tooths through the epoch and correlates with the
 * step; HF does not shuffle here, we do. Why the longest batch first: as in HF, the largest
 * activation shape the epoch will need is allocated on its first step, so an out-of-memory
 * shows at once rather than hours in.
 *
 * <p>Sorting inside mega-batches only (rather than globally) keeps batches random: which
 * pairs share a batch changes from epoch to epoch.
 */
final class LengthGrouping {

    /** HF's cap on mega-batch size, in batches. */
    static final int MAX_BATCHES_PER_MEGA_BATCH = 50;

    private LengthGrouping() {}

    /** M = B·max(1, min(⌊N / 4B⌋, 50)) pairs per mega-batch, for N pairs in batches of B. */
    static int megaBatchSize(int pairs, int batchSize) {
        int batches = Math.max(1, Math.min(pairs / (4 * batchSize), MAX_BATCHES_PER_MEGA_BATCH));
        return batches * batchSize;
    }

    /** One epoch of {@code pairs} in length-grouped batches of at most {@code batchSize}. */
    static List<List<TokenizedPair>> batches(List<TokenizedPair> pairs, int batchSize, Random random) {
        List<TokenizedPair> shuffled = new ArrayList<>(pairs);
        Collections.shuffle(shuffled, random);
        int megaBatchSize = megaBatchSize(shuffled.size(), batchSize);
        List<List<TokenizedPair>> batches = new ArrayList<>();
        for (int start = 0; start < shuffled.size(); start += megaBatchSize) {
            List<TokenizedPair> mega = new ArrayList<>(
                    shuffled.subList(start, Math.min(start + megaBatchSize, shuffled.size())));
            mega.sort(Comparator.comparingInt(TokenizedPair::maxRowLength).reversed());
            batches.addAll(EpochBatches.cut(mega, batchSize));
        }
        Collections.shuffle(batches, random);
        Collections.swap(batches, 0, indexOfLongest(batches));
        return batches;
    }

    /** The first batch whose first (so longest, after sorting) pair is the epoch's longest. */
    private static int indexOfLongest(List<List<TokenizedPair>> batches) {
        int best = 0;
        for (int i = 1; i < batches.size(); i++) {
            if (batches.get(i).get(0).maxRowLength() > batches.get(best).get(0).maxRowLength()) {
                best = i;
            }
        }
        return best;
    }
}
