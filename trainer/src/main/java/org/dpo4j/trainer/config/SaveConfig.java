package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Training checkpoints ({@code RUN/checkpoints/step-N/}: the policy, AdamW's moments and the
 * trainer's state), from which {@code train --resume} continues a run exactly.
 *
 * @param every    optimizer steps between checkpoints, plus one after the last step; 0 writes
 *                 none (only {@code final/}, and a checkpoint when the run is interrupted)
 * @param keepLast complete checkpoints kept; older ones are deleted once a newer one is complete
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SaveConfig(Integer every, Integer keepLast) {

    /** The defaults: no periodic checkpoints, keep the last 2. */
    public static final SaveConfig DEFAULT = new SaveConfig(0, 2);

    public SaveConfig {
        Check.atLeast("every", every, 0);
        Check.atLeast("keep_last", keepLast, 1);
    }
}
