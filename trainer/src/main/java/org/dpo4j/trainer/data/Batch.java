package org.dpo4j.trainer.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * B pairs laid out as S·B right-padded rows: rows 0..B−1 are the chosen sequences, rows
 * B..2B−1 the rejected ones, so one forward pass scores both; S = 2 for pairs, and records with
 * more completions (D2O, WRPO) add rows s·B..(s+1)·B−1 for slots s ≥ 2 ({@link CompletionRows}).
 *
 * @param pairIds       the pairs' ids, length B
 * @param inputIds      S·B·T token ids, row-major
 * @param attentionMask S·B·T, 1 on prompt and completion tokens, 0 on padding
 * @param lossMask      S·B·T, 1 on completion tokens only
 * @param seqLen        T, the longest row
 */
public record Batch(List<String> pairIds, long[] inputIds, float[] attentionMask, float[] lossMask, int seqLen) {

    /** B, the number of pairs. */
    public int pairs() {
        return pairIds.size();
    }

    /** S, the rows per pair (2 for pairs). */
    public int rowsPerPair() {
        return inputIds.length / seqLen / pairs();
    }

    /** Tokens that are not padding. */
    public long realTokens() {
        long count = 0;
        for (float m : attentionMask) {
            count += (long) m;
        }
        return count;
    }

    /**
     * Padded positions over all positions: (S·B·T − realTokens) / S·B·T. Zero when every row is
     * as long as the longest; {@link PaddingEstimate} sums the same over an epoch.
     */
    public double paddingFraction() {
        long positions = attentionMask.length;
        return (double) (positions - realTokens()) / positions;
    }

    /** The three arrays on {@code manager}'s device, each (S·B, T). */
    public Tensors toTensors(NDManager manager) {
        Shape shape = new Shape((long) rowsPerPair() * pairs(), seqLen);
        return new Tensors(
                manager.create(inputIds, shape),
                manager.create(attentionMask, shape),
                manager.create(lossMask, shape));
    }

    /** The batch as arrays: ids int64, masks float32, each (S·B, T). */
    public record Tensors(NDArray inputIds, NDArray attentionMask, NDArray lossMask) {}
}
