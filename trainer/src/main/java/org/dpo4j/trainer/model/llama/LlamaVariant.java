package org.dpo4j.trainer.model.llama;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dpo4j.trainer.model.HfConfigJson;

/**
 * The {@code model_type}s of the Llama family: one forward pass, different {@code config.json}
 * defaults (those of transformers' {@code LlamaConfig}, {@code MistralConfig}, {@code
 * Qwen2Config}), class names and sliding-window keys.
 */
enum LlamaVariant {
    LLAMA("LlamaForCausalLM", new Defaults(32_000, 4096, 11_008, 32, 0, 2048, 1e-6), false),
    MISTRAL("MistralForCausalLM", new Defaults(32_000, 4096, 14_336, 32, 8, 4096 * 32, 1e-6), false),
    QWEN2("Qwen2ForCausalLM", new Defaults(151_936, 4096, 22_016, 32, 0, 32_768, 1e-6), true);

    /**
     * Hugging Face's defaults for keys a {@code config.json} leaves out.
     *
     * @param kvHeads key/value heads, or 0 for as many as query heads
     */
    record Defaults(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int kvHeads,
            int maxPositions, double rmsNormEps) {}

    private final String hfClass;
    private final Defaults defaults;
    private final boolean alwaysQkvBias;

    LlamaVariant(String hfClass, Defaults defaults, boolean alwaysQkvBias) {
        this.hfClass = hfClass;
        this.defaults = defaults;
        this.alwaysQkvBias = alwaysQkvBias;
    }

    /** @throws IllegalArgumentException when {@code modelType} is not one of {@link LlamaConfig#MODEL_TYPES} */
    static LlamaVariant of(String modelType) {
        for (LlamaVariant v : values()) {
            if (v.modelType().equals(modelType)) {
                return v;
            }
        }
        throw new IllegalArgumentException("model_type " + modelType + " is not one of " + LlamaConfig.MODEL_TYPES);
    }

    /** {@code llama}, {@code mistral} or {@code qwen2}. */
    String modelType() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code architectures[0]} of its {@code config.json}. */
    String hfClass() {
        return hfClass;
    }

    Defaults defaults() {
        return defaults;
    }

    /**
     * Qwen2 has q/k/v biases and no others whatever the config says; Llama declares its biases
     * with {@code attention_bias} and {@code mlp_bias}.
     */
    boolean alwaysQkvBias() {
        return alwaysQkvBias;
    }

    /**
     * Whether {@code json} turns sliding-window attention on: Mistral whenever it names a window,
     * Qwen2 only with {@code use_sliding_window}; Llama has none.
     */
    boolean slidingWindowActive(HfConfigJson json) {
        return switch (this) {
            case MISTRAL -> json.hasNonNull("sliding_window");
            case QWEN2 -> json.bool("use_sliding_window", false) && json.hasNonNull("sliding_window");
            case LLAMA -> false;
        };
    }

    /**
     * The keys of this type's {@code config.json} beyond the common ones: the sliding window off
     * (Mistral, Qwen2) or Llama's bias switches.
     */
    void putOwnKeys(Map<String, Object> c, LlamaConfig config) {
        switch (this) {
            case QWEN2 -> {
                c.put("use_sliding_window", false);
                c.put("sliding_window", null);
            }
            case MISTRAL -> c.put("sliding_window", null);
            case LLAMA -> {
                c.put("attention_bias", config.qkvBias());
                c.put("mlp_bias", config.mlpBias());
            }
        }
    }

    /** The variant names, in {@link LlamaConfig#MODEL_TYPES}'s order. */
    static List<String> modelTypes() {
        return Arrays.stream(values()).map(LlamaVariant::modelType).toList();
    }
}
