package org.dpo4j.trainer.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Lays tokenized pairs out as a {@link Batch}: S rows per pair (2, or more for D2O and WRPO,
 * {@link CompletionRows}), row slot s of pair i at row s·B + i.
 */
public final class Batcher {

    private final int padId;

    public Batcher(int padId) {
        this.padId = padId;
    }

    /**
     * The batch of {@code pairs}, padded to its longest row.
     *
     * @throws IllegalArgumentException when the pairs do not all have the same number of rows
     */
    public Batch batch(List<TokenizedPair> pairs) {
        int b = pairs.size();
        int rows = pairs.get(0).rows();
        int seqLen = pairs.stream().mapToInt(TokenizedPair::maxRowLength).max().orElseThrow();
        long[] ids = new long[rows * b * seqLen];
        float[] attention = new float[ids.length];
        float[] loss = new float[ids.length];
        java.util.Arrays.fill(ids, padId);
        List<String> pairIds = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            TokenizedPair pair = pairs.get(i);
            pairIds.add(pair.id());
            if (pair.rows() != rows) {
                throw new IllegalArgumentException("pair " + pair.id() + " has " + pair.rows() + " rows where "
                        + pairs.get(0).id() + " has " + rows);
            }
            for (int slot = 0; slot < rows; slot++) {
                writeRow((slot * b + i) * seqLen, pair.prompt(), pair.completion(slot), ids, attention, loss);
            }
        }
        return new Batch(pairIds, ids, attention, loss, seqLen);
    }

    private static void writeRow(
            int offset, int[] prompt, int[] completion, long[] ids, float[] attention, float[] loss) {
        for (int t = 0; t < prompt.length; t++) {
            ids[offset + t] = prompt[t];
            attention[offset + t] = 1f;
        }
        for (int t = 0; t < completion.length; t++) {
            int at = offset + prompt.length + t;
            ids[at] = completion[t];
            attention[at] = 1f;
            loss[at] = 1f;
        }
    }
}
