package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.dpo4j.trainer.common.ConfigValueException;
import org.dpo4j.trainer.model.registry.ModelPresets;

/**
 * The policy model: a Hugging Face model folder, or a built-in preset randomly initialised from
 * {@code train.seed}.
 *
 * @param path   a Hugging Face model folder ({@code config.json}, safetensors weights,
 *               {@code tokenizer.json}); null = the preset. Relative to the working directory.
 * @param preset a built-in size, used when {@code path} is null
 * @param arch   the architecture family of the preset, used when {@code path} is null (a
 *               folder's {@code config.json} names its own)
 * @param adapter a PEFT LoRA adapter folder ({@code adapter_config.json},
 *                {@code adapter_model.safetensors}) to load onto the model and train further;
 *                null = none (new adapters when {@code lora} is set)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelConfig(String path, String preset, String arch, String adapter) {

    public static final List<String> PRESETS = ModelPresets.PRESETS;
    public static final List<String> ARCHES = ModelPresets.ARCHES;

    @com.fasterxml.jackson.annotation.JsonCreator
    public ModelConfig {
        Check.oneOf("preset", preset, PRESETS);
        Check.oneOf("arch", arch, ARCHES);
        if (path != null && path.isBlank()) {
            throw new ConfigValueException("path", "must be a model folder or null, got an empty string");
        }
        if (adapter != null && adapter.isBlank()) {
            throw new ConfigValueException("adapter", "must be a PEFT adapter folder or null, got an empty string");
        }
    }

    /** No adapter. */
    public ModelConfig(String path, String preset, String arch) {
        this(path, preset, arch, null);
    }
}
