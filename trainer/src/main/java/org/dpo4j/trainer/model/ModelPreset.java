package org.dpo4j.trainer.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Built-in model sizes for runs without a checkpoint and for {@code init-model}; each family
 * turns one into its own architecture ({@link ModelFamily#preset}).
 *
 * <p>{@code tiny}: 2 layers, d = 128, 4 query heads (over 2 key/value heads where the family
 * groups queries), MLP width 344 (SwiGLU); trains at tens of steps per second on two CPU cores.
 * {@code small}: about 34 M parameters at V = 8192: 8 layers, d = 512, 8 heads, MLP width 1376
 * (SwiGLU); the benchmark's workload.
 */
public enum ModelPreset {
    TINY(new ModelSize(128, 2, 4, 2, 344)),
    SMALL(new ModelSize(512, 8, 8, 8, 1376));

    /** The names, as configs and {@code --preset} spell them. */
    public static final List<String> NAMES = Arrays.stream(values()).map(ModelPreset::presetName).toList();

    private final ModelSize size;

    ModelPreset(ModelSize size) {
        this.size = size;
    }

    /** @throws IllegalArgumentException naming the presets when {@code name} is none of them */
    public static ModelPreset named(String name) {
        for (ModelPreset preset : values()) {
            if (preset.presetName().equals(name)) {
                return preset;
            }
        }
        throw new IllegalArgumentException("unknown model preset '" + name + "'; one of " + NAMES);
    }

    /** {@code tiny} or {@code small}. */
    public String presetName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public ModelSize size() {
        return size;
    }
}
