package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.dpo4j.losses.Constants;

/** Head bookkeeping and scaled dot-product attention, shared by both architectures. */
public final class MultiHeadAttention {

    private MultiHeadAttention() {}

    /** (N, T, heads·D) to (N, heads, T, D): head h takes columns h·D … h·D+D−1. */
    public static NDArray splitHeads(NDArray x, int heads, int headDim) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, headDim).transpose(0, 2, 1, 3);
    }

    /** (N, heads, T, D) to (N, T, heads·D), the inverse of {@link #splitHeads}. */
    public static NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /**
     * (N, kvHeads, T, D) to (N, kvHeads·groups, T, D) for grouped-query attention: each key/value
     * head is repeated consecutively, so query head j reads key head j / groups.
     */
    public static NDArray repeatKv(NDArray x, int groups) {
        if (groups == 1) {
            return x;
        }
        Shape s = x.getShape();
        return x.expandDims(2)
                .broadcast(s.get(0), s.get(1), groups, s.get(2), s.get(3))
                .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3));
    }

    /**
     * softmax((scale · q) kᵀ + maskBias) v. The scale multiplies the queries, (N, H, T, D), not the
     * scores, (N, H, T, T): the same product (exactly so when the scale is a power of two, as
     * 1/√D is for D = 4, 16, 64, 256), with one pass over T·D values instead of T·T per head, in
     * the forward and the backward pass.
     *
     * @param q        (N, H, T, D)
     * @param k        (N, H, T, D)
     * @param v        (N, H, T, D)
     * @param maskBias (N, 1, T, T) from {@link AttentionMask#bias}
     * @param scale    score multiplier; exactly 1 skips the multiplication
     * @return (N, H, T, D)
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray maskBias, double scale) {
        NDArray scaled = scale == 1.0 ? q : Constants.times(q, scale);
        return scaled.matMul(k.transpose(0, 1, 3, 2)).add(maskBias).softmax(-1).matMul(v);
    }

    /**
     * {@link #attend} with the scores soft-capped before the mask (Gemma's
     * {@code attn_logit_softcapping}): s ↦ cap·tanh(s / cap), which keeps every score in
     * (−cap, cap) and is the identity near 0.
     *
     * @param softcap the cap, &gt; 0
     * @return (N, H, T, D)
     */
    public static NDArray attendSoftcapped(NDArray q, NDArray k, NDArray v, NDArray maskBias, double scale, double softcap) {
        NDArray scores = Constants.times(q, scale).matMul(k.transpose(0, 1, 3, 2));
        return softcap(scores, softcap).add(maskBias).softmax(-1).matMul(v);
    }

    /** cap·tanh(x / cap), elementwise. */
    public static NDArray softcap(NDArray x, double cap) {
        return Constants.times(Constants.dividedBy(x, cap).tanh(), cap);
    }
}
