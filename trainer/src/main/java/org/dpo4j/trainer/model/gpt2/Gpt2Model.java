package org.dpo4j.trainer.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import org.dpo4j.trainer.model.AttentionMask;
import org.dpo4j.trainer.model.BlockScope;
import org.dpo4j.trainer.model.DecoderModel;
import org.dpo4j.trainer.model.KvCache;
import org.dpo4j.trainer.model.Linear;
import org.dpo4j.trainer.model.Lookup;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.MultiHeadAttention;
import org.dpo4j.trainer.model.Norms;
import org.dpo4j.trainer.model.PositionIds;
import org.dpo4j.trainer.model.SharedPromptLayout;

/**
 * GPT-2 ({@code GPT2LMHeadModel}) over {@link ModelWeights} under the hub's unprefixed names
 * ({@link Gpt2TensorNames}).
 *
 * <pre>
 *   x = wte[ids] + wpe[positions]                                 (N, T, E)
 *   per block:  x = x + c_proj(attention(split(c_attn(LN_1(x)))))  c_attn: (N, T, 3E) = q | k | v
 *               x = x + c_proj(act(c_fc(LN_2(x))))                 c_fc: (N, T, inner)
 *   hidden = LN_f(x)                                               (N, T, E)   hiddenStates
 *   logits = hidden · headᵀ                                        (N, T, V)   head; = wte when tied
 * </pre>
 *
 * Every projection is a Conv1D, stored (in, out) and applied as x·W + b without a transpose.
 */
public final class Gpt2Model extends DecoderModel<Gpt2Config> {

    /** @throws IllegalArgumentException when a tensor of {@code config} is missing or mis-shaped */
    public Gpt2Model(Gpt2Config config, ModelWeights weights) {
        super(config, weights);
    }

    @Override
    public NDArray hiddenStates(NDArray inputIds, NDArray attentionMask) {
        Shape s = inputIds.getShape();
        NDArray sequential = inputIds.getManager().arange(0, s.get(1), 1, DataType.INT64)
                .reshape(1, s.get(1))
                .broadcast(s);
        return hiddenStates(inputIds, attentionMask, sequential);
    }

