package org.dpo4j.trainer.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
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
import org.dpo4j.trainer.model.RotaryTables;
import org.dpo4j.trainer.model.SegmentedBackward;
import org.dpo4j.trainer.model.SharedPromptLayout;

/**
 * The Llama-style decoder-only transformer, shared by the {@code llama} family (Llama, Mistral,
 * Qwen2, SmolLM: {@link LlamaModel}) and by families that only add to its block (Qwen3's per-head
 * q/k norms, through {@link #queryHeads} and {@link #keyHeads}), over {@link ModelWeights} named
 * as in Hugging Face checkpoints.
 *
 * <pre>
 *   x = embed(ids)                                              (N, T, d)
 *   per block:  x = x + o_proj(attention(rope(q'), rope(k'), v))  over RMSNorm(x),
 *               q' = queryHeads(q), k' = keyHeads(k) (identity unless a family overrides them)
 *               x = x + down_proj(silu(gate_proj(h)) · up_proj(h)),  h = RMSNorm(x)
 *   hidden = RMSNorm(x)                                         (N, T, d)   hiddenStates
 *   logits = lm_head(hidden)                                    (N, T, V)   head
 * </pre>
 *
 * q is (N, T, H·D) and k, v are (N, T, KV·D), where D is the config's head size (which need not
 * be d / H). Projections carry the biases the config declares (Qwen2's q/k/v, Llama's
 * {@code attention_bias} and {@code mlp_bias}). Rotary embeddings use the "rotate half"
 * convention at the given positions.
 */
public abstract class LlamaStyleModel<C extends LlamaBlocks> extends DecoderModel<C> {

    /** @throws IllegalArgumentException when a tensor of {@code config} is missing or mis-shaped */
    protected LlamaStyleModel(C config, ModelWeights weights) {
        super(config, weights);
    }

    public C config() {
        return config;
    }

    /**
     * The query heads before the rotary embedding, (..., D) last: as projected here; a family
     * that normalises each head (Qwen3's q_norm) overrides this.
     *
     * @param attention the block's attention prefix ({@code model.layers.i.self_attn.})
     */
    protected NDArray queryHeads(NDArray q, String attention) {
        return q;
    }

    /** The key heads before the rotary embedding, as {@link #queryHeads}. */
    protected NDArray keyHeads(NDArray k, String attention) {
        return k;
    }

    @Override
    public NDArray hiddenStates(NDArray inputIds, NDArray attentionMask) {
        long seqLen = inputIds.getShape().get(1);
        RotaryTables rotary = RotaryTables.sequential(
                inputIds.getManager(), seqLen, config.headDim(), config.rope());
        return hiddenStates(inputIds, attentionMask, rotary);
    }

