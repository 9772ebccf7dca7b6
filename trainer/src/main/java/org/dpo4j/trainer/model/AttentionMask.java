package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** The additive attention mask both architectures add to their scores before the softmax. */
public final class AttentionMask {

    /** Added to the scores of masked keys; exp of it underflows to exactly 0 in float32. */
    public static final float MASKED_SCORE = -1e9f;

    private AttentionMask() {}

    /**
     * Query i may attend key j iff j ≤ i and key j is not padding. A padded query row of a
     * left-padded batch has no allowed key; its (meaningless) output stays finite because every
     * score in that row gets the same offset.
     *
     * @param attentionMask (N, T) 1 on real tokens, 0 on padding, any numeric type
     * @param seqLen        T
     * @return (N, 1, T, T) float32, 0 where allowed and {@link #MASKED_SCORE} elsewhere; it never
     *         needs a gradient, so the Number arithmetic below is safe
     */
    public static NDArray bias(NDArray attentionMask, long seqLen) {
        NDManager manager = attentionMask.getManager();
        NDArray positions = manager.arange(0, seqLen, 1, DataType.FLOAT32);
        NDArray causal = positions.reshape(1, seqLen).lte(positions.reshape(seqLen, 1)).toType(DataType.FLOAT32, false);
        NDArray keys = attentionMask.toType(DataType.FLOAT32, false);
        NDArray allowed = causal.reshape(1, 1, seqLen, seqLen)
                .mul(keys.reshape(keys.getShape().get(0), 1, 1, seqLen));
        return allowed.sub(1).mul(-MASKED_SCORE);
    }

    /**
     * The sliding-window restriction, to add to a causal bias: query slot q (= {@code start} + i)
     * may attend key slot j iff q − j &lt; {@code window}, i.e. the query and the window − 1 slots
     * before it. Slots are indices in the padded sequence (cache positions), not position ids.
     *
     * @param manager where the array is created
     * @param start   the slot of the first query
     * @param queries T, the query slots start .. start + T − 1
     * @param keys    S, the key slots 0 .. S − 1
     * @param window  W ≥ 1
     * @return (1, 1, T, S) float32: 0 where inside the window, {@link #MASKED_SCORE} elsewhere
     */
    public static NDArray window(NDManager manager, long start, long queries, long keys, int window) {
        NDArray query = manager.arange(0, queries, 1, DataType.FLOAT32).add(start).reshape(queries, 1);
        NDArray key = manager.arange(0, keys, 1, DataType.FLOAT32).reshape(1, keys);
        NDArray inside = query.sub(key).lt(window).toType(DataType.FLOAT32, false);
        return inside.sub(1).mul(-MASKED_SCORE).reshape(1, 1, queries, keys);
    }
}
