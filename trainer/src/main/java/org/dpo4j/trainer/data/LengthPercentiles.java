package org.dpo4j.trainer.data;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Token-length percentiles of one part of the pairs (prompt, chosen or rejected), nearest-rank:
 * the p-th percentile of n sorted lengths is the one at rank ceil(p/100 · n).
 *
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param max longest
 */
public record LengthPercentiles(int p50, int p90, int p99, int max) {

    /** Percentiles of {@code length} over {@code pairs} (at least one). */
    public static LengthPercentiles of(List<TokenizedPair> pairs, ToIntFunction<TokenizedPair> length) {
        int[] sorted = pairs.stream().mapToInt(length).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no pairs");
        }
        return new LengthPercentiles(rank(sorted, 50), rank(sorted, 90), rank(sorted, 99), sorted[sorted.length - 1]);
    }

    private static int rank(int[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    @Override
    public String toString() {
        return Arrays.toString(new int[] {p50, p90, p99, max});
    }
}
