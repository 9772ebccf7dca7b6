package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.dpo4j.trainer.data.Batch;

/**
 * The positions of a batch whose next token is read: the only rows at which the LM head and the
 * log-softmax need to run.
 *
 * <p>Label shift as in {@link org.dpo4j.losses.SequenceStats}: the hidden state at position t of
 * row n predicts token t+1. Position (n, t), t ≤ T−2, is needed iff
 *
 * <pre>
 *   lossMask[n, t+1] = 1                             (a scored token: every loss)
 *   or  n &lt; attendedRows and attentionMask[n, t+1] = 1   (ORPO's NLL over the chosen rows' prompt too)
 * </pre>
 *
 * M such positions out of N·T, numbered m = 0..M−1 in row-major order (n, then t). With a quarter
 * of each row prompt, M ≈ 3/4 of the real tokens, and padding costs nothing.
 *
 * <p>{@link #gather} picks their rows of the hidden states, (N, T, d) to (M, d); {@link #scatter}
 * puts M per-position values back on the (N, T−1) grid of {@code SequenceStats}, with 0 at every
 * position not gathered, so that the masked sums are the same expressions as on the full grid.
 * Both are index operations: autograd saves only the (small) index arrays, and the gradient
 * flows back to exactly the gathered rows.
 */
public final class ScoredPositions {

    private final NDArray rows;
    private final NDArray labels;
    private final NDArray slots;
    private final long batchRows;
    private final long seqLen;
    private final int count;

    private ScoredPositions(NDArray rows, NDArray labels, NDArray slots, long batchRows, long seqLen, int count) {
        this.rows = rows;
        this.labels = labels;
        this.slots = slots;
        this.batchRows = batchRows;
        this.seqLen = seqLen;
        this.count = count;
    }

    /**
     * The needed positions of {@code batch}. The masks are read back to Java once (2·N·T numbers,
     * small next to one forward pass); the index arrays live on the batch's manager.
     *
     * @param batch        N rows of length T
     * @param attendedRows rows 0..attendedRows−1 also need every attended position (the chosen
     *                     half when the loss needs {@code attendedChosenLogProbs}); 0 for none
     */
    static ScoredPositions of(Batch.Tensors batch, int attendedRows) {
        Shape shape = batch.inputIds().getShape();
        int n = Math.toIntExact(shape.get(0));
        int t = Math.toIntExact(shape.get(1));
        long[] ids = batch.inputIds().toType(DataType.INT64, false).toLongArray();
        float[] loss = batch.lossMask().toType(DataType.FLOAT32, false).toFloatArray();
        float[] attended = batch.attentionMask().toType(DataType.FLOAT32, false).toFloatArray();
        int predicting = Math.max(t - 1, 0);
        long[] rowIndex = new long[n * predicting];
        long[] labelIds = new long[n * predicting];
        long[] slotIndex = new long[n * predicting];
        int m = 0;
        for (int row = 0; row < n; row++) {
            for (int pos = 0; pos < predicting; pos++) {
                int next = row * t + pos + 1;
                int slot = row * predicting + pos;
                if (loss[next] != 0 || row < attendedRows && attended[next] != 0) {
                    rowIndex[m] = (long) row * t + pos;
                    labelIds[m] = ids[next];
                    slotIndex[slot] = m++;
                } else {
                    slotIndex[slot] = -1;
                }
            }
        }
        for (int slot = 0; slot < slotIndex.length; slot++) {
            if (slotIndex[slot] < 0) {
                slotIndex[slot] = m; // the 0 that scatter appends after the M values
            }
        }
        NDManager manager = batch.inputIds().getManager();
        return new ScoredPositions(
                manager.create(Arrays.copyOf(rowIndex, m)),
                manager.create(Arrays.copyOf(labelIds, m), new Shape(m, 1)),
                manager.create(slotIndex),
                n, t, m);
    }

    /** M, the number of gathered positions. */
    public int count() {
        return count;
    }

    /**
     * The hidden states at the needed positions.
     *
     * @param hidden (N, T, d)
     * @return (M, d), row m being position m
     */
    NDArray gather(NDArray hidden) {
        long d = hidden.getShape().get(2);
        return hidden.reshape(batchRows * seqLen, d).get(rows);
    }

    /** (M, 1) int64: the token each gathered position predicts, ids[n, t+1]. */
    NDArray labels() {
        return labels;
    }

    /**
     * Per-position values back on the full grid, differentiably.
     *
     * @param values (M) one value per gathered position
     * @return (N, T−1): entry (n, t) is the value of position (n, t) when it was gathered, else 0
     */
    public NDArray scatter(NDArray values) {
        NDArray zero = values.getManager().zeros(new Shape(1), values.getDataType());
        return values.concat(zero).get(slots).reshape(batchRows, Math.max(seqLen - 1, 0));
    }
}
