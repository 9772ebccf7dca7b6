package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import org.dpo4j.losses.Constants;

/**
 * A Llama-family decoder-only transformer (Llama, Mistral, Qwen2 without biases, SmolLM) over
 * {@link ModelWeights} named as in Hugging Face checkpoints.
 *
 * <pre>
 *   x = embed(ids)                                              (N, T, d)
 *   per block:  x = x + o_proj(attention(rope(q), rope(k), v))  over RMSNorm(x)
 *               x = x + down_proj(silu(gate_proj(h)) · up_proj(h)),  h = RMSNorm(x)
 *   logits = lm_head(RMSNorm(x))                                (N, T, V)
 * </pre>
 *
 * Attention is causal and ignores padded keys; rotary embeddings use the "rotate half"
 * convention of Hugging Face with positions 0..T−1. Every intermediate array is created in
 * the caller's {@code NDScope}; the weights are only read.
 */
public final class LlamaModel {

    /** Added to the scores of masked keys; exp of it underflows to exactly 0 in float32. */
    private static final float MASKED_SCORE = -1e9f;

    private final LlamaConfig config;
    private final ModelWeights weights;

    public LlamaModel(LlamaConfig config, ModelWeights weights) {
        this.config = config;
        this.weights = weights;
    }

    public LlamaConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    /**
     * Next-token logits for every position.
     *
     * @param inputIds      (N, T) int64 token ids
     * @param attentionMask (N, T) 1 on real tokens, 0 on padding, any numeric type
     * @return logits (N, T, V) float32
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask) {
        long seqLen = inputIds.getShape().get(1);
        NDArray embed = weights.get(LlamaTensorNames.EMBED);
        NDArray x = embed.getNDArrayInternal()
                .embedding(inputIds, embed, SparseFormat.DENSE)
                .singletonOrThrow();
        NDArray maskBias = attentionBias(attentionMask, seqLen);
        RotaryTables rotary = RotaryTables.of(x.getManager(), seqLen, config.headDim(), config.ropeTheta());
        for (int i = 0; i < config.numLayers(); i++) {
            String p = LlamaTensorNames.layer(i);
            NDArray h = rmsNorm(x, weights.get(p + "input_layernorm.weight"));
            x = x.add(attention(h, p, maskBias, rotary));
            h = rmsNorm(x, weights.get(p + "post_attention_layernorm.weight"));
            x = x.add(mlp(h, p));
        }
        x = rmsNorm(x, weights.get(LlamaTensorNames.FINAL_NORM));
        String head = config.tieWordEmbeddings() ? LlamaTensorNames.EMBED : LlamaTensorNames.LM_HEAD;
        return linear(x, weights.get(head));
    }

    /**
     * Multi-head attention with grouped key/value heads.
     *
     * @param h        (N, T, d) normalised input
     * @param prefix   the block's tensor-name prefix
     * @param maskBias (N, 1, T, T) 0 where a query may attend a key, {@link #MASKED_SCORE} elsewhere
     * @return (N, T, d)
     */
    private NDArray attention(NDArray h, String prefix, NDArray maskBias, RotaryTables rotary) {
        long n = h.getShape().get(0);
        long t = h.getShape().get(1);
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        NDArray q = splitHeads(linear(h, weights.get(prefix + "self_attn.q_proj.weight")), heads);
        NDArray k = splitHeads(linear(h, weights.get(prefix + "self_attn.k_proj.weight")), kvHeads);
        NDArray v = splitHeads(linear(h, weights.get(prefix + "self_attn.v_proj.weight")), kvHeads);
        q = rotary.apply(q);
        k = repeatKv(rotary.apply(k), heads / kvHeads);
        v = repeatKv(v, heads / kvHeads);
        NDArray scores = Constants.times(q.matMul(k.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(headDim)).add(maskBias);
        NDArray context = scores.softmax(-1).matMul(v); // (N, H, T, D)
        NDArray merged = context.transpose(0, 2, 1, 3).reshape(n, t, (long) heads * headDim);
        return linear(merged, weights.get(prefix + "self_attn.o_proj.weight"));
    }

    /** SwiGLU: down(silu(gate(h)) · up(h)), (N, T, d) to (N, T, d). */
    private NDArray mlp(NDArray h, String prefix) {
        NDArray gate = linear(h, weights.get(prefix + "mlp.gate_proj.weight"));
        NDArray up = linear(h, weights.get(prefix + "mlp.up_proj.weight"));
        NDArray silu = gate.mul(Activation.sigmoid(gate));
        return linear(silu.mul(up), weights.get(prefix + "mlp.down_proj.weight"));
    }

    /**
     * RMSNorm: x / sqrt(mean(x²) + ε) · w over the last axis. Written with sqrt and div, not
     * pow(−0.5): a Number exponent would be a Java-backed tensor kept by autograd (see
     * {@link Constants}).
     */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(config.rmsNormEps()).sqrt();
        return x.div(rms).mul(weight);
    }

