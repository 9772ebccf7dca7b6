package org.dpo4j.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.JsonFiles;
import org.dpo4j.trainer.UserInputException;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelArchitecture}. Every
 * hyper-parameter comes from the file; a missing key takes the default of the Hugging Face
 * configuration class for that {@code model_type} ({@code LlamaConfig}, {@code MistralConfig},
 * {@code Qwen2Config}, {@code GPT2Config}). What the forward pass does not implement is refused
 * here, with one line naming it, rather than computed wrongly later.
 */
public final class HfConfigReader {

    /** The {@code model_type}s this reader accepts. */
    public static final List<String> MODEL_TYPES = List.of("llama", "mistral", "qwen2", "gpt2");

    private static final List<String> EXPERT_KEYS = List.of("num_local_experts", "num_experts", "n_routed_experts");

    private final Path file;
    private final JsonNode json;

    private HfConfigReader(Path file, JsonNode json) {
        this.file = file;
        this.json = json;
    }

    /**
     * @param modelDir  a Hugging Face model folder
     * @param maxLength the longest sequence the run will feed ({@code data.max_length}); a model
     *                  that cannot attend that far (GPT-2's {@code n_positions}, an active sliding
     *                  window) is refused
     * @throws UserInputException naming the file and the key when the config is unusable
     */
    public static ModelArchitecture read(Path modelDir, int maxLength) {
        Path file = modelDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(modelDir + ": no config.json (a Hugging Face model folder has one)");
        }
        JsonNode json = JsonFiles.read(file);
        if (json == null || !json.isObject()) {
            throw new UserInputException(file + ": expected a JSON object");
        }
        return new HfConfigReader(file, json).architecture(maxLength);
    }

    private ModelArchitecture architecture(int maxLength) {
        String modelType = text("model_type", null);
        if (modelType == null) {
            throw fail("has no model_type; supported: " + String.join(", ", MODEL_TYPES));
        }
        for (String key : EXPERT_KEYS) {
            if (json.path(key).asInt(0) > 0) {
                throw fail(key + " = " + json.get(key) + ": mixture-of-experts models are not supported");
            }
        }
        if (json.hasNonNull("quantization_config")) {
            throw fail("quantization_config: quantized checkpoints are not supported; use float weights (F32, F16 or BF16)");
        }
        ModelArchitecture architecture = switch (modelType) {
            case "llama" -> llamaFamily("llama", 32_000, 4096, 11_008, 32, 32, 2048, 1e-6, false);
            case "mistral" -> llamaFamily("mistral", 32_000, 4096, 14_336, 32, 8, 4096 * 32, 1e-6, false);
            case "qwen2" -> llamaFamily("qwen2", 151_936, 4096, 22_016, 32, 32, 32_768, 1e-6, true);
            case "gpt2" -> gpt2();
            default -> throw fail("model_type '" + modelType + "' is not supported; supported: "
                    + String.join(", ", MODEL_TYPES));
        };
        checkReach(modelType, architecture, maxLength);
        return architecture;
    }

    /** Llama, Mistral and Qwen2 share one forward pass; they differ in defaults and biases. */
    private LlamaConfig llamaFamily(
            String modelType, int vocab, int hidden, int intermediate, int layers, int kvHeadsDefault,
            int maxPositions, double eps, boolean qwen2) {
        String act = text("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw fail("hidden_act '" + act + "' is not supported; Llama-family models here use silu");
        }
        JsonNode ropeScaling = json.path("rope_scaling");
        if (!ropeScaling.isMissingNode() && !ropeScaling.isNull()) {
            String type = ropeScaling.path("rope_type").asText(ropeScaling.path("type").asText("?"));
            if (!type.equals("default")) {
                throw fail("rope_scaling type '" + type + "' is not supported; only none or default");
            }
        }
        if (json.has("partial_rotary_factor") && json.get("partial_rotary_factor").asDouble() != 1.0) {
            throw fail("partial_rotary_factor " + json.get("partial_rotary_factor") + " is not supported; only 1.0");
        }
        int hiddenSize = integer("hidden_size", hidden);
        int heads = integer("num_attention_heads", 32);
        int kvHeads = modelType.equals("mistral")
                ? integer("num_key_value_heads", kvHeadsDefault)
                : integer("num_key_value_heads", heads);
        int headDim = json.hasNonNull("head_dim") ? integer("head_dim", 0) : hiddenSize / heads;
        boolean attentionBias = bool("attention_bias", false);
        try {
            return new LlamaConfig(
                    modelType,
                    integer("vocab_size", vocab),
                    hiddenSize,
                    integer("num_hidden_layers", layers),
                    heads,
                    kvHeads,
                    headDim,
                    integer("intermediate_size", intermediate),
                    number("rms_norm_eps", eps),
                    number("rope_theta", 10_000.0),
                    integer("max_position_embeddings", maxPositions),
                    bool("tie_word_embeddings", false),
                    qwen2 || attentionBias,
                    !qwen2 && attentionBias,
                    !qwen2 && bool("mlp_bias", false));
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    private Gpt2Config gpt2() {
        if (bool("scale_attn_by_inverse_layer_idx", false)) {
            throw fail("scale_attn_by_inverse_layer_idx = true is not supported");
        }
        String activation = text("activation_function", "gelu_new");
        if (!Gpt2Config.ACTIVATIONS.contains(activation)) {
            throw fail("activation_function '" + activation + "' is not supported; one of " + Gpt2Config.ACTIVATIONS);
        }
        int embd = integer("n_embd", 768);
        try {
            return new Gpt2Config(
                    integer("vocab_size", 50_257),
                    embd,
                    integer("n_layer", 12),
                    integer("n_head", 12),
                    json.hasNonNull("n_inner") ? integer("n_inner", 0) : 4 * embd,
                    integer("n_positions", 1024),
                    number("layer_norm_epsilon", 1e-5),
                    activation,
                    bool("tie_word_embeddings", true),
                    bool("scale_attn_weights", true));
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    /**
     * Refuses a model that cannot see {@code maxLength} tokens: GPT-2 beyond its learned
     * positions, or an active sliding window shorter than the sequences (the forward pass
     * attends to the full causal context, which would silently differ from the model's own).
     */
    private void checkReach(String modelType, ModelArchitecture architecture, int maxLength) {
        if (maxLength > architecture.maxSequenceLength()) {
            throw fail("n_positions " + architecture.maxSequenceLength() + " is shorter than data.max_length "
                    + maxLength + "; lower data.max_length");
        }
        boolean windowActive = switch (modelType) {
            case "mistral" -> json.hasNonNull("sliding_window");
            case "qwen2" -> bool("use_sliding_window", false) && json.hasNonNull("sliding_window");
            default -> false;
        };
        if (windowActive) {
            int window = integer("sliding_window", 0);
            if (window < maxLength) {
                throw fail("sliding_window " + window + " is shorter than data.max_length " + maxLength
                        + "; sliding-window attention is not supported, lower data.max_length to at most " + window);
            }
        }
    }

    private int integer(String key, int fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() <= 0) {
            throw fail(key + " must be a positive integer, found " + node);
        }
        return node.asInt();
    }

    private double number(String key, double fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw fail(key + " must be a number, found " + node);
        }
        return node.asDouble();
    }

    private boolean bool(String key, boolean fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw fail(key + " must be true or false, found " + node);
        }
        return node.asBoolean();
    }

    private String text(String key, String fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw fail(key + " must be a string, found " + node);
        }
        return node.asText();
    }

    private UserInputException fail(String what) {
        return new UserInputException(file + ": " + what);
    }
}
