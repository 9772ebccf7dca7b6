package org.dpo4j.trainer.model.llama;

import java.util.List;
import org.dpo4j.trainer.model.HfConfigJson;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.ModelPreset;
import org.dpo4j.trainer.model.ModelSize;
import org.dpo4j.trainer.model.Rope;
import org.dpo4j.trainer.model.RopeScaling;
import org.dpo4j.trainer.model.SpecialTokenStyle;

/**
 * Llama, Mistral and Qwen2 (and the models built on them: SmolLM, TinyLlama, Qwen2.5): one
 * forward pass ({@link LlamaModel}) over one record ({@link LlamaConfig}); the
 * {@code model_type}s differ in their {@code config.json} defaults and biases
 * ({@link LlamaVariant}).
 */
final class LlamaFamily implements ModelFamily {

    @Override
    public List<String> modelTypes() {
        return LlamaConfig.MODEL_TYPES;
    }

    @Override
    public List<String> presetArches() {
        return List.of(LlamaVariant.LLAMA.modelType(), LlamaVariant.QWEN2.modelType());
    }

    @Override
    public LlamaConfig readConfig(HfConfigJson json, String modelType, int maxLength) {
        LlamaVariant variant = LlamaVariant.of(modelType);
        String act = json.text("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw json.fail("hidden_act '" + act + "' is not supported; Llama-family models here use silu");
        }
        if (json.has("partial_rotary_factor") && json.node("partial_rotary_factor").asDouble() != 1.0) {
            throw json.fail("partial_rotary_factor " + json.node("partial_rotary_factor")
                    + " is not supported; only 1.0");
        }
        LlamaVariant.Defaults defaults = variant.defaults();
        int hiddenSize = json.integer("hidden_size", defaults.hiddenSize());
        int heads = json.integer("num_attention_heads", 32);
        int kvHeads = json.integer("num_key_value_heads", defaults.kvHeads() > 0 ? defaults.kvHeads() : heads);
        int headDim = json.hasNonNull("head_dim") ? json.integer("head_dim", 0) : hiddenSize / heads;
        boolean attentionBias = json.bool("attention_bias", false);
        boolean qwen2 = variant.alwaysQkvBias();
        Rope rope = Rope.read(json, "full_attention", 10_000.0);
        LlamaConfig config;
        try {
            config = new LlamaConfig(
                    modelType,
                    json.integer("vocab_size", defaults.vocabSize()),
                    hiddenSize,
                    json.integer("num_hidden_layers", defaults.numLayers()),
                    heads,
                    kvHeads,
                    headDim,
                    json.integer("intermediate_size", defaults.intermediateSize()),
                    json.number("rms_norm_eps", defaults.rmsNormEps()),
                    rope.theta(),
                    json.integer("max_position_embeddings", defaults.maxPositions()),
                    json.bool("tie_word_embeddings", false),
                    qwen2 || attentionBias,
                    !qwen2 && attentionBias,
                    !qwen2 && json.bool("mlp_bias", false),
                    rope.scaling());
        } catch (IllegalArgumentException e) {
            throw json.fail(e.getMessage());
        }
        checkSlidingWindow(json, variant, maxLength);
        return config;
    }

    /**
     * Refuses an active sliding window shorter than the sequences: the forward pass attends to
     * the full causal context, which would silently differ from the model's own.
     */
    private static void checkSlidingWindow(HfConfigJson json, LlamaVariant variant, int maxLength) {
        if (variant.slidingWindowActive(json)) {
            int window = json.integer("sliding_window", 0);
            if (window < maxLength) {
                throw json.fail("sliding_window " + window + " is shorter than data.max_length " + maxLength
                        + "; sliding-window attention is not supported, lower data.max_length to at most " + window);
            }
        }
    }

    /**
     * {@code llama}: no biases, untied head, ε 1e-5, θ 10⁴, 2048 positions. {@code qwen2}: q/k/v
     * biases, ε 1e-6, θ 10⁶, 32768 positions, the head tied in {@code tiny} (as Qwen2.5's small
     * models do).
     */
    @Override
    public LlamaConfig preset(String arch, ModelPreset preset, int vocabSize) {
        ModelSize s = preset.size();
        int headDim = s.hiddenSize() / s.numHeads();
        return switch (LlamaVariant.of(arch)) {
            case LLAMA -> LlamaConfig.llama(vocabSize, s.hiddenSize(), s.numLayers(), s.numHeads(), s.groupedKvHeads(),
                    s.intermediateSize(), 1e-5, 10_000.0, 2048, false);
            case QWEN2 -> new LlamaConfig("qwen2", vocabSize, s.hiddenSize(), s.numLayers(), s.numHeads(),
                    s.groupedKvHeads(), headDim, s.intermediateSize(), 1e-6, 1_000_000.0, 32768,
                    preset == ModelPreset.TINY, true, false, false);
            case MISTRAL -> throw new IllegalArgumentException("no preset of " + arch + "; one of " + presetArches());
        };
    }

    /**
     * Every bias on, 4 query heads over 2 key/value heads of a width (12) other than d / H, an
     * untied head and Llama 3's rotary scaling: each optional path of {@link LlamaModel} runs.
     */
    @Override
    public LlamaConfig example(int vocabSize) {
        return new LlamaConfig("llama", vocabSize, 32, 2, 4, 2, 12, 48, 1e-5, 10_000, 64, false, true, true, true,
                new RopeScaling.Llama3(8.0, 1.0, 4.0, 16));
    }

    /** Llama-family files name their tensors one way. */
    @Override
    public String canonicalTensorName(String storedName) {
        return storedName;
    }

    /** The rotary inverse frequencies older checkpoints store. */
    @Override
    public boolean isBuffer(String storedName) {
        return storedName.endsWith(".rotary_emb.inv_freq");
    }

    /** RMSNorm multiplies by its stored weight. */
    @Override
    public float normIdentity() {
        return 1f;
    }

    /** {@code model.norm.weight} and each block's {@code input_layernorm}/{@code post_attention_layernorm}. */
    @Override
    public boolean isNormScale(String tensorName) {
        return tensorName.endsWith("norm.weight");
    }

    @Override
    public SpecialTokenStyle specialTokens() {
        return SpecialTokenStyle.LLAMA;
    }
}