    /** y = x Wᵀ for a Hugging Face (out, in) weight; x is (..., in). */
    static NDArray linear(NDArray x, NDArray weight) {
        return x.matMul(weight.transpose());
    }

    /** (N, T, heads·D) to (N, heads, T, D). */
    private NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, config.headDim()).transpose(0, 2, 1, 3);
    }

    /** (N, kvHeads, T, D) to (N, kvHeads·groups, T, D); query head j reads key head j / groups. */
    private static NDArray repeatKv(NDArray x, int groups) {
        if (groups == 1) {
            return x;
        }
        Shape s = x.getShape();
        return x.expandDims(2)
                .broadcast(s.get(0), s.get(1), groups, s.get(2), s.get(3))
                .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3));
    }

    /**
     * The additive attention mask: query i may attend key j iff j ≤ i and key j is not padding.
     *
     * @param attentionMask (N, T)
     * @return (N, 1, T, T) float32, 0 where allowed, {@link #MASKED_SCORE} elsewhere
     */
    static NDArray attentionBias(NDArray attentionMask, long seqLen) {
        NDManager manager = attentionMask.getManager();
        NDArray positions = manager.arange(0, seqLen, 1, DataType.FLOAT32);
        NDArray causal = positions.reshape(1, seqLen).lte(positions.reshape(seqLen, 1)).toType(DataType.FLOAT32, false);
        NDArray keys = attentionMask.toType(DataType.FLOAT32, false);
        NDArray allowed = causal.reshape(1, 1, seqLen, seqLen)
                .mul(keys.reshape(keys.getShape().get(0), 1, 1, seqLen));
        return allowed.sub(1).mul(-MASKED_SCORE);
    }

    /** Precomputed cos/sin for rotary embeddings at positions 0..T−1, each (T, D). */
    record RotaryTables(NDArray cos, NDArray sin) {

        /**
         * θ_i = base^(−2i/D) for i < D/2; angle(p, i) = p·θ_i, duplicated across the two halves
         * of the head as Hugging Face's "rotate half" layout expects.
         */
        static RotaryTables of(NDManager manager, long seqLen, int headDim, double base) {
            float[] cos = new float[Math.toIntExact(seqLen * headDim)];
            float[] sin = new float[cos.length];
            int half = headDim / 2;
            for (int p = 0; p < seqLen; p++) {
                for (int i = 0; i < half; i++) {
                    double angle = p * Math.pow(base, -2.0 * i / headDim);
                    int at = p * headDim + i;
                    cos[at] = cos[at + half] = (float) Math.cos(angle);
                    sin[at] = sin[at + half] = (float) Math.sin(angle);
                }
            }
            Shape shape = new Shape(seqLen, headDim);
            return new RotaryTables(manager.create(cos, shape), manager.create(sin, shape));
        }

        /** x·cos + rotate_half(x)·sin with rotate_half([a, b]) = [−b, a]; x is (N, H, T, D). */
        NDArray apply(NDArray x) {
            long d = x.getShape().get(3);
            long half = d / 2;
            NDArray first = x.get(":, :, :, 0:" + half);
            NDArray second = x.get(":, :, :, " + half + ":" + d);
            NDArray rotated = NDArrays.concat(new ai.djl.ndarray.NDList(second.neg(), first), -1);
            return x.mul(cos).add(rotated.mul(sin));
        }
    }
}
