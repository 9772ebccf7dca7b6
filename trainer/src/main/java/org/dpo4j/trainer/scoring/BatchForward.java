package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.model.SharedPromptLayout;

/**
 * Whether a batch's 2B rows go through the models whole, or ({@code train.share_prompts}) with
 * each pair's shared prefix once for both of its rows ({@link SharedPromptLayout}) when that
 * computes fewer positions; {@link BatchPlan} carries the choice to both passes.
 *
 * <p>The shared prefix of pair i is the longest common prefix p_i of its chosen row i and its
 * rejected row B+i: at least the prompt, and more when both completions start alike. Any common
 * prefix gives the same hidden states, since a token's state depends only on the tokens before it.
 */
public final class BatchForward {

    /** Every row whole, as the plain forward pass does. */
    static final BatchForward ROWS = new BatchForward(false);

    /** Shared prompts whenever they pay. */
    public static final BatchForward SHARED_PROMPTS = new BatchForward(true);

    private final boolean sharePrompts;

    private BatchForward(boolean sharePrompts) {
        this.sharePrompts = sharePrompts;
    }

    /** {@link #SHARED_PROMPTS} or {@link #ROWS}, as {@code train.share_prompts} says. */
    public static BatchForward of(boolean sharePrompts) {
        return sharePrompts ? SHARED_PROMPTS : ROWS;
    }

    /** The shared layout of {@code batch} when prompts are shared and it pays, else null. */
    SharedPromptLayout layoutFor(Batch.Tensors batch) {
        return sharePrompts ? layout(batch) : null;
    }

    /** The shared layout of {@code batch}, or null when it would not compute fewer positions. */
    static SharedPromptLayout layout(Batch.Tensors batch) {
        Shape shape = batch.inputIds().getShape();
        int rows = Math.toIntExact(shape.get(0));
        int seqLen = Math.toIntExact(shape.get(1));
        if (rows % 2 != 0 || rows == 0) {
            return null;
        }
        long[] ids = batch.inputIds().toType(DataType.INT64, false).toLongArray();
        float[] attention = batch.attentionMask().toType(DataType.FLOAT32, false).toFloatArray();
        int[] rowLengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            rowLengths[r] = rightPaddedLength(attention, r, seqLen);
            if (rowLengths[r] < 0) {
                return null; // not right-padded: only the row-wise forward handles any mask
            }
        }
        int pairs = rows / 2;
        int[] shared = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            int limit = Math.min(rowLengths[i], rowLengths[pairs + i]);
            int p = 0;
            while (p < limit && ids[i * seqLen + p] == ids[(pairs + i) * seqLen + p]) {
                p++;
            }
            shared[i] = p;
        }
        if (!SharedPromptLayout.pays(rowLengths, shared, seqLen)) {
            return null;
        }
        return SharedPromptLayout.of(batch.inputIds().getManager(), ids, rowLengths, shared, seqLen);
    }

    /** Row r's real tokens when they are a prefix of the row (ones, then zeros), else −1. */
    private static int rightPaddedLength(float[] attention, int row, int seqLen) {
        int length = 0;
        while (length < seqLen && attention[row * seqLen + length] != 0) {
            length++;
        }
        for (int t = length; t < seqLen; t++) {
            if (attention[row * seqLen + t] != 0) {
                return -1;
            }
        }
        return length;
    }
}
