package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * Learning-rate schedule: linear warmup from 0, then {@code type} down from the peak.
 *
 * @param type        {@code constant}, {@code linear} (to 0 at the last step) or {@code cosine}
 *                    (half cosine to 0 at the last step), as in Hugging Face transformers
 * @param warmupSteps warmup length in optimizer steps; wins over {@code warmupRatio} when > 0
 * @param warmupRatio warmup length as a share of {@code train.max_steps}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ScheduleConfig(String type, Integer warmupSteps, Double warmupRatio) {

    public static final List<String> TYPES = List.of("constant", "linear", "cosine");

    public ScheduleConfig {
        Check.oneOf("type", type, TYPES);
        Check.atLeast("warmup_steps", warmupSteps, 0);
        Check.halfOpen("warmup_ratio", warmupRatio, 0.0, 1.0);
    }
}
