package org.dpo4j.trainer.model.qwen3;

import java.util.List;
import org.dpo4j.trainer.model.HfConfigJson;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.ModelPreset;
import org.dpo4j.trainer.model.ModelSize;
import org.dpo4j.trainer.model.Rope;
import org.dpo4j.trainer.model.RopeScaling;
import org.dpo4j.trainer.model.SpecialTokenStyle;

/** Qwen3 ({@code Qwen3ForCausalLM}): {@link Qwen3Config} run by {@link Qwen3Model}. */
final class Qwen3Family implements ModelFamily {

    @Override
    public List<String> modelTypes() {
        return List.of(Qwen3Config.MODEL_TYPE);
    }

    @Override
    public List<String> presetArches() {
        return modelTypes();
    }

    /**
     * Defaults of transformers' {@code Qwen3Config}: head_dim 128 (not d / H), no biases, an
     * untied head, ε 1e-6, θ 10⁴. Refuses an active sliding window and activations other than silu.
     */
    @Override
    public Qwen3Config readConfig(HfConfigJson json, String modelType, int maxLength) {
        String act = json.text("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw json.fail("hidden_act '" + act + "' is not supported; Qwen3 models here use silu");
        }
        if (json.bool("use_sliding_window", false)) {
            throw json.fail("use_sliding_window = true is not supported; Qwen3 here attends the full causal context");
        }
        if (json.has("partial_rotary_factor") && json.node("partial_rotary_factor").asDouble() != 1.0) {
            throw json.fail("partial_rotary_factor " + json.node("partial_rotary_factor") + " is not supported; only 1.0");
        }
        int heads = json.integer("num_attention_heads", 32);
        Rope rope = Rope.read(json, "full_attention", 10_000.0);
        try {
            return new Qwen3Config(
                    json.integer("vocab_size", 151_936),
                    json.integer("hidden_size", 4096),
                    json.integer("num_hidden_layers", 32),
                    heads,
                    json.integer("num_key_value_heads", heads),
                    json.integer("head_dim", 128),
                    json.integer("intermediate_size", 22_016),
                    json.number("rms_norm_eps", 1e-6),
                    rope.theta(),
                    rope.scaling(),
                    json.integer("max_position_embeddings", 32_768),
                    json.bool("tie_word_embeddings", false),
                    json.bool("attention_bias", false));
        } catch (IllegalArgumentException e) {
            throw json.fail(e.getMessage());
        }
    }

    /**
     * Heads of d / H over {@code groupedKvHeads} key/value heads, θ 10⁶, ε 1e-6, 40960 positions,
     * the head tied in {@code tiny} (as Qwen3 0.6B does), no biases.
     */
    @Override
    public Qwen3Config preset(String arch, ModelPreset preset, int vocabSize) {
        ModelSize s = preset.size();
        return new Qwen3Config(vocabSize, s.hiddenSize(), s.numLayers(), s.numHeads(), s.groupedKvHeads(),
                s.hiddenSize() / s.numHeads(), s.intermediateSize(), 1e-6, 1_000_000.0, new RopeScaling.Plain(), 40_960,
                preset == ModelPreset.TINY, false);
    }

    /** Biases on, 4 query heads over 2 key/value heads of a width (12) other than d / H, untied head. */
    @Override
    public Qwen3Config example(int vocabSize) {
        return new Qwen3Config(vocabSize, 32, 2, 4, 2, 12, 48, 1e-6, 1_000_000.0, new RopeScaling.Plain(), 64, false, true);
    }

    @Override
    public String canonicalTensorName(String storedName) {
        return storedName;
    }

    @Override
    public boolean isBuffer(String storedName) {
        return storedName.endsWith(".rotary_emb.inv_freq");
    }

    /** RMSNorm multiplies by its stored weight. */
    @Override
    public float normIdentity() {
        return 1f;
    }

    /** The block norms, the final norm and the per-head q_norm/k_norm scales. */
    @Override
    public boolean isNormScale(String tensorName) {
        return tensorName.endsWith("norm.weight");
    }

    /** The tokens dpo4j writes for Llama-style tokenizers (Qwen2 uses them too). */
    @Override
    public SpecialTokenStyle specialTokens() {
        return SpecialTokenStyle.LLAMA;
    }
}
