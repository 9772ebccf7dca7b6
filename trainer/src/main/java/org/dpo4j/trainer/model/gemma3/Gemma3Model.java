package org.dpo4j.trainer.model.gemma3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.UnaryOperator;
import org.dpo4j.losses.Constants;
import org.dpo4j.trainer.model.AttentionMask;
import org.dpo4j.trainer.model.BlockScope;
import org.dpo4j.trainer.model.DecoderModel;
import org.dpo4j.trainer.model.Gelu;
import org.dpo4j.trainer.model.KvCache;
import org.dpo4j.trainer.model.Linear;
import org.dpo4j.trainer.model.Lookup;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.MultiHeadAttention;
import org.dpo4j.trainer.model.Norms;
import org.dpo4j.trainer.model.PositionIds;
import org.dpo4j.trainer.model.RotaryTables;
import org.dpo4j.trainer.model.SharedPromptLayout;
import org.dpo4j.trainer.model.llama.LlamaTensorNames;

/**
 * A Gemma 3 text decoder over {@link ModelWeights} named as in Hugging Face checkpoints.
 *
 * <pre>
 *   x = embed(ids) · float32(√d)                                        (N, T, d)
 *   per block (norm(·) = (1 + w)·RMSNorm, four per block):
 *     q, k, v = q_proj(h), k_proj(h), v_proj(h),  h = input_layernorm(x), split into heads
 *     q, k    = rope_l(q_norm(q)), rope_l(k_norm(k))   (each head over its D; l = the layer's type)
 *     s       = q·kᵀ / √query_pre_attn_scalar,  then cap·tanh(s / cap) when attn_logit_softcapping
 *     x = x + post_attention_layernorm(o_proj(softmax(s + mask_l)·v))
 *     x = x + post_feedforward_layernorm(down_proj(gelu_tanh(gate_proj(h)) · up_proj(h))),
 *             h = pre_feedforward_layernorm(x)
 *   hidden = norm(x);  logits = hidden · Eᵀ (E unscaled), then cap·tanh(logits / cap) when final_logit_softcapping
 * </pre>
 *
 * Sliding layers (mask_l) let query slot i attend key slots j with i − W &lt; j ≤ i (slots of
 * the padded sequence, also in the key/value cache) and use the local rotary base; full layers
 * attend the whole causal context with the global base and its scaling.
 */
public final class Gemma3Model extends DecoderModel<Gemma3Config> {

    /** One pair of rotary tables per layer type. */
    private record Rotaries(RotaryTables sliding, RotaryTables full) {
        RotaryTables of(LayerType type) {
            return type == LayerType.FULL ? full : sliding;
        }
    }

    /** The additive mask of each layer type: causal and padding, and the window on sliding layers. */
    private record Masks(NDArray sliding, NDArray full) {
        NDArray of(LayerType type) {
            return type == LayerType.FULL ? full : sliding;
        }
    }

    /** @throws IllegalArgumentException when a tensor of {@code config} is missing or mis-shaped */
    public Gemma3Model(Gemma3Config config, ModelWeights weights) {
        super(config, weights);
    }

    @Override
    public NDArray hiddenStates(NDArray inputIds, NDArray attentionMask) {
        long seqLen = inputIds.getShape().get(1);
        NDManager manager = inputIds.getManager();
        return hiddenStates(inputIds, attentionMask, new Rotaries(
                RotaryTables.sequential(manager, seqLen, config.headDim(), config.rope(LayerType.SLIDING)),
                RotaryTables.sequential(manager, seqLen, config.headDim(), config.rope(LayerType.FULL))));
    }

