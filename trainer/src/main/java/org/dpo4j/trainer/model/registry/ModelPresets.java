package org.dpo4j.trainer.model.registry;

import java.util.List;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelPreset;

/**
 * Built-in model sizes ({@link ModelPreset}) of every family with presets, for runs without a
 * checkpoint and for {@code init-model}.
 */
public final class ModelPresets {

    public static final List<String> PRESETS = ModelPreset.NAMES;
    public static final List<String> ARCHES = ModelFamilies.presetArches();

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
}
