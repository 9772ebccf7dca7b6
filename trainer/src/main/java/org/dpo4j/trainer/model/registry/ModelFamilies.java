package org.dpo4j.trainer.model.registry;

import java.util.List;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.gemma3.Gemma3Config;
import org.dpo4j.trainer.model.gpt2.Gpt2Config;
import org.dpo4j.trainer.model.llama.LlamaConfig;
import org.dpo4j.trainer.model.qwen3.Qwen3Config;

/**
 * Every model family dpo4j runs, and the one place that lists them: a new family is its own
 * package plus one line here. Lookups by {@code model_type} and preset name go through this.
 */
public final class ModelFamilies {

    /** In the order messages list their names. */
    private static final List<ModelFamily> FAMILIES = List.of(
            LlamaConfig.FAMILY,
            Gpt2Config.FAMILY,
            Qwen3Config.FAMILY,
            Gemma3Config.FAMILY);

    private ModelFamilies() {}

    /** Every registered family. */
    public static List<ModelFamily> all() {
        return FAMILIES;
    }

    /** Every {@code model_type} some family reads, e.g. {@code llama, mistral, qwen2, gpt2}. */
    public static List<String> modelTypes() {
        return FAMILIES.stream().flatMap(f -> f.modelTypes().stream()).toList();
    }

    /** Every {@code model_type} with built-in presets, e.g. {@code llama, qwen2, gpt2}. */
    public static List<String> presetArches() {
        return FAMILIES.stream().flatMap(f -> f.presetArches().stream()).toList();
    }

    /**
     * The family that reads {@code modelType}.
     *
     * @throws IllegalArgumentException listing the supported types when none does
     */
    public static ModelFamily forModelType(String modelType) {
        return FAMILIES.stream()
                .filter(f -> f.modelTypes().contains(modelType))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model_type '" + modelType
                        + "' is not supported; supported: " + String.join(", ", modelTypes())));
    }

    /**
     * The family with presets for {@code arch}.
     *
     * @throws IllegalArgumentException listing the preset arches when none has
     */
    public static ModelFamily forPresetArch(String arch) {
        return FAMILIES.stream()
                .filter(f -> f.presetArches().contains(arch))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown model arch '" + arch + "'; one of " + presetArches()));
    }
}
