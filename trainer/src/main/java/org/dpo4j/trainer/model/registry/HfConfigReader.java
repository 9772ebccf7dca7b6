package org.dpo4j.trainer.model.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.common.JsonFiles;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.model.HfConfigJson;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelFamily;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelArchitecture}: the checks every
 * family shares (a {@code model_type} some family reads, no mixture of experts, no quantization,
 * positions that reach {@code data.max_length}) here, the family's own keys and defaults in its
 * {@link ModelFamily#readConfig}. What the forward pass does not implement is refused, with one
 * line naming it, rather than computed wrongly later.
 */
public final class HfConfigReader {

    /** The {@code model_type}s this reader accepts. */
    public static final List<String> MODEL_TYPES = ModelFamilies.modelTypes();

    private static final List<String> EXPERT_KEYS = List.of("num_local_experts", "num_experts", "n_routed_experts");

    private HfConfigReader() {}

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
        return readFile(file, maxLength);
    }

    /**
     * {@link #read} of a {@code config.json} given as a file, e.g. one copied from a hub model
     * ({@code init-model --config-json}).
     *
     * @throws UserInputException naming the file and the key when the config is unusable
     */
    public static ModelArchitecture readFile(Path file, int maxLength) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + ": no such file (expected a Hugging Face config.json)");
        }
        JsonNode json = JsonFiles.read(file);
        if (json == null || !json.isObject()) {
            throw new UserInputException(file + ": expected a JSON object");
        }
        return architecture(new HfConfigJson(file, json), maxLength);
    }

    /** {@link #read}'s checks and the family's reading of an already parsed {@code config.json}. */
    static ModelArchitecture architecture(HfConfigJson json, int maxLength) {
        String modelType = json.text("model_type", null);
        if (modelType == null) {
            throw json.fail("has no model_type; supported: " + String.join(", ", MODEL_TYPES));
        }
        for (String key : EXPERT_KEYS) {
            if (json.node(key).asInt(0) > 0) {
                throw json.fail(key + " = " + json.node(key) + ": mixture-of-experts models are not supported");
            }
        }
        if (json.hasNonNull("quantization_config")) {
            throw json.fail(
                    "quantization_config: quantized checkpoints are not supported; use float weights (F32, F16 or BF16)");
        }
        ModelFamily family;
        try {
            family = ModelFamilies.forModelType(modelType);
        } catch (IllegalArgumentException e) {
            throw json.fail(e.getMessage());
        }
        ModelArchitecture architecture = family.readConfig(json, modelType, maxLength);
        if (maxLength > architecture.maxSequenceLength()) {
            throw json.fail("n_positions " + architecture.maxSequenceLength() + " is shorter than data.max_length "
                    + maxLength + "; lower data.max_length");
        }
        return architecture;
    }
}
