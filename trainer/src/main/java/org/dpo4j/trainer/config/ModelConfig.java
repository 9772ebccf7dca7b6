package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The policy model. The reference model is a frozen copy of the initial policy.
 *
 * @param preset a built-in architecture size, randomly initialised from {@code train.seed}
 * @param arch   the architecture family of the preset
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelConfig(String preset, String arch) {

    public static final List<String> PRESETS = List.of("tiny");
    public static final List<String> ARCHES = List.of("llama");

    public ModelConfig {
        Check.oneOf("preset", preset, PRESETS);
        Check.oneOf("arch", arch, ARCHES);
    }
}
