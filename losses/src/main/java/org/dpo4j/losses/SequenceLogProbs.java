package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Log-probability statistics of N scored sequences (one value per row).
 *
 * @param sum        Σ_t mask[t+1]·log π(x_{t+1} | x_≤t), shape (N)
 * @param mean       sum / tokenCount, shape (N)
 * @param tokenCount number of scored tokens Σ_t mask[t+1], shape (N), same dtype as sum
 */
public record SequenceLogProbs(NDArray sum, NDArray mean, NDArray tokenCount) {

    /**
     * Rows [from, to) of every statistic, e.g. the chosen half of a concatenated batch.
     *
     * @param from first row, inclusive
     * @param to   last row, exclusive
     * @return the selected rows, shape (to - from)
     */
    public SequenceLogProbs rows(long from, long to) {
        String range = from + ":" + to;
        return new SequenceLogProbs(sum.get(range), mean.get(range), tokenCount.get(range));
    }
}
