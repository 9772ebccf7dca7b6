package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The frozen reference model of the losses that need one.
 *
 * @param path a Hugging Face model folder; null = a frozen copy of the initial policy (the same
 *             folder, or the same preset and seed). Its tokenizer must have the policy's
 *             vocabulary.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReferenceConfig(String path) {

    public ReferenceConfig {
        if (path != null && path.isBlank()) {
            throw new ConfigValueException("path", "must be a model folder or null, got an empty string");
        }
    }
}
