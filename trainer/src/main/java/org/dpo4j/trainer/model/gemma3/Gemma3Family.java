package org.dpo4j.trainer.model.gemma3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.model.HfConfigJson;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.ModelPreset;
import org.dpo4j.trainer.model.ModelSize;
import org.dpo4j.trainer.model.Rope;
import org.dpo4j.trainer.model.RopeScaling;
import org.dpo4j.trainer.model.SpecialTokenStyle;

/** Gemma 3 text ({@code Gemma3ForCausalLM}): {@link Gemma3Config} run by {@link Gemma3Model}. */
final class Gemma3Family implements ModelFamily {

    /** transformers' default {@code sliding_window_pattern}: five sliding layers, then a full one. */
    private static final int DEFAULT_PATTERN = 6;

    @Override
    public List<String> modelTypes() {
        return List.of(Gemma3Config.MODEL_TYPE);
    }

    @Override
    public List<String> presetArches() {
        return modelTypes();
    }

    /**
     * Defaults of transformers' {@code Gemma3TextConfig} (the 2B model's sizes; head_dim 256,
     * query_pre_attn_scalar 256, 4 key/value heads, window 4096, pattern 6, θ 10⁶ global and 10⁴
     * local, no caps, tied head). Layer types from {@code layer_types} when present, else from
     * {@code sliding_window_pattern} (or {@code _sliding_window_pattern}). Refuses another
     * activation, bidirectional attention and a rotary scaling on the sliding layers.
     */
    @Override
    public Gemma3Config readConfig(HfConfigJson json, String modelType, int maxLength) {
        String act = json.text("hidden_activation", json.text("hidden_act", "gelu_pytorch_tanh"));
        if (!act.equals("gelu_pytorch_tanh")) {
            throw json.fail("hidden_activation '" + act + "' is not supported; Gemma 3 uses gelu_pytorch_tanh");
        }
        if (json.bool("use_bidirectional_attention", false)) {
            throw json.fail("use_bidirectional_attention = true (EmbeddingGemma) is not supported; only causal models");
        }
        int layers = json.integer("num_hidden_layers", 26);
        int heads = json.integer("num_attention_heads", 8);
        Rope global = Rope.read(json, LayerType.FULL.hfName(), 1_000_000.0);
        double localBase = localBase(json);
        try {
            return new Gemma3Config(
                    json.integer("vocab_size", 262_208),
                    json.integer("hidden_size", 2304),
                    layers,
                    heads,
                    json.integer("num_key_value_heads", 4),
                    json.integer("head_dim", 256),
                    json.integer("intermediate_size", 9216),
                    json.number("rms_norm_eps", 1e-6),
                    json.integer("query_pre_attn_scalar", 256),
                    json.integer("sliding_window", 4096),
                    layerTypes(json, layers),
                    global.theta(),
                    global.scaling(),
                    localBase,
                    cap(json, "attn_logit_softcapping"),
                    cap(json, "final_logit_softcapping"),
                    json.integer("max_position_embeddings", 131_072),
                    json.bool("tie_word_embeddings", true),
                    json.bool("attention_bias", false));
        } catch (IllegalArgumentException e) {
            throw json.fail(e.getMessage());
        }
    }

    /**
     * The sliding layers' base: transformers 5's {@code rope_parameters.sliding_attention}
     * (plain RoPE only), else {@code rope_local_base_freq}.
     */
    private static double localBase(HfConfigJson json) {
        JsonNode local = json.node("rope_parameters").path(LayerType.SLIDING.hfName());
        double fallback = json.number("rope_local_base_freq", 10_000.0);
        if (!local.isObject()) {
            return fallback;
        }
        Rope rope = Rope.read(json, LayerType.SLIDING.hfName(), fallback);
        if (!rope.scaling().equals(new RopeScaling.Plain())) {
            throw json.fail("rope_parameters.sliding_attention: rope_type " + rope.scaling().type()
                    + " is not supported on sliding layers; only default");
        }
        return local.path("rope_theta").isNumber() ? rope.theta() : fallback;
    }

    private static List<LayerType> layerTypes(HfConfigJson json, int layers) {
        JsonNode listed = json.node("layer_types");
        if (listed.isArray()) {
            List<LayerType> types = new ArrayList<>();
            for (JsonNode name : listed) {
                LayerType type = LayerType.named(name.asText());
                if (type == null || !name.isTextual()) {
                    throw json.fail("layer_types[" + types.size() + "] is " + name + "; each is one of \""
                            + LayerType.SLIDING.hfName() + "\" or \"" + LayerType.FULL.hfName() + "\"");
                }
                types.add(type);
            }
            return types;
        }
        String key = json.hasNonNull("sliding_window_pattern") ? "sliding_window_pattern" : "_sliding_window_pattern";
        return LayerType.pattern(layers, json.integer(key, DEFAULT_PATTERN));
    }

    private static Double cap(HfConfigJson json, String key) {
        return json.hasNonNull(key) ? json.number(key, 0) : null;
    }

    /**
     * Heads of d / H over {@code groupedKvHeads}, query_pre_attn_scalar D, window 64 with
     * alternating sliding and full layers (pattern 2, so {@code tiny}'s two layers have one of
     * each), bases 10⁴ / 10⁶, no caps, tied head (as Gemma 3 270M: window 512, pattern 6).
     */
    @Override
    public Gemma3Config preset(String arch, ModelPreset preset, int vocabSize) {
        ModelSize s = preset.size();
        int headDim = s.hiddenSize() / s.numHeads();
        return new Gemma3Config(vocabSize, s.hiddenSize(), s.numLayers(), s.numHeads(), s.groupedKvHeads(), headDim,
                s.intermediateSize(), 1e-6, headDim, 64, LayerType.pattern(s.numLayers(), 2), 1_000_000.0,
                new RopeScaling.Plain(), 10_000.0, null, null, 32_768, true, false);
    }

    /**
     * A window of 3 (shorter than the contract's rows), a sliding then a full layer, linear
     * scaling on the full one, both caps, biases and an untied head: every path of
     * {@link Gemma3Model} runs.
     */
    @Override
    public Gemma3Config example(int vocabSize) {
        return new Gemma3Config(vocabSize, 32, 2, 4, 2, 12, 48, 1e-6, 16, 3, LayerType.pattern(2, 2), 1_000_000.0,
                new RopeScaling.Linear(8.0), 10_000.0, 2.5, 3.0, 64, false, true);
    }

    @Override
    public String canonicalTensorName(String storedName) {
        return storedName;
    }

    @Override
    public boolean isBuffer(String storedName) {
        return storedName.endsWith(".rotary_emb.inv_freq") || storedName.endsWith(".rotary_emb_local.inv_freq");
    }

    /** Gemma multiplies by 1 + w: transformers initialises w to 0. */
    @Override
    public float normIdentity() {
        return 0f;
    }

    /** The four block norms, the final norm and the per-head q_norm/k_norm (offsets from 1). */
    @Override
    public boolean isNormScale(String tensorName) {
        return tensorName.endsWith("norm.weight");
    }

    /** A begin-of-text token prepended, as Gemma's tokenizers do, and a pad token of its own. */
    @Override
    public SpecialTokenStyle specialTokens() {
        return SpecialTokenStyle.LLAMA;
    }
}
