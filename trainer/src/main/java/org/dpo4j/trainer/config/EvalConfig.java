package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Held-out evaluation.
 *
 * @param every optimizer steps between evaluations; 0 evaluates only at the end (the final
 *              evaluation always runs)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EvalConfig(Integer every) {

    public EvalConfig {
        Check.atLeast("every", every, 0);
    }
}