    @Override
    public NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray positionIds) {
        PositionIds positions = PositionIds.check(positionIds, inputIds, Long.MAX_VALUE);
        return head(hiddenStates(inputIds, attentionMask, rotaries(positions)));
    }

    /** The logits, soft-capped when {@code final_logit_softcapping} is set. */
    @Override
    public NDArray head(NDArray hidden) {
        return capLogits(new Linear(headWeight(), null, Linear.Layout.OUT_IN).apply(hidden));
    }

    @Override
    public NDArray headWeight() {
        return weights.get(config.headWeight());
    }

    @Override
    public boolean capsLogits() {
        return config.finalLogitSoftcapping() != null;
    }

    @Override
    public NDArray capLogits(NDArray logits) {
        Double cap = config.finalLogitSoftcapping();
        return cap == null ? logits : MultiHeadAttention.softcap(logits, cap);
    }

    private Rotaries rotaries(PositionIds positions) {
        return new Rotaries(RotaryTables.at(positions, config.headDim(), config.rope(LayerType.SLIDING)),
                RotaryTables.at(positions, config.headDim(), config.rope(LayerType.FULL)));
    }

    /** The token embeddings times float32(√d). */
    private NDArray embed(NDArray ids) {
        return Constants.times(Lookup.rows(weights.get(LlamaTensorNames.EMBED), ids), config.embedScale());
    }

    /** Gemma's (1 + w) RMSNorm with the weight called {@code name}. */
    private NDArray norm(NDArray x, String name) {
        return Norms.rmsOffset(x, weights.get(name), config.rmsNormEps());
    }

    /**
     * @param inputIds      (N, T) int64
     * @param attentionMask (N, T)
     * @return (N, T, d), after the final norm
     */
    private NDArray hiddenStates(NDArray inputIds, NDArray attentionMask, Rotaries rotaries) {
        long seqLen = inputIds.getShape().get(1);
        NDArray x = embed(inputIds);
        NDArray full = AttentionMask.bias(attentionMask, seqLen);
        Masks masks = new Masks(
                full.add(AttentionMask.window(inputIds.getManager(), 0, seqLen, seqLen, config.slidingWindow())), full);
        for (int i = 0; i < config.numLayers(); i++) {
            String p = LlamaTensorNames.layer(i);
            LayerType type = config.layerTypes().get(i);
            NDArray input = x;
            x = BlockScope.keepOutput(() -> decoderLayer(input, p,
                    h -> attention(h, p, masks.of(type), rotaries.of(type))));
        }
        return norm(x, LlamaTensorNames.FINAL_NORM);
    }

    /** The flat stream of {@code layout} through the blocks, then back in the row layout. */
    @Override
    public NDArray hiddenStates(SharedPromptLayout layout) {
        Rotaries prompt = rotaries(layout.promptPositions());
        Rotaries completion = rotaries(layout.completionPositions());
        NDArray x = embed(layout.tokenIds()); // (S, d)
        for (int i = 0; i < config.numLayers(); i++) {
            String p = LlamaTensorNames.layer(i);
            LayerType type = config.layerTypes().get(i);
            NDArray input = x;
            x = BlockScope.keepOutput(() -> decoderLayer(input, p,
                    h -> sharedAttention(h, p, layout, prompt.of(type), completion.of(type), window(type))));
        }
        return layout.toRows(norm(x, LlamaTensorNames.FINAL_NORM));
    }

    /** W on sliding layers, 0 (no window) on full ones. */
    private int window(LayerType type) {
        return type == LayerType.FULL ? 0 : config.slidingWindow();
    }

    /**
     * One block with Gemma's four norms: x + post_attn(attn(input(x))), then
     * + post_ff(mlp(pre_ff(·))); (..., d) to (..., d).
     */
    private NDArray decoderLayer(NDArray x, String p, UnaryOperator<NDArray> attention) {
        NDArray y = x.add(norm(attention.apply(norm(x, p + "input_layernorm.weight")), p + "post_attention_layernorm.weight"));
        NDArray h = norm(y, p + "pre_feedforward_layernorm.weight");
        return y.add(norm(mlp(h, p), p + "post_feedforward_layernorm.weight"));
    }

    /** 1 / √query_pre_attn_scalar. */
    private double scale() {
        return 1.0 / Math.sqrt(config.queryPreAttnScalar());
    }

    /** softmax(capped scores + mask)·v over (N, H, ·, D) arrays. */
    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray maskBias) {
        Double cap = config.attnLogitSoftcapping();
        return cap == null
                ? MultiHeadAttention.attend(q, k, v, maskBias, scale())
                : MultiHeadAttention.attendSoftcapped(q, k, v, maskBias, scale(), cap);
    }

    /**
     * @param h        (N, T, d) normalised input
     * @param maskBias (N, 1, T, T), the layer type's mask
     * @return (N, T, d)
     */
    private NDArray attention(NDArray h, String prefix, NDArray maskBias, RotaryTables rotary) {
        int groups = config.numHeads() / config.numKvHeads();
        String a = prefix + "self_attn.";
        NDArray[] qkv = splitHeads(queryKeyValue(h, a));
        NDArray q = rotary.apply(qNorm(qkv[0], a));
        NDArray k = MultiHeadAttention.repeatKv(rotary.apply(kNorm(qkv[1], a)), groups);
        NDArray v = MultiHeadAttention.repeatKv(qkv[2], groups);
        return output(MultiHeadAttention.mergeHeads(attend(q, k, v, maskBias)), a);
    }

    /** {@link #attention} over a {@link SharedPromptLayout}'s flat stream, (S, d) to (S, d). */
    private NDArray sharedAttention(NDArray h, String prefix, SharedPromptLayout layout, RotaryTables promptRotary,
            RotaryTables completionRotary, int window) {
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        String a = prefix + "self_attn.";
        NDArray[] qkv = queryKeyValue(h, a);
        SharedPromptLayout.Groups q = layout.split(qkv[0], heads, headDim);
        SharedPromptLayout.Groups k = layout.split(qkv[1], kvHeads, headDim);
        SharedPromptLayout.Groups v = layout.split(qkv[2], kvHeads, headDim);
        SharedPromptLayout.Groups rotatedQ = new SharedPromptLayout.Groups(
                promptRotary.apply(qNorm(q.prompt(), a)), completionRotary.apply(qNorm(q.completion(), a)));
        SharedPromptLayout.Groups rotatedK = new SharedPromptLayout.Groups(
                promptRotary.apply(kNorm(k.prompt(), a)), completionRotary.apply(kNorm(k.completion(), a)));
        Double cap = config.attnLogitSoftcapping();
        NDArray context = layout.attend(rotatedQ, rotatedK.repeatKv(heads / kvHeads), v.repeatKv(heads / kvHeads),
                scale(), cap == null ? 0 : cap, window); // (S, H·D)
        return output(context, a);
    }

    /** q (..., H·D), k and v (..., KV·D) of {@code h} (..., d): the one projection path of every attention. */
    private NDArray[] queryKeyValue(NDArray h, String attention) {
        return new NDArray[] {
            linear(attention + "q_proj", config.attentionBias()).apply(h),
            linear(attention + "k_proj", config.attentionBias()).apply(h),
            linear(attention + "v_proj", config.attentionBias()).apply(h)
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

    /** q_norm over each query head's D, a (1 + w) RMSNorm. */
    private NDArray qNorm(NDArray q, String attention) {
        return norm(q, attention + "q_norm.weight");
    }

    /** k_norm over each key head's D. */
    private NDArray kNorm(NDArray k, String attention) {
        return norm(k, attention + "k_norm.weight");
    }

    /** o_proj of the merged heads' context, (..., H·D) to (..., d). */
    private NDArray output(NDArray context, String attention) {
        return linear(attention + "o_proj", config.attentionBias()).apply(context);
    }

    /** down(gelu_tanh(gate(h)) · up(h)), (..., d) to (..., d). */
    private NDArray mlp(NDArray h, String prefix) {
        String m = prefix + "mlp.";
        NDArray gate = linear(m + "gate_proj", false).apply(h);
        NDArray up = linear(m + "up_proj", false).apply(h);
        return linear(m + "down_proj", false).apply(Gelu.tanh(gate).mul(up));
    }

    private Linear linear(String name, boolean bias) {
        return Linear.named(weights, name, bias, Linear.Layout.OUT_IN);
    }

    // ---- key/value-cached decoding (generation) ----

    @Override
    public KvCache newCache(NDManager manager, int batch, int capacity) {
        return KvCache.allocate(manager, config.numLayers(), batch, config.numKvHeads(), capacity, config.headDim());
    }

    @Override
    public NDArray forwardCached(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        KvCache.Chunk chunk = cache.advance(attentionMask);
        Rotaries rotaries = rotaries(chunk.positions());
        long queries = inputIds.getShape().get(1);
        Masks masks = new Masks(chunk.maskBias().add(AttentionMask.window(
                inputIds.getManager(), chunk.start(), queries, chunk.end(), config.slidingWindow())), chunk.maskBias());
        NDArray x = embed(inputIds);
        for (int i = 0; i < config.numLayers(); i++) {
            String p = LlamaTensorNames.layer(i);
            LayerType type = config.layerTypes().get(i);
            int layer = i;
            x = decoderLayer(x, p, h -> cachedAttention(h, p, layer, chunk, masks.of(type), rotaries.of(type), cache));
        }
        return head(norm(x, LlamaTensorNames.FINAL_NORM));
    }

    /** {@link #attention} for T new tokens against the cached keys and values of {@code layer}. */
    private NDArray cachedAttention(NDArray h, String prefix, int layer, KvCache.Chunk chunk, NDArray maskBias,
            RotaryTables rotary, KvCache cache) {
        int groups = config.numHeads() / config.numKvHeads();
        String a = prefix + "self_attn.";
        NDArray[] qkv = splitHeads(queryKeyValue(h, a));
        NDArray[] kv = cache.store(layer, chunk, rotary.apply(kNorm(qkv[1], a)), qkv[2]); // (N, KV, S, D) each
        NDArray q = rotary.apply(qNorm(qkv[0], a));
        NDArray context = attend(q, MultiHeadAttention.repeatKv(kv[0], groups), MultiHeadAttention.repeatKv(kv[1], groups),
                maskBias);
        return output(MultiHeadAttention.mergeHeads(context), a);
    }
}