    @Override
    public NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray positionIds) {
        // Rotary positions are unbounded: max_position_embeddings is only a hint.
        PositionIds positions = PositionIds.check(positionIds, inputIds, Long.MAX_VALUE);
        return head(hiddenStates(inputIds, attentionMask,
                RotaryTables.at(positions, config.headDim(), config.rope())));
    }

    @Override
    public NDArray head(NDArray hidden) {
        return new Linear(headWeight(), null, Linear.Layout.OUT_IN).apply(hidden);
    }

    @Override
    public NDArray headWeight() {
        return weights.get(config.headWeight());
    }

    /**
     * @param inputIds      (N, T) int64
     * @param attentionMask (N, T)
     * @param rotary        (T, D) or (N, 1, T, D) tables
     * @return (N, T, d), after the final RMSNorm
     */
    private NDArray hiddenStates(NDArray inputIds, NDArray attentionMask, RotaryTables rotary) {
        long seqLen = inputIds.getShape().get(1);
        NDArray x = embed(inputIds);
        NDArray maskBias = AttentionMask.bias(attentionMask, seqLen);
        for (int i = 0; i < config.numLayers(); i++) {
            String p = LlamaTensorNames.layer(i);
            NDArray input = x;
            x = BlockScope.keepOutput(() -> decoderLayer(input, p, h -> attention(h, p, maskBias, rotary)));
        }
        return finalNorm(x);
    }

    /**
     * The flat stream of {@code layout} through the blocks, then back in the row layout:
     * position-wise ops on (S, d), attention per group.
     */
    @Override
    public NDArray hiddenStates(SharedPromptLayout layout) {
        RotaryTables promptRotary = RotaryTables.at(layout.promptPositions(), config.headDim(), config.rope());
        RotaryTables completionRotary = RotaryTables.at(layout.completionPositions(), config.headDim(), config.rope());
        NDArray x = embed(layout.tokenIds()); // (S, d)
        for (int i = 0; i < config.numLayers(); i++) {
            String p = LlamaTensorNames.layer(i);
            NDArray input = x;
            x = BlockScope.keepOutput(() -> decoderLayer(input, p,
                    h -> sharedAttention(h, p, layout, promptRotary, completionRotary)));
        }
        return layout.toRows(finalNorm(x));
    }

    /** The final RMSNorm of the last block's output; a segmented recording hands the norm its leaf copy. */
    private NDArray finalNorm(NDArray x) {
        SegmentedBackward segments = SegmentedBackward.recording();
        NDArray last = segments == null ? x : segments.output(x);
        return Norms.rms(last, weights.get(LlamaTensorNames.FINAL_NORM), config.rmsNormEps());
    }

    /** The token embeddings of {@code ids}, told to a segmented recording if one is open. */
    private NDArray embed(NDArray ids) {
        NDArray table = weights.get(LlamaTensorNames.EMBED);
        NDArray x = Lookup.rows(table, ids);
        SegmentedBackward segments = SegmentedBackward.recording();
        if (segments != null) {
            segments.embedding(x, table.hasGradient());
        }
        return x;
    }

    /**
     * One pre-norm block: x + attn(rms(x)), then + mlp(rms(·)); (..., d) to (..., d).
     *
     * @param attention the block's attention over its normalised input, (..., d) to (..., d)
     */
    private NDArray decoderLayer(NDArray input, String p, UnaryOperator<NDArray> attention) {
        // a training forward cuts the block into segments (SegmentedBackward): leaves at its input
        // and between attention and MLP, the SwiGLU product and down_proj outside the graph
        SegmentedBackward segments = SegmentedBackward.recording();
        NDArray x = segments == null ? input : segments.input(input);
        NDArray h = Norms.rms(x, weights.get(p + "input_layernorm.weight"), config.rmsNormEps());
        NDArray y = x.add(attention.apply(h));
        NDArray residual = segments == null ? y : segments.residual(y);
        h = Norms.rms(residual, weights.get(p + "post_attention_layernorm.weight"), config.rmsNormEps());
        return residual.add(mlp(h, p, segments));
    }

    /**
     * Multi-head attention with grouped key/value heads.
     *
     * @param h        (N, T, d) normalised input
     * @param prefix   the block's tensor-name prefix
     * @param maskBias (N, 1, T, T) from {@link AttentionMask#bias}
     * @return (N, T, d)
     */
    private NDArray attention(NDArray h, String prefix, NDArray maskBias, RotaryTables rotary) {
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        String a = prefix + "self_attn.";
        NDArray[] qkv = splitHeads(queryKeyValue(h, a));
        NDArray q = rotary.apply(queryHeads(qkv[0], a));
        NDArray k = MultiHeadAttention.repeatKv(rotary.apply(keyHeads(qkv[1], a)), heads / kvHeads);
        NDArray v = MultiHeadAttention.repeatKv(qkv[2], heads / kvHeads);
        NDArray context = MultiHeadAttention.attend(q, k, v, maskBias, 1.0 / Math.sqrt(headDim)); // (N, H, T, D)
        return output(MultiHeadAttention.mergeHeads(context), a);
    }

    /**
     * {@link #attention} over a {@link SharedPromptLayout}'s flat stream.
     *
     * @param h (S, d) normalised input
     * @return (S, d)
     */
    private NDArray sharedAttention(NDArray h, String prefix, SharedPromptLayout layout, RotaryTables promptRotary,
            RotaryTables completionRotary) {
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        String a = prefix + "self_attn.";
        NDArray[] qkv = queryKeyValue(h, a); // (S, H·D), (S, KV·D), (S, KV·D)
        SharedPromptLayout.Groups q = layout.split(qkv[0], heads, headDim);
        SharedPromptLayout.Groups k = layout.split(qkv[1], kvHeads, headDim);
        SharedPromptLayout.Groups v = layout.split(qkv[2], kvHeads, headDim);
        SharedPromptLayout.Groups rotatedQ = new SharedPromptLayout.Groups(
                promptRotary.apply(queryHeads(q.prompt(), a)), completionRotary.apply(queryHeads(q.completion(), a)));
        SharedPromptLayout.Groups rotatedK = new SharedPromptLayout.Groups(
                promptRotary.apply(keyHeads(k.prompt(), a)), completionRotary.apply(keyHeads(k.completion(), a)));
        NDArray context = layout.attend(rotatedQ, rotatedK.repeatKv(heads / kvHeads), v.repeatKv(heads / kvHeads),
                1.0 / Math.sqrt(headDim)); // (S, H·D)
        return output(context, a);
    }

    /**
     * The attention's q, k and v projections of {@code h} (..., d), before heads are split and
     * rotary embeddings applied: q (..., H·D), k and v (..., KV·D). The one path of the row,
     * shared-prompt and cached attention.
     */
    private NDArray[] queryKeyValue(NDArray h, String attention) {
        return new NDArray[] {
            linear(attention + "q_proj", config.qkvBias()).apply(h),
            linear(attention + "k_proj", config.qkvBias()).apply(h),
            linear(attention + "v_proj", config.qkvBias()).apply(h)
        };
    }

    /** {@link #queryKeyValue} of (N, T, d) split into heads: q (N, H, T, D), k and v (N, KV, T, D). */
    private NDArray[] splitHeads(NDArray[] qkv) {
        int headDim = config.headDim();
        return new NDArray[] {
            MultiHeadAttention.splitHeads(qkv[0], config.numHeads(), headDim),
            MultiHeadAttention.splitHeads(qkv[1], config.numKvHeads(), headDim),
            MultiHeadAttention.splitHeads(qkv[2], config.numKvHeads(), headDim)
        };
    }

    /** o_proj of the merged heads' context, (..., H·D) to (..., d). */
    private NDArray output(NDArray context, String attention) {
        return linear(attention + "o_proj", config.outputBias()).apply(context);
    }

    /**
     * SwiGLU: down(silu(gate(h)) · up(h)), (N, T, d) to (N, T, d); with {@code segments}, the
     * product and down_proj are taken outside the graph ({@link SegmentedBackward#down}).
     */
    private NDArray mlp(NDArray h, String prefix, SegmentedBackward segments) {
        String m = prefix + "mlp.";
        NDArray gate = linear(m + "gate_proj", config.mlpBias()).apply(h);
        NDArray up = linear(m + "up_proj", config.mlpBias()).apply(h);
        Linear down = linear(m + "down_proj", config.mlpBias());
        return segments == null ? down.apply(gate.mul(Activation.sigmoid(gate)).mul(up)) : segments.down(gate, up, down);
    }

    /** The {@code nn.Linear} called {@code name}, (out, in), with a bias when {@code bias}. */
    private Linear linear(String name, boolean bias) {
        return Linear.named(weights, name, bias, Linear.Layout.OUT_IN);
    }

    // ---- key/value-cached decoding (generation); the training forward above does not use it ----

    @Override
    public KvCache newCache(NDManager manager, int batch, int capacity) {
        return KvCache.allocate(manager, config.numLayers(), batch, config.numKvHeads(), capacity, config.headDim());
    }

    @Override
    public NDArray forwardCached(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        KvCache.Chunk chunk = cache.advance(attentionMask);
        RotaryTables rotary = RotaryTables.at(chunk.positions(), config.headDim(), config.rope());
        NDArray x = Lookup.rows(weights.get(LlamaTensorNames.EMBED), inputIds);
        for (int i = 0; i < config.numLayers(); i++) {
            String p = LlamaTensorNames.layer(i);
            NDArray h = Norms.rms(x, weights.get(p + "input_layernorm.weight"), config.rmsNormEps());
            x = x.add(cachedAttention(h, p, i, chunk, rotary, cache));
            h = Norms.rms(x, weights.get(p + "post_attention_layernorm.weight"), config.rmsNormEps());
            x = x.add(mlp(h, p, null));
        }
        return head(Norms.rms(x, weights.get(LlamaTensorNames.FINAL_NORM), config.rmsNormEps()));
    }

    /**
     * {@link #attention} for T new tokens against the cached keys and values of {@code layer}.
     *
     * @param h (N, T, d)
     * @return (N, T, d)
     */
    private NDArray cachedAttention(NDArray h, String prefix, int layer, KvCache.Chunk chunk, RotaryTables rotary,
            KvCache cache) {
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        String a = prefix + "self_attn.";
        NDArray[] qkv = splitHeads(queryKeyValue(h, a));
        NDArray q = queryHeads(qkv[0], a);
        NDArray[] kv = cache.store(layer, chunk, rotary.apply(keyHeads(qkv[1], a)), qkv[2]); // (N, KV, S, D) each
        NDArray keys = MultiHeadAttention.repeatKv(kv[0], heads / kvHeads);
        NDArray values = MultiHeadAttention.repeatKv(kv[1], heads / kvHeads);
        NDArray context = MultiHeadAttention.attend(rotary.apply(q), keys, values, chunk.maskBias(), 1.0 / Math.sqrt(headDim));
        return output(MultiHeadAttention.mergeHeads(context), a);
    }
}