    @Override
    public NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray positionIds) {
        return head(hiddenStates(inputIds, attentionMask, positionIds));
    }

    @Override
    public NDArray head(NDArray hidden) {
        // The head is (V, E) like an nn.Linear weight, unlike the Conv1D projections.
        return new Linear(headWeight(), null, Linear.Layout.OUT_IN).apply(hidden);
    }

    @Override
    public NDArray headWeight() {
        return weights.get(config.headWeight());
    }

    /**
     * @param inputIds      (N, T) int64
     * @param attentionMask (N, T)
     * @param positionIds   (N, T), each below n_positions
     * @return (N, T, E), after the final LayerNorm
     */
    private NDArray hiddenStates(NDArray inputIds, NDArray attentionMask, NDArray positionIds) {
        PositionIds positions = PositionIds.check(positionIds, inputIds, config.maxPositions());
        NDArray x = Lookup.rows(weights.get(Gpt2TensorNames.TOKEN_EMBED), inputIds)
                .add(Lookup.rows(weights.get(Gpt2TensorNames.POSITION_EMBED), positions.ids()));
        NDArray maskBias = AttentionMask.bias(attentionMask, inputIds.getShape().get(1));
        double eps = config.layerNormEps();
        for (int i = 0; i < config.numLayers(); i++) {
            String p = Gpt2TensorNames.layer(i);
            NDArray input = x;
            x = BlockScope.keepOutput(() -> block(input, p, h -> attention(h, p + "attn.", maskBias)));
        }
        return layerNorm(x, Gpt2TensorNames.FINAL_NORM, eps);
    }

    /**
     * The flat stream of {@code layout} through the blocks, then back in the row layout:
     * position-wise ops on (S, E), attention per group.
     *
     * @throws IllegalArgumentException when a position is not below n_positions
     */
    @Override
    public NDArray hiddenStates(SharedPromptLayout layout) {
        long last = Math.max(layout.promptPositions().max(), layout.completionPositions().max());
        if (last >= config.maxPositions()) {
            throw new IllegalArgumentException(
                    "position ids span [0, " + last + "]; allowed are 0 to " + (config.maxPositions() - 1));
        }
        NDArray x = Lookup.rows(weights.get(Gpt2TensorNames.TOKEN_EMBED), layout.tokenIds())
                .add(Lookup.rows(weights.get(Gpt2TensorNames.POSITION_EMBED), layout.flatPositions())); // (S, E)
        for (int i = 0; i < config.numLayers(); i++) {
            String p = Gpt2TensorNames.layer(i);
            NDArray input = x;
            x = BlockScope.keepOutput(() -> block(input, p, h -> sharedAttention(h, p + "attn.", layout)));
        }
        return layout.toRows(layerNorm(x, Gpt2TensorNames.FINAL_NORM, config.layerNormEps()));
    }

    /**
     * One pre-norm block: x + attn(LN_1(x)), then + mlp(LN_2(·)); (..., E) to (..., E).
     *
     * @param attention the block's attention over its normalised input
     */
    private NDArray block(NDArray x, String p, UnaryOperator<NDArray> attention) {
        double eps = config.layerNormEps();
        NDArray y = x.add(attention.apply(layerNorm(x, p + "ln_1", eps)));
        return y.add(mlp(layerNorm(y, p + "ln_2", eps), p + "mlp."));
    }

    /**
     * Causal self-attention.
     *
     * @param h        (N, T, E) normalised input
     * @param prefix   {@code h.{i}.attn.}
     * @param maskBias (N, 1, T, T) from {@link AttentionMask#bias}
     * @return (N, T, E)
     */
    private NDArray attention(NDArray h, String prefix, NDArray maskBias) {
        int heads = config.numHeads();
        int headDim = config.headDim();
        NDList qkv = queryKeyValue(h, prefix); // q | k | v, each (N, T, E)
        NDArray q = MultiHeadAttention.splitHeads(qkv.get(0), heads, headDim);
        NDArray k = MultiHeadAttention.splitHeads(qkv.get(1), heads, headDim);
        NDArray v = MultiHeadAttention.splitHeads(qkv.get(2), heads, headDim);
        double scale = config.scaleAttnWeights() ? 1.0 / Math.sqrt(headDim) : 1.0;
        NDArray context = MultiHeadAttention.attend(q, k, v, maskBias, scale); // (N, H, T, D)
        return output(MultiHeadAttention.mergeHeads(context), prefix);
    }

    /**
     * {@link #attention} over a {@link SharedPromptLayout}'s flat stream.
     *
     * @param h (S, E) normalised input
     * @return (S, E)
     */
    private NDArray sharedAttention(NDArray h, String prefix, SharedPromptLayout layout) {
        int heads = config.numHeads();
        int headDim = config.headDim();
        NDList qkv = queryKeyValue(h, prefix); // q | k | v, each (S, E)
        double scale = config.scaleAttnWeights() ? 1.0 / Math.sqrt(headDim) : 1.0;
        NDArray context = layout.attend(layout.split(qkv.get(0), heads, headDim),
                layout.split(qkv.get(1), heads, headDim), layout.split(qkv.get(2), heads, headDim), scale);
        return output(context, prefix);
    }

    /**
     * c_attn of {@code h} (..., E) split into q, k and v, each (..., E), before heads are split:
     * the one path of the row, shared-prompt and cached attention.
     */
    private NDList queryKeyValue(NDArray h, String prefix) {
        // The last axis counted from the front: DJL's split does not resolve negative axes.
        return conv1d(prefix + "c_attn").apply(h).split(3, h.getShape().dimension() - 1);
    }

    /** The attention's c_proj of the merged heads' context, (..., E) to (..., E). */
    private NDArray output(NDArray context, String prefix) {
        return conv1d(prefix + "c_proj").apply(context);
    }

    /** c_proj(act(c_fc(h))): (N, T, E) to (N, T, inner) and back. */
    private NDArray mlp(NDArray h, String prefix) {
        NDArray inner = Gpt2Activation.apply(config.activation(), conv1d(prefix + "c_fc").apply(h));
        return conv1d(prefix + "c_proj").apply(inner);
    }

    private NDArray layerNorm(NDArray x, String name, double eps) {
        return Norms.layer(x, weights.get(name + ".weight"), weights.get(name + ".bias"), eps);
    }

    /** The Conv1D called {@code name}: x·W + b with W stored (in, out). */
    private Linear conv1d(String name) {
        return Linear.named(weights, name, true, Linear.Layout.IN_OUT);
    }

    // ---- key/value-cached decoding (generation); the training forward above does not use it ----

    @Override
    public KvCache newCache(NDManager manager, int batch, int capacity) {
        if (capacity > config.maxPositions()) {
            throw new IllegalArgumentException("a cache of " + capacity + " tokens exceeds GPT-2's n_positions "
                    + config.maxPositions());
        }
        return KvCache.allocate(manager, config.numLayers(), batch, config.numHeads(), capacity, config.headDim());
    }

    @Override
    public NDArray forwardCached(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        KvCache.Chunk chunk = cache.advance(attentionMask);
        NDArray x = Lookup.rows(weights.get(Gpt2TensorNames.TOKEN_EMBED), inputIds)
                .add(Lookup.rows(weights.get(Gpt2TensorNames.POSITION_EMBED), chunk.positions().ids()));
        double eps = config.layerNormEps();
        for (int i = 0; i < config.numLayers(); i++) {
            String p = Gpt2TensorNames.layer(i);
            x = x.add(cachedAttention(layerNorm(x, p + "ln_1", eps), p + "attn.", i, chunk, cache));
            x = x.add(mlp(layerNorm(x, p + "ln_2", eps), p + "mlp."));
        }
        return head(layerNorm(x, Gpt2TensorNames.FINAL_NORM, eps));
    }

    /** {@link #attention} for T new tokens against the cached keys and values of {@code layer}. */
    private NDArray cachedAttention(NDArray h, String prefix, int layer, KvCache.Chunk chunk, KvCache cache) {
        int heads = config.numHeads();
        int headDim = config.headDim();
        NDList qkv = queryKeyValue(h, prefix);
        NDArray q = MultiHeadAttention.splitHeads(qkv.get(0), heads, headDim);
        NDArray[] kv = cache.store(layer, chunk,
                MultiHeadAttention.splitHeads(qkv.get(1), heads, headDim),
                MultiHeadAttention.splitHeads(qkv.get(2), heads, headDim));
        double scale = config.scaleAttnWeights() ? 1.0 / Math.sqrt(headDim) : 1.0;
        NDArray context = MultiHeadAttention.attend(q, kv[0], kv[1], chunk.maskBias(), scale);
        return output(MultiHeadAttention.mergeHeads(context), prefix);
    }
}
