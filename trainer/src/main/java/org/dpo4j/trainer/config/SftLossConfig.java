package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code sft}: supervised fine-tuning on the chosen completions (token-mean NLL), e.g. before
 * preference training. Takes no parameters; {@code rpo_alpha} is not allowed.
 *
 * @param type {@code sft}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SftLossConfig(String type) implements LossConfig {

    @Override
    public Double rpoAlpha() {
        return null;
    }
}
