package org.dpo4j.trainer.model.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.model.HfConfigJson;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelPreset;

/**
 * Built-in model sizes ({@link ModelPreset}) of every family with presets, for runs without a
 * checkpoint and for {@code init-model}; and the shapes of published models ({@link #SHAPES}),
 * for {@code dpo4j bench} to time a real model's workload with random weights and no folder.
 */
public final class ModelPresets {

    public static final List<String> PRESETS = ModelPreset.NAMES;
    public static final List<String> ARCHES = ModelFamilies.presetArches();

    /**
     * The {@code config.json} of each shape, as its model's authors publish it. A shape fixes
     * everything (family, vocabulary, tied head, biases), unlike a size preset, whose vocabulary
     * is the tokenizer's and whose family is {@code model.arch}.
     *
     * <p>{@code qwen05}: Qwen2.5-0.5B ({@code huggingface.co/Qwen/Qwen2.5-0.5B}, config.json):
     * d = 896, 24 layers, 14 query heads over 2 key/value heads of 64, SwiGLU width 4864,
     * V = 151,936, tied head, q/k/v biases (qwen2), θ = 10⁶, 494,032,768 parameters.
     *
     * <p>{@code gemma3_270m}: Gemma 3 270M ({@code huggingface.co/google/gemma-3-270m}, config.json):
     * d = 640, 18 layers (five sliding-window layers of 512, then a full one), 4 query heads over 1
     * key/value head of 256, tanh-GELU width 2048, V = 262,144, tied head,
     * {@code query_pre_attn_scalar} 256, local θ = 10⁴, global θ = 10⁶, 268,098,176 parameters.
     */
    private static final Map<String, String> SHAPE_CONFIGS = Map.of("qwen05", """
            {
              "architectures": ["Qwen2ForCausalLM"],
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151643,
              "hidden_act": "silu",
              "hidden_size": 896,
              "initializer_range": 0.02,
              "intermediate_size": 4864,
              "max_position_embeddings": 32768,
              "max_window_layers": 24,
              "model_type": "qwen2",
              "num_attention_heads": 14,
              "num_hidden_layers": 24,
              "num_key_value_heads": 2,
              "rms_norm_eps": 1e-06,
              "rope_theta": 1000000.0,
              "sliding_window": 32768,
              "tie_word_embeddings": true,
              "torch_dtype": "bfloat16",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 151936
            }
            """,
            "gemma3_270m", """
            {
              "architectures": ["Gemma3ForCausalLM"],
              "attention_bias": false,
              "attention_dropout": 0.0,
              "attn_logit_softcapping": null,
              "bos_token_id": 2,
              "eos_token_id": 1,
              "final_logit_softcapping": null,
              "head_dim": 256,
              "hidden_activation": "gelu_pytorch_tanh",
              "hidden_size": 640,
              "initializer_range": 0.02,
              "intermediate_size": 2048,
              "layer_types": [
                "sliding_attention",
                "sliding_attention",
                "sliding_attention",
                "sliding_attention",
                "sliding_attention",
                "full_attention",
                "sliding_attention",
                "sliding_attention",
                "sliding_attention",
                "sliding_attention",
                "sliding_attention",
                "full_attention",
                "sliding_attention",
                "sliding_attention",
                "sliding_attention",
                "sliding_attention",
                "sliding_attention",
                "full_attention"
              ],
              "max_position_embeddings": 32768,
              "model_type": "gemma3_text",
              "num_attention_heads": 4,
              "num_hidden_layers": 18,
              "num_key_value_heads": 1,
              "pad_token_id": 0,
              "query_pre_attn_scalar": 256,
              "rms_norm_eps": 1e-06,
              "rope_local_base_freq": 10000.0,
              "rope_scaling": null,
              "rope_theta": 1000000.0,
              "sliding_window": 512,
              "tie_word_embeddings": true,
              "torch_dtype": "bfloat16",
              "use_cache": true,
              "vocab_size": 262144
            }
            """);

    /** The names of the published models' shapes ({@code bench --preset}). */
    public static final List<String> SHAPES = SHAPE_CONFIGS.keySet().stream().sorted().toList();

    private ModelPresets() {}

    /**
     * The preset {@code name} of architecture {@code arch}: {@link ModelPreset}'s sizes in the
     * family's own form ({@link org.dpo4j.trainer.model.ModelFamily#preset}).
     *
     * @param arch      {@code llama}, {@code qwen2} or {@code gpt2}
     * @param name      {@code tiny} or {@code small}
     * @param vocabSize the tokenizer's vocabulary size
     * @return the architecture
     * @throws IllegalArgumentException naming the allowed values for an unknown preset or arch
     */
    public static ModelArchitecture of(String arch, String name, int vocabSize) {
        ModelPreset preset = ModelPreset.named(name);
        return ModelFamilies.forPresetArch(arch).preset(arch, preset, vocabSize);
    }

    /**
     * The architecture of the published model {@code name}, one of {@link #SHAPES}, read from its
     * {@code config.json} by its family as a model folder's would be.
     *
     * @throws IllegalArgumentException naming the shapes when {@code name} is none of them
     */
    public static ModelArchitecture shape(String name) {
        String config = SHAPE_CONFIGS.get(name);
        if (config == null) {
            throw new IllegalArgumentException("unknown model shape '" + name + "'; one of " + SHAPES);
        }
        try {
            return HfConfigReader.architecture(
                    new HfConfigJson(Path.of(name + " (config.json)"), new ObjectMapper().readTree(config)), 1);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the built-in config.json of " + name + " is not JSON", e);
        }
    }
}
